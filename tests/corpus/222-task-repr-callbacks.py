# A task's repr lists its done-callbacks: Task.task_wakeup() for each task
# awaiting it (three or more: the first, "<N more>", the last), as long as
# it is pending; add_done_callback with a function of the program shows its
# name.
import asyncio

async def work(n):
    await asyncio.sleep(n)
    return n

async def waiter(t):
    return await t

def report(fut):
    print("report:", fut.result())

async def main():
    a = asyncio.create_task(work(1))
    print(a)
    w1 = asyncio.create_task(waiter(a))
    await asyncio.sleep(0)
    print(a)
    w2 = asyncio.create_task(waiter(a))
    await asyncio.sleep(0)
    print(a)
    w3 = asyncio.create_task(waiter(a))
    w4 = asyncio.create_task(waiter(a))
    await asyncio.sleep(0)
    print(a)
    b = asyncio.create_task(work(2))
    b.add_done_callback(report)
    print(b)
    await asyncio.sleep(0.5)
    print(w1)
    await asyncio.gather(w1, w2, w3, w4)
    print(a)
    await b
    print(b)

asyncio.run(main())
