import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def job(name, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise RuntimeError(f"{name} failed")
    print(now(), name, "finished")
    return name

async def main():
    try:
        results = await asyncio.gather(job("a", 1), job("b", 2, fail=True), job("c", 3))
        print(results)
    except RuntimeError as e:
        print(now(), "caught:", e)
    await asyncio.sleep(2)
    print(now(), "main done")

asyncio.run(main())
