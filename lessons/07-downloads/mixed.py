import asyncio
import time
import requests

URLS = [
    "https://www.python.org/favicon.ico",
    "https://www.wikipedia.org/favicon.ico",
    "https://github.com/favicon.ico",
]

async def download(url):
    r = requests.get(url)          # blocks the event loop!
    print(f"{time.perf_counter():.1f}s  {url}: {r.status_code}")

async def main():
    await asyncio.gather(*[download(url) for url in URLS])
    print(f"total {time.perf_counter():.1f}s")

asyncio.run(main())
