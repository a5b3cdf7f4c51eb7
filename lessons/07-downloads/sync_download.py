import time
import requests

URLS = [
    "https://www.python.org/favicon.ico",
    "https://www.wikipedia.org/favicon.ico",
    "https://github.com/favicon.ico",
]

def download(url):
    r = requests.get(url)
    print(f"{time.perf_counter():.1f}s  {url}: {r.status_code}, {len(r.text)} bytes")

for url in URLS:
    download(url)
print(f"total {time.perf_counter():.1f}s")
