# Tasks in `await asyncio.sleep(d)` (result None): a sleeping task's repr,
# cancel with a message while it sleeps, cancel twice (the first message
# wins), cancel in the step that starts the sleep, sleeping again after
# catching the cancel, equal deadlines waking in the order the sleeps began,
# a sleep inside an inlined wait_for, the repr of a task whose sleep is
# over but which has not run yet, an uncaught CancelledError's
# traceback, and tasks still sleeping when main returns.
import asyncio

log = []


async def sleeper(name, d, peek=None):
    try:
        await asyncio.sleep(d)
        log.append(name)
        print(name, "woke")
        if peek:
            print(peek[0])
    except asyncio.CancelledError as e:
        print(name, "cancelled:", e.args)
        raise


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("stubborn caught", e.args)
    await asyncio.sleep(1)
    print("stubborn slept again")
    return "stubborn done"


async def self_cancel():
    asyncio.current_task().cancel("mine")
    try:
        await asyncio.sleep(3)
    except asyncio.CancelledError as e:
        print("self_cancel caught", e.args)
    return "self done"


async def inner():
    await asyncio.sleep(2)
    return "inner slept"


async def main():
    a = asyncio.create_task(sleeper("a", 5))
    b = asyncio.create_task(sleeper("b", 5))
    await asyncio.sleep(0)
    print(a)
    print(a.cancel("first"), a.cancel("second"), a.cancelling())
    print(a)
    s = asyncio.create_task(stubborn())
    m = asyncio.create_task(self_cancel())
    await asyncio.sleep(0)
    s.cancel()
    ts = [asyncio.create_task(sleeper(n, 1.5)) for n in "xyz"]
    print(await asyncio.gather(a, s, m, *ts, return_exceptions=True))
    print("order", log)
    print(await asyncio.wait_for(inner(), None))
    print(b.done(), b)
    later = []
    p = asyncio.create_task(sleeper("p", 1, later))
    q = asyncio.create_task(sleeper("q", 1))
    later.append(q)
    await p
    await q
    await asyncio.sleep(4)
    c = asyncio.create_task(sleeper("c", 1))
    await asyncio.sleep(0.5)
    c.cancel()
    try:
        await c
    except asyncio.CancelledError:
        print("c is cancelled", c.cancelled())
    d = asyncio.create_task(sleeper("d", 100))
    await asyncio.sleep(0)
    print("main done", d.done())


asyncio.run(main())
