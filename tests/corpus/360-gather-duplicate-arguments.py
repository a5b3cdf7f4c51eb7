# gather's duplicate arguments: the same coroutine, task or native
# coroutine given twice shares one child (one task per coroutine), with the
# results in argument order; the last task's name shows how many tasks
# were made.
import asyncio

async def job(x):
    await asyncio.sleep(0.1 * x)
    return x * 10

async def main():
    c = job(1)
    print(await asyncio.gather(c, c, job(2), c))
    t = asyncio.create_task(job(3), name="t3")
    d = job(4)
    print(await asyncio.gather(t, d, t, d, t))
    s = asyncio.sleep(0.2, "slept")
    print(await asyncio.gather(s, job(5), s))
    f = asyncio.create_task(job(0.5))
    e = job(6)
    print(await asyncio.gather(f, e, f, e, return_exceptions=True))
    print(sorted(t.get_name() for t in asyncio.all_tasks()))
    await asyncio.sleep(1)
    print(await asyncio.gather(*[c2 for c2 in [job(0)] * 3]))
    many = [job(0) for _ in range(5)]
    print(await asyncio.gather(*many, *many[::-1]))
    print(asyncio.current_task().get_name())
    last = asyncio.create_task(job(0))
    print(last.get_name(), await last)

asyncio.run(main())
