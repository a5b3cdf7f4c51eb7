import asyncio
import time

async def job(n):
    await asyncio.sleep(n)
    if n == 2:
        raise KeyError("two")
    return n * 10

async def main():
    t0 = time.perf_counter()
    coros = [job(3), job(1), job(2), job(5)]
    it = asyncio.as_completed(coros, timeout=4)
    print(type(it).__name__)
    for c in it:
        try:
            v = await c
            print(f"{time.perf_counter() - t0:.1f} got {v}")
        except KeyError as e:
            print(f"{time.perf_counter() - t0:.1f} failed {e!r}")
        except asyncio.TimeoutError:
            print(f"{time.perf_counter() - t0:.1f} timed out")
    print(len(asyncio.all_tasks()))
    await asyncio.sleep(2)
    print([t.get_name() for t in asyncio.all_tasks()])

asyncio.run(main())
