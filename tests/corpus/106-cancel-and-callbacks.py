import asyncio

async def worker(n):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("worker", n, "got", repr(e), asyncio.current_task().cancelling())
        raise

async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        t = asyncio.current_task()
        print("stubborn swallowed; cancelling =", t.cancelling(), "uncancel ->", t.uncancel())
    return "survived"

async def fails():
    await asyncio.sleep(0.1)
    raise ValueError("bad")

async def main():
    t = asyncio.create_task(worker(1))
    await asyncio.sleep(0)
    print(t.cancel("stop now"), t.cancel(), t.cancelling())
    try:
        await t
    except asyncio.CancelledError as e:
        print("main sees", repr(e), t.cancelled())
    s = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    s.cancel()
    print(await s, s.cancelled())
    f = asyncio.create_task(fails())
    try:
        f.result()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    try:
        f.exception()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    f.add_done_callback(lambda task: print("callback:", task.get_name(), task.done()))
    await asyncio.sleep(0.2)
    print("exception():", repr(f.exception()))
    c = asyncio.create_task(worker(2))
    c.cancel()
    await asyncio.sleep(0)
    print(c.cancelled(), c)
    try:
        c.result()
    except asyncio.CancelledError:
        print("result() of cancelled raises CancelledError")
    print(asyncio.iscoroutine(worker(3)), asyncio.iscoroutine(c))
    lost = asyncio.create_task(fails())
    await asyncio.sleep(0.2)
    del lost
    print("end of main")

asyncio.run(main())
