import asyncio
import time

def now():
    return f"{time.perf_counter():.1f}s"

async def step(n):
    await asyncio.sleep(1)
    print(now(), "step", n, "done")

async def main():
    try:
        async with asyncio.timeout(1.5):
            await step(1)
            await step(2)
    except TimeoutError:
        print(now(), "out of time")

asyncio.run(main())
