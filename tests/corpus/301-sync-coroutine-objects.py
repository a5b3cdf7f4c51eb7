import asyncio

def show(label, c):
    print(label, asyncio.iscoroutine(c), type(c).__name__, repr(c).split(" at ")[0])

async def main():
    lock = asyncio.Lock()
    sem = asyncio.Semaphore(2)
    ev = asyncio.Event()
    q = asyncio.Queue()

    c = lock.acquire()
    show("Lock.acquire", c)
    print("awaited:", await c, lock.locked())
    c = sem.acquire()
    show("Semaphore.acquire", c)
    print("awaited:", await c, sem.locked())
    c = ev.wait()
    show("Event.wait", c)
    t = asyncio.create_task(c)
    await asyncio.sleep(0)
    print("wait task done?", t.done())
    ev.set()
    print("wait task result:", await t)
    c = q.put("x")
    show("Queue.put", c)
    print("put:", await c, q.qsize())
    c = q.get()
    show("Queue.get", c)
    print("get:", await c)
    c = q.join()
    show("Queue.join", c)
    jt = asyncio.create_task(c, name="joiner")
    await asyncio.sleep(0)
    print("join task:", jt.get_name(), jt.done())
    q.task_done()
    print("join result:", await jt)

    # create_task of each primitive's coroutine
    lock.release()
    tasks = [asyncio.create_task(lock.acquire()), asyncio.create_task(sem.acquire()),
             asyncio.create_task(ev.wait()), asyncio.create_task(q.put(1)),
             asyncio.create_task(q.get()), asyncio.create_task(q.join())]
    print([t.get_name() for t in tasks])
    for t in tasks[:5]:
        print(t.get_name(), "->", await t)
    print("join done:", tasks[5].done())
    q.task_done()
    print(tasks[5].get_name(), "->", await tasks[5])
    print("lock", lock.locked(), "sem", sem.locked(), "qsize", q.qsize())

    # gather of coroutines of the primitives
    ev2 = asyncio.Event()
    lock.release()
    sem.release()
    async def setter():
        await asyncio.sleep(0.1)
        print("setter sets")
        ev2.set()
    r = await asyncio.gather(ev2.wait(), lock.acquire(), sem.acquire(), q.put(2), q.get(), setter())
    print("gather:", r)
    print("lock", lock.locked(), "sem", sem.locked())

asyncio.run(main())
