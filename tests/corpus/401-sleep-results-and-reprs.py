# asyncio.sleep's result and cancellation in every way it can be awaited
# (inline, as a task, through gather), and a pending task's repr naming the
# line its coroutine is paused at.
import asyncio


async def w(i):
    r = await asyncio.sleep(0, i)
    r2 = await asyncio.sleep(0)
    r3 = await asyncio.sleep(0.5, result=[i])
    return r, r2, r3


async def stop_in_sleep0():
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("cancelled in sleep(0)")
        raise


async def nap(d):
    await asyncio.sleep(d)


async def inner():
    print("inner sees", asyncio.current_task())
    await asyncio.sleep(0)


async def outer():
    await inner()


async def main():
    print(await asyncio.gather(w(1), w(2), asyncio.sleep(0, 7), asyncio.sleep(0.1, 8)))
    s = asyncio.sleep(0)
    await s
    try:
        await s
    except RuntimeError as e:
        print("again:", e)
    t = asyncio.create_task(asyncio.sleep(0, 5))
    print(await t)
    t = asyncio.create_task(stop_in_sleep0())
    await asyncio.sleep(0)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("t cancelled", t)
    a = asyncio.create_task(nap(0))
    b = asyncio.create_task(nap(3))
    print(a)
    await asyncio.sleep(0)
    print(a)
    print(b)
    b.cancel("bye")
    await asyncio.sleep(0)
    print(b)
    o = asyncio.create_task(outer())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print(o)
    t = asyncio.create_task(nap(0))
    await asyncio.sleep(0)
    t.cancel()
    await t


asyncio.run(main())
