# A task for a coroutine already awaited (or closed) is made, with its Task-N
# number, and fails at its first step with CPython's RuntimeError: in gather
# (with duplicates), with return_exceptions, create_task, never retrieved.
import asyncio

async def job(x):
    await asyncio.sleep(0.1 * x)
    return x * 10

async def main():
    used = job(7)
    print(await used)
    try:
        await asyncio.gather(job(8), used, used)
    except RuntimeError as exc:
        print("RuntimeError:", exc)
    print(await asyncio.gather(job(1), used, return_exceptions=True))
    closed = job(9)
    closed.close()
    t = asyncio.create_task(closed)
    print(t.get_name(), t.done())
    await asyncio.sleep(0)
    print(t.done(), repr(t.exception()))
    t2 = asyncio.create_task(used)
    await asyncio.sleep(2)
    print(asyncio.create_task(job(0)).get_name())
    del t2

asyncio.run(main())
print("end")
