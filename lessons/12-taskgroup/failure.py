import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def job(name, seconds, fail=False):
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(now(), name, "was cancelled")
        raise
    if fail:
        raise ValueError(f"{name} failed")
    print(now(), name, "finished")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job("a", 1))
            tg.create_task(job("b", 2, fail=True))
            tg.create_task(job("c", 3))
    except ExceptionGroup as eg:
        print(now(), "caught:", eg)
        for e in eg.exceptions:
            print("  ", repr(e))

asyncio.run(main())
