import asyncio

def r(x):
    s = repr(x)
    return s[:s.index(" at 0x")] + s[s.index(" ["):]

async def main():
    sem = asyncio.Semaphore(0)

    async def waiter(name):
        try:
            await sem.acquire()
        except asyncio.CancelledError:
            print(name, "cancelled;", r(sem))
            raise
        print(name, "acquired;", r(sem))

    ts = [asyncio.create_task(waiter(n)) for n in "ABCD"]
    await asyncio.sleep(0)
    print("4 waiting:", r(sem), sem.locked())
    ts[0].cancel()
    print("A cancelled:", r(sem))
    sem.release()
    print("released:", r(sem), sem.locked())
    ts[1].cancel()
    print("B woken then cancelled:", r(sem))
    sem.release()
    print("released again:", r(sem))
    await asyncio.sleep(0)
    print("one hop:", r(sem))
    await asyncio.sleep(0)
    print("two hops:", r(sem))
    res = await asyncio.gather(*ts, return_exceptions=True)
    print([type(x).__name__ for x in res], r(sem))

    print("--- release twice, then a newcomer")
    sem = asyncio.Semaphore(0)
    ts = [asyncio.create_task(waiter(n)) for n in "EF"]
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    sem.release()
    print("3 releases:", r(sem), sem.locked())
    async def newcomer():
        async with sem:
            print("newcomer in;", r(sem))
    g = asyncio.create_task(newcomer())
    await asyncio.gather(*ts, g)
    print("end:", r(sem))

    print("--- wait_for(sem.acquire(), 0.05) times out")
    sem = asyncio.Semaphore(1)
    async with sem:
        try:
            await asyncio.wait_for(sem.acquire(), 0.05)
        except TimeoutError:
            print("TimeoutError", r(sem))
    print("after:", r(sem))

    print("--- BoundedSemaphore")
    b = asyncio.BoundedSemaphore(2)
    await b.acquire()
    b.release()
    print(r(b))
    try:
        b.release()
    except ValueError as exc:
        print("ValueError:", exc)
    try:
        asyncio.Semaphore(-1)
    except ValueError as exc:
        print("ValueError:", exc)

asyncio.run(main())
