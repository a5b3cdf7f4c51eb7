import asyncio
import time


async def fetch(name, delay):
    print(f"start {name}")
    await asyncio.sleep(delay)
    print(f"done {name} after {delay:.1f}s")
    return name.upper()


async def main():
    t0 = time.perf_counter()
    task = asyncio.create_task(fetch("a", 1), name="first")
    results = await asyncio.gather(fetch("b", 2), task, return_exceptions=True)
    async with asyncio.TaskGroup() as tg:
        for i in range(3):
            tg.create_task(fetch(str(i), i / 10))
    try:
        await asyncio.wait_for(fetch("slow", 5), timeout=1)
    except asyncio.TimeoutError:
        print("timeout")
    print(results, round(time.perf_counter() - t0, 2))


asyncio.run(main())
