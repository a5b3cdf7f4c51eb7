# The sleeps that still wait on a future (a result other than None, a
# sleep created as a task) print that future's state in the task's repr
# while the wakeup is queued (finished with its result, or cancelled); tasks
# sleeping in a TaskGroup that fails are cancelled.
import asyncio


async def napper(name, d, result, peek=None):
    try:
        r = await asyncio.sleep(d, result)
        print(name, "got", r)
        if peek:
            print(peek[0])
    except asyncio.CancelledError:
        print(name, "cancelled")
        if peek:
            print(peek[0])
        raise


async def failing():
    await asyncio.sleep(1)
    raise ValueError("boom")


async def quiet(name):
    try:
        await asyncio.sleep(10)
    finally:
        print(name, "finally")


async def main():
    later = []
    p = asyncio.create_task(napper("p", 1, "P", later))
    q = asyncio.create_task(napper("q", 1, "Q"))
    later.append(q)
    await p
    await q
    later = []
    r = asyncio.create_task(napper("r", 2, "R", later))
    s = asyncio.create_task(napper("s", 2, "S"))
    later.append(s)
    await asyncio.sleep(1)
    r.cancel()
    s.cancel("bye")
    for x in (r, s):
        try:
            await x
        except asyncio.CancelledError as e:
            print("awaited:", repr(e))
    t = asyncio.create_task(asyncio.sleep(1, "slept as a task"))
    await asyncio.sleep(0)
    print(t.done(), await t)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(quiet("one"))
            tg.create_task(failing())
            tg.create_task(quiet("two"))
    except ExceptionGroup as eg:
        print("group failed:", eg.exceptions)
    print("main done")


asyncio.run(main())
