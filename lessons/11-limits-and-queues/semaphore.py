import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def download(sem, n):
    async with sem:
        print(now(), "start", n)
        await asyncio.sleep(1)
        print(now(), "done ", n)

async def main():
    sem = asyncio.Semaphore(2)
    await asyncio.gather(*[download(sem, n) for n in range(1, 7)])

asyncio.run(main())
