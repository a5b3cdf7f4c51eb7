"""_net: the simulated network the lessons describe, for the CPython oracle.

The fake `requests` and `aiohttp` modules beside this file read the lesson's
"network" settings from the lesson.json named by $AIOTUTOR_NETWORK, exactly as
aiotutor does (lessons/README.md, "The simulated network"):
  latency (s, default 0.5), status (default 200), body (default
  "<content of URL>", repeated and cut to `size` characters when size is given).
"""
import json
import os

DEFAULT_LATENCY = 0.5
DEFAULT_STATUS = 200

_table = None


def _load():
    global _table
    if _table is None:
        _table = {}
        path = os.environ.get("AIOTUTOR_NETWORK")
        if path:
            with open(path, encoding="utf-8") as f:
                _table = json.load(f).get("network", {})
    return _table


def lookup(url):
    """(latency seconds, status, body) for url."""
    e = _load().get(url, {})
    body = e.get("body")
    if body is None:
        body = f"<content of {url}>"
        if "size" in e:
            n = e["size"]
            body = (body * (n // len(body) + 1))[:n]
    return e.get("latency", DEFAULT_LATENCY), e.get("status", DEFAULT_STATUS), body
