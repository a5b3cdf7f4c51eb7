import asyncio
import time

def now():
    return f"{time.perf_counter():.1f}s"

async def job(name, seconds):
    print(now(), name, "starts")
    await asyncio.sleep(seconds)
    print(now(), name, "finishes")

async def main():
    asyncio.create_task(job("A", 1))
    asyncio.create_task(job("B", 2))
    await asyncio.sleep(1.5)
    print(now(), "main returns")

asyncio.run(main())
