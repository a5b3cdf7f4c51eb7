import asyncio
import time

async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise ValueError(f"{name} broke")
    return name

async def main():
    t0 = time.perf_counter()
    ts = [asyncio.create_task(job(n, d)) for n, d in [("a", 1), ("b", 3), ("c", 2)]]
    done, pending = await asyncio.wait(ts, timeout=1.5)
    print(f"{time.perf_counter() - t0:.1f}", len(done), len(pending), sorted(t.result() for t in done))
    done, pending = await asyncio.wait(ts)
    print(f"{time.perf_counter() - t0:.1f}", len(done), len(pending), type(done).__name__)
    ts = [asyncio.create_task(job("x", 1)), asyncio.create_task(job("y", 0.5, True)), asyncio.create_task(job("z", 2))]
    done, pending = await asyncio.wait(ts, return_when=asyncio.FIRST_EXCEPTION)
    print(f"{time.perf_counter() - t0:.1f}", [t.get_name() for t in ts if t in done], len(pending))
    for t in done:
        print("exception:", repr(t.exception()))
    done, pending = await asyncio.wait(ts, return_when=asyncio.ALL_COMPLETED)
    print(f"{time.perf_counter() - t0:.1f}", len(done), len(pending))
    print(asyncio.FIRST_COMPLETED, asyncio.FIRST_EXCEPTION, asyncio.ALL_COMPLETED)
    try:
        await asyncio.wait([job("c", 1)])
    except TypeError as e:
        print("TypeError:", e)
    try:
        await asyncio.wait([])
    except ValueError as e:
        print("ValueError:", e)
    t = asyncio.create_task(job("solo", 1))
    done, pending = await asyncio.wait([t], timeout=0)
    print(len(done), len(pending), pending == set() if False else "pending")
    await t

asyncio.run(main())
