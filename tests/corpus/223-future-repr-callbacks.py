# Done-callbacks in reprs: a lambda shows where it is defined, a builtin
# only its name; a task awaiting a gather shows the _GatheringFuture it
# waits for, with that task's wakeup as its callback.
import asyncio

async def work(n):
    await asyncio.sleep(n)
    return n

async def waiter(g):
    return await g

async def main():
    g = asyncio.gather(work(1), work(2))
    g.add_done_callback(lambda f: print("gather done:", f.result()))
    print(g)
    w = asyncio.create_task(waiter(g), name="waiter")
    await asyncio.sleep(0)
    print(w)
    print(g)
    t = asyncio.create_task(work(3))
    t.add_done_callback(print)
    t.add_done_callback(lambda f: None)
    print(t)
    await w
    await t
    print(w)

asyncio.run(main())
