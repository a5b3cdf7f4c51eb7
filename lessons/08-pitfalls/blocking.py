import asyncio
import time

def now():
    return f"{time.perf_counter():.2f}s"

async def ticker():
    for i in range(6):
        print(now(), "tick", i)
        await asyncio.sleep(0.5)

async def worker():
    await asyncio.sleep(0.75)
    print(now(), "worker: time.sleep(2)...")
    time.sleep(2)
    print(now(), "worker: done")

async def main():
    await asyncio.gather(ticker(), worker())

asyncio.run(main())
