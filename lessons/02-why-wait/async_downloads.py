import asyncio
import time

async def download(name, seconds):
    print(f"{time.perf_counter():.1f}s  asking for {name}")
    await asyncio.sleep(seconds)     # waiting, but letting others run
    size = len(name) * 1000
    print(f"{time.perf_counter():.1f}s  got {name} ({size} bytes)")

async def main():
    await asyncio.gather(
        download("cat.png", 1.0),
        download("dog.png", 2.0),
        download("owl.png", 1.5),
    )
    print(f"total: {time.perf_counter():.1f}s")

asyncio.run(main())
