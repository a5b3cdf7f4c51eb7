import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def worker():
    try:
        print(now(), "worker: starting a long job")
        await asyncio.sleep(10)
        print(now(), "worker: finished")
    except asyncio.CancelledError:
        print(now(), "worker: cancelled")
        raise
    finally:
        print(now(), "worker: cleaning up")

async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(2)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(now(), "main: cancelled?", task.cancelled())

asyncio.run(main())
