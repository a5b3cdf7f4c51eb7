import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def job(name, seconds):
    print(now(), name, "starts")
    await asyncio.sleep(seconds)
    print(now(), name, "finishes")
    return name

async def main():
    t1 = asyncio.create_task(job("A", 2))
    t2 = asyncio.create_task(job("B", 1))
    t3 = asyncio.create_task(job("C", 3))
    print(now(), "main created three tasks")
    await t1
    await t2
    await t3
    print(now(), "main is done")

asyncio.run(main())
