import asyncio
import time

async def risky(n):
    await asyncio.sleep(n)
    raise ValueError(f"bad input: {n}")

async def main():
    task = asyncio.create_task(risky(2))
    try:
        await task
    except ValueError as e:
        print(f"{time.perf_counter():.0f}s  caught: {e}")
    print("done:", task.done())
    print("exception:", repr(task.exception()))

asyncio.run(main())
