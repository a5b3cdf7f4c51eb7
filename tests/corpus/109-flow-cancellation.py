import asyncio

async def job(n):
    await asyncio.sleep(n)
    return n

async def waiter(ts):
    try:
        done, pending = await asyncio.wait(ts)
        print("waiter finished", len(done))
    except asyncio.CancelledError:
        print("waiter cancelled")
        raise

async def ac_user(coros):
    try:
        for c in asyncio.as_completed(coros):
            print("ac got", await c)
    except asyncio.CancelledError:
        print("ac user cancelled")
        raise

async def main():
    ts = [asyncio.create_task(job(i)) for i in (1, 2, 3)]
    w = asyncio.create_task(waiter(ts))
    a = asyncio.create_task(ac_user([job(0.5), job(2.5)]))
    await asyncio.sleep(1.5)
    w.cancel()
    a.cancel()
    r = await asyncio.gather(w, a, return_exceptions=True)
    print([type(x).__name__ for x in r])
    try:
        await asyncio.wait_for(asyncio.shield(job(5)), timeout=0.5)
    except TimeoutError:
        print("shielded job timed out")
    it = asyncio.as_completed([job(0.1), job(0.2)])
    first = next(iter(it))
    print("first", await first)
    done, pending = await asyncio.wait(ts, timeout=0.1, return_when=asyncio.FIRST_COMPLETED)
    print(len(done), len(pending))

asyncio.run(main())
