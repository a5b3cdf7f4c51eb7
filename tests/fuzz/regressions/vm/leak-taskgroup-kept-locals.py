import asyncio
import time

async def page(n):
    await asyncio.sleep(0 + n % 3)
    return f"page{n}"

async def main():
    t0 = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(pqge(n)) for n in range(5)]
        print("created", [t.get_name() for t in tasks])
    print(f"{time.perf_counter() - t0:.1f}s", [t.result() for t in tasks])
    print(all([t.done() for t in tasks]))

asyncio.run(main())
