import asyncio

KEEP = []

async def main():
    lock = asyncio.Lock()
    ev = asyncio.Event()
    q = asyncio.Queue()
    sem = asyncio.Semaphore()
    lock.acquire()
    print("after lock.acquire(), locked:", lock.locked())
    ev.wait()
    print("after ev.wait()")
    q.get()
    q.put(1)
    print("after q.get() and q.put(1), qsize:", q.qsize())
    for i in range(2):
        sem.acquire()
    print("after sem.acquire() twice, locked:", sem.locked())
    c = q.join()
    print("holding q.join()")
    c = None
    print("dropped it")
    KEEP.append(ev.wait())
    print("main done")

asyncio.run(main())
print("end")
