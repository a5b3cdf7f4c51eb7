import asyncio
import time

def now():
    return f"{time.perf_counter():.1f}s"

async def waiter(q):
    for i in range(1, 6):
        await asyncio.sleep(0.5)
        await q.put(f"order {i}")
        print(now(), "waiter: order", i)
    await q.put(None)
    await q.put(None)

async def cook(name, q):
    while True:
        order = await q.get()
        if order is None:
            break
        print(now(), name, "cooks", order)
        await asyncio.sleep(1)
    print(now(), name, "goes home")

async def main():
    q = asyncio.Queue()
    await asyncio.gather(waiter(q), cook("Ann", q), cook("Bob", q))

asyncio.run(main())
