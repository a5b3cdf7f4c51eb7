import asyncio
import aiohttp

URLS = [
    "https://www.python.org/favicon.ico",
    "https://www.wikipedia.org/favicon.ico",
    "https://github.com/favicon.ico",
    "https://example.org/big-picture.png",
]

async def download(session, url):
    async with session.get(url) as r:
        await r.text()

async def main():
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*[download(session, url) for url in URLS])

asyncio.run(main())
