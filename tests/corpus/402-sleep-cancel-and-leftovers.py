# Tasks cancelled while in asyncio.sleep(d): the message, finally blocks,
# the result when the timer fires first, wait_for's timeout around a sleep,
# and tasks still sleeping when main returns (asyncio.run cancels them).
import asyncio


async def napper(name, d):
    try:
        r = await asyncio.sleep(d, result=name.upper())
        print(name, "woke with", r)
        return r
    except asyncio.CancelledError as e:
        print(name, "cancelled:", e.args)
        raise
    finally:
        print(name, "finally")


async def nested(d):
    return await napper("nested", d)


async def forever():
    try:
        while True:
            await asyncio.sleep(10)
    finally:
        print("forever cleaned up")


async def main():
    a = asyncio.create_task(napper("a", 1))
    b = asyncio.create_task(napper("b", 2))
    c = asyncio.create_task(nested(3))
    await asyncio.sleep(0)
    print(b)
    b.cancel("stop b")
    c.cancel()
    print(await asyncio.gather(a, b, c, return_exceptions=True))
    try:
        await asyncio.wait_for(asyncio.sleep(5, "late"), 1)
    except asyncio.TimeoutError:
        print("timed out")
    print(await asyncio.wait_for(asyncio.sleep(1, "early"), 5))
    t = asyncio.create_task(asyncio.sleep(2, "as a task"))
    print(await t)
    asyncio.create_task(forever())
    await asyncio.sleep(0.5)
    print("main done")


asyncio.run(main())
