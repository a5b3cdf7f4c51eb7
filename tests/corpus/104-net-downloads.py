import asyncio
import time
import requests
import aiohttp

URLS = ["https://files.example.com/big.iso", "https://files.example.com/notes.txt",
        "https://files.example.com/missing", "https://unlisted.example.org/x"]

def blocking():
    t0 = time.perf_counter()
    for u in URLS:
        r = requests.get(u)
        print(f"{time.perf_counter() - t0:.2f}s {r.status_code} {len(r.text)} {r.text!r:.30} {r}")

async def fetch(session, url):
    async with session.get(url) as r:
        if r.status == 404:
            return f"{url}: not found"
        text = await r.text()
        return f"{url}: {r.status}, {len(text)} chars"

async def main():
    t0 = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        for line in await asyncio.gather(*[fetch(session, u) for u in URLS]):
            print(line)
        print(f"gathered in {time.perf_counter() - t0:.2f}s")
        try:
            async with asyncio.timeout(1):
                await fetch(session, "https://slow.example.com/")
        except TimeoutError:
            print(f"slow site timed out at {time.perf_counter() - t0:.2f}s")
        r = requests.get("https://files.example.com/notes.txt")
        print("blocking inside the loop:", r.status_code, f"{time.perf_counter() - t0:.2f}s")

blocking()
asyncio.run(main())
