import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def job(name, seconds):
    await asyncio.sleep(seconds)
    print(now(), name, "finished")
    return name * 2

async def main():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(job("a", 2))
        b = tg.create_task(job("b", 3))
        c = tg.create_task(job("c", 1))
        print(now(), "three tasks in the group")
    print(now(), "group done:", a.result(), b.result(), c.result())

asyncio.run(main())
