# Awaiting a coroutine that is suspended in another await, finished, or driven by a task:
# CPython 3.11 words each case differently (genobject.c).
import asyncio

async def work():
    await asyncio.sleep(1)
    return 1

async def a(c):
    return await c

async def main():
    c = work()
    t1 = asyncio.create_task(a(c))
    await asyncio.sleep(0)
    try:
        await c
    except RuntimeError as e:
        print("second await:", type(e).__name__, e)
    print(await t1)
    try:
        await c
    except RuntimeError as e:
        print("after done:", type(e).__name__, e)
    t = asyncio.create_task(work())
    await asyncio.sleep(0)
    try:
        await t.get_coro()
    except RuntimeError as e:
        print("task's coro:", type(e).__name__, e)
    await t

asyncio.run(main())
