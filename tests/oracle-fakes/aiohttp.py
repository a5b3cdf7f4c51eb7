"""aiohttp (simulated, non-blocking):

    async with aiohttp.ClientSession() as session:
        async with session.get(url) as r:     # waits the latency (asyncio.sleep)
            text = await r.text()             # returns at once, no suspension
            r.status, r.url, await r.read()   # read(): the text too (no bytes)

Entering and leaving the session do not suspend; entering session.get(url)
suspends once, for the URL's latency. See _net.py."""
import asyncio as _asyncio

import _net


class ClientResponse:
    def __init__(self, url, status, body):
        self.url = url
        self.status = status
        self._body = body

    async def text(self):
        return self._body

    async def read(self):
        return self._body


class _Request:
    def __init__(self, url):
        self._url = url

    async def __aenter__(self):
        latency, status, body = _net.lookup(self._url)
        await _asyncio.sleep(latency)
        return ClientResponse(self._url, status, body)

    async def __aexit__(self, *exc):
        return False


class ClientSession:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def get(self, url):
        return _Request(url)
