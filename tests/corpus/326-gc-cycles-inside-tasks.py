# Tasks whose coroutines make cycles as they go (a recursive inner
# function, a dict holding its own bound method, an exception stored where
# it reaches itself), many tasks at a time; what they return stays.
import asyncio


async def worker(i):
    def depth(k):
        return depth(k - 1) + 1 if k else 0

    seen = {}
    seen["get"] = seen.get
    box = []
    try:
        raise ValueError(box)
    except ValueError as e:
        box.append(e)
    await asyncio.sleep(0.001 * (i % 3))
    return depth(i % 5) + len(seen) + len(box)


async def main():
    total = 0
    for round_ in range(300):
        results = await asyncio.gather(*[worker(i) for i in range(100)])
        total += sum(results)
    print(total)


asyncio.run(main())
