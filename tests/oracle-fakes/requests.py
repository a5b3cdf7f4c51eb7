"""requests (simulated, blocking): requests.get(url) waits the URL's latency
with time.sleep -- blocking the whole program, event loop included -- and
returns a response with .status_code, .text, .content (the text too: the
lesson language has no bytes) and .url. See _net.py."""
import time as _time

import _net


class Response:
    def __init__(self, url, status, text):
        self.url = url
        self.status_code = status
        self.text = text
        self.content = text

    def __repr__(self):
        return f"<Response [{self.status_code}]>"


def get(url):
    latency, status, body = _net.lookup(url)
    _time.sleep(latency)
    return Response(url, status, body)
