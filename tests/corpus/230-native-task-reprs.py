# A task made from one of asyncio's own coroutines (asyncio.sleep,
# Event.wait, Queue.get, Lock.acquire, wait_for, wait...) prints where
# CPython defines that coroutine once done ("done, defined at"), and while
# pending the line its coroutine is paused at. show() cuts CPython's
# install path down to "<stdlib>" so that the output does not depend on it.
import asyncio


def show(x):
    parts = repr(x).split("/asyncio/")
    for i in range(len(parts) - 1):
        words = parts[i].split(" ")
        words[-1] = "<stdlib>"
        parts[i] = " ".join(words)
    print("/asyncio/".join(parts))


async def main():
    t = asyncio.create_task(asyncio.sleep(0))
    await t
    show(t)
    ev = asyncio.Event()
    q = asyncio.Queue()
    lock = asyncio.Lock()
    sem = asyncio.Semaphore(1)
    ts = [asyncio.create_task(ev.wait()), asyncio.create_task(q.get()),
          asyncio.create_task(q.put(1)), asyncio.create_task(lock.acquire()),
          asyncio.create_task(sem.acquire()), asyncio.create_task(q.join()),
          asyncio.create_task(asyncio.wait_for(asyncio.sleep(1), 2)),
          asyncio.create_task(asyncio.wait_for(asyncio.sleep(1), None)),
          asyncio.create_task(asyncio.wait([asyncio.create_task(asyncio.sleep(1))])),
          asyncio.create_task(asyncio.sleep(0)),
          asyncio.create_task(asyncio.sleep(1, result="late"))]
    for t in ts:
        show(t)
    await asyncio.sleep(0)
    print("-- after one step")
    for t in ts:
        show(t)
    ev.set()
    await asyncio.sleep(0)
    print("-- after ev.set()")
    for t in ts:
        show(t)
    await asyncio.sleep(3)
    print("-- at the end")
    for t in ts:
        show(t)
    print(await ts[-1])


asyncio.run(main())
