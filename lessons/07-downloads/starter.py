import asyncio
import requests

BASE = "https://reports.example.com/"

async def fetch(name):
    r = requests.get(BASE + name)
    print(f"{name}: {r.status_code}")

async def main():
    await asyncio.gather(fetch("jan.txt"), fetch("feb.txt"), fetch("mar.txt"))

asyncio.run(main())
