# spawn: 100,000 tasks, one sleep(0) each, gathered.
import asyncio

async def worker():
    await asyncio.sleep(0)

async def main():
    await asyncio.gather(*[worker() for _ in range(100000)])
    print("spawned and gathered 100000 tasks")

asyncio.run(main())
