import asyncio

def r(x):
    s = repr(x)
    return s[:s.index(" at 0x")] + s[s.index(" ["):]

def rq(q):
    s = repr(q)
    return s[:s.index(" at 0x")] + s[s.index(" maxsize"):]

async def main():
    ev = asyncio.Event()

    async def ew(name):
        try:
            print(name, "woke:", await ev.wait())
        except asyncio.CancelledError:
            print(name, "cancelled;", r(ev))
            raise

    ts = [asyncio.create_task(ew(n)) for n in "XYZ"]
    await asyncio.sleep(0)
    print("3 waiting:", r(ev))
    ts[1].cancel()
    ev.set()
    print("set:", r(ev))
    ts[2].cancel()
    await asyncio.sleep(0)
    print("one hop:", r(ev))
    res = await asyncio.gather(*ts, return_exceptions=True)
    print([type(x).__name__ for x in res])
    print("set event, wait():", await ev.wait())

    print("--- wait_for(ev.wait(), t)")
    ev.clear()
    try:
        await asyncio.wait_for(ev.wait(), 0.1)
    except asyncio.TimeoutError as exc:
        print("timed out:", type(exc).__name__, type(exc.__cause__).__name__, r(ev))
    async def set_later():
        await asyncio.sleep(0.05)
        ev.set()
    st = asyncio.create_task(set_later())
    print("in time:", await asyncio.wait_for(ev.wait(), 0.1), r(ev))
    await st
    ev.clear()
    t = asyncio.create_task(asyncio.wait_for(ev.wait(), 1))
    await asyncio.sleep(0.5)
    t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print("outer cancelled:", r(ev))

    print("--- Queue: cancelled getters and putters")
    q = asyncio.Queue()
    async def getter(name):
        try:
            print(name, "got", await q.get())
        except asyncio.CancelledError:
            print(name, "cancelled;", rq(q))
            raise
    gs = [asyncio.create_task(getter(n)) for n in "GHI"]
    await asyncio.sleep(0)
    print(rq(q))
    gs[0].cancel()
    q.put_nowait("a")
    print("put a:", rq(q))
    gs[1].cancel()
    q.put_nowait("b")
    print("put b:", rq(q))
    res = await asyncio.gather(*gs, return_exceptions=True)
    print([type(x).__name__ for x in res], rq(q))
    q.task_done()
    q.task_done()
    print("drained:", rq(q))

    bq = asyncio.Queue(maxsize=1)
    bq.put_nowait(0)
    async def putter(name, item):
        try:
            await bq.put(item)
            print(name, "put", item)
        except asyncio.CancelledError:
            print(name, "cancelled;", rq(bq))
            raise
    ps = [asyncio.create_task(putter(n, i)) for i, n in enumerate("PQR", 1)]
    await asyncio.sleep(0)
    print(rq(bq))
    ps[0].cancel()
    print("get:", bq.get_nowait(), rq(bq))
    ps[1].cancel()
    await asyncio.sleep(0)
    print("hop:", rq(bq))
    res = await asyncio.gather(*ps, return_exceptions=True)
    print([type(x).__name__ for x in res], rq(bq))
    try:
        print(await asyncio.wait_for(bq.put(9), 0.1))
    except TimeoutError:
        print("put timed out:", rq(bq))
    print("get:", await asyncio.wait_for(bq.get(), 0.1), rq(bq))
    try:
        await asyncio.wait_for(bq.get(), 0.1)
    except TimeoutError:
        print("get timed out:", rq(bq))

    print("--- join")
    jq = asyncio.Queue()
    for i in range(3):
        jq.put_nowait(i)
    async def worker():
        while True:
            item = await jq.get()
            await asyncio.sleep(0.1)
            print("done", item)
            jq.task_done()
    w = asyncio.create_task(worker())
    try:
        await asyncio.wait_for(jq.join(), 0.15)
    except TimeoutError:
        print("join timed out;", rq(jq))
    await jq.join()
    print("joined;", rq(jq))
    w.cancel()
    try:
        jq.task_done()
    except ValueError as exc:
        print("ValueError:", exc)

asyncio.run(main())
