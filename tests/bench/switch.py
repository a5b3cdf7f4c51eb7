# switch: 1,000 tasks x 1,000 sleep(0): a million task switches.
import asyncio

async def worker():
    for _ in range(1000):
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(*[worker() for _ in range(1000)])
    print("1000000 switches")

asyncio.run(main())
