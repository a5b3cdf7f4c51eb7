# A task that returns itself, or raises an exception that holds it, is a
# cycle (task -> its result or exception -> task) once the program drops
# it: many of them in a loop. The one whose exception nobody retrieves is
# reported when its cycle is collected, as CPython does.
import asyncio


async def me(i):
    if i % 2:
        await asyncio.sleep(0)
    return asyncio.current_task()


async def boom(i):
    raise ValueError(i, asyncio.current_task())


async def main():
    n = 0
    for i in range(150000):
        t = asyncio.create_task(me(i))
        n += (await t) is t
    for i in range(5000):
        t = asyncio.create_task(boom(i))
        await asyncio.sleep(0)
        n += len(t.exception().args)
    print(repr(t))
    print(n)
    t = asyncio.create_task(boom(-1))
    await asyncio.sleep(0)


asyncio.run(main())
print("done")
