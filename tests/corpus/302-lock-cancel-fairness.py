import asyncio

def r(x):
    s = repr(x)
    return s[:s.index(" at 0x")] + s[s.index(" ["):]

async def main():
    lock = asyncio.Lock()

    async def waiter(name):
        try:
            await lock.acquire()
        except asyncio.CancelledError:
            print(name, "cancelled; locked:", lock.locked())
            raise
        print(name, "acquired")
        await asyncio.sleep(0)
        lock.release()
        print(name, "released")

    await lock.acquire()
    a = asyncio.create_task(waiter("A"))
    b = asyncio.create_task(waiter("B"))
    c = asyncio.create_task(waiter("C"))
    await asyncio.sleep(0)
    print("3 waiting:", r(lock))
    a.cancel()
    print("A cancelled:", r(lock))
    lock.release()
    print("released:", r(lock), lock.locked())
    await asyncio.sleep(0)
    print("one hop:", r(lock))
    await asyncio.gather(a, b, c, return_exceptions=True)
    print("end:", r(lock))

    print("--- woken waiter cancelled before it runs passes the lock on")
    await lock.acquire()
    d = asyncio.create_task(waiter("D"))
    e = asyncio.create_task(waiter("E"))
    await asyncio.sleep(0)
    lock.release()
    d.cancel()
    print("D woken then cancelled:", r(lock), lock.locked())
    res = await asyncio.gather(d, e, return_exceptions=True)
    print([type(x).__name__ for x in res], r(lock))

    print("--- newcomer queues behind a woken waiter")
    await lock.acquire()
    f = asyncio.create_task(waiter("F"))
    await asyncio.sleep(0)
    lock.release()
    async def newcomer():
        async with lock:
            print("newcomer in")
    g = asyncio.create_task(newcomer())
    await asyncio.gather(f, g)

    print("--- wait_for(lock.acquire(), 0.05) times out")
    await lock.acquire()
    h = asyncio.create_task(waiter("H"))
    try:
        await asyncio.wait_for(lock.acquire(), 0.05)
    except TimeoutError as exc:
        print("TimeoutError", repr(exc.__cause__), r(lock))
    lock.release()
    await h
    print("acquire with timeout:", await asyncio.wait_for(lock.acquire(), 1), r(lock))
    lock.release()

    print("--- async with returns None")
    async with lock as x:
        print("as:", x, r(lock))
    try:
        lock.release()
    except RuntimeError as exc:
        print("RuntimeError:", exc)

asyncio.run(main())
