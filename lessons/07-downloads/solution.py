import asyncio
import aiohttp

BASE = "https://reports.example.com/"

async def fetch(session, name):
    async with session.get(BASE + name) as r:
        await r.text()
        print(f"{name}: {r.status}")

async def main():
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(
            fetch(session, "jan.txt"),
            fetch(session, "feb.txt"),
            fetch(session, "mar.txt"),
        )

asyncio.run(main())
