import asyncio
import time
import aiohttp

URLS = [
    "https://www.python.org/favicon.ico",
    "https://www.wikipedia.org/favicon.ico",
    "https://github.com/favicon.ico",
]

async def download(session, url):
    async with session.get(url) as r:
        body = await r.text()
        print(f"{time.perf_counter():.1f}s  {url}: {r.status}, {len(body)} bytes")

async def main():
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*[download(session, url) for url in URLS])
    print(f"total {time.perf_counter():.1f}s")

asyncio.run(main())
