import asyncio

async def job(n):
    await asyncio.sleep(n / 10)
    return n

async def main():
    job(1)
    t = asyncio.create_task(job(2), name="two")
    u = asyncio.create_task(job(3))
    print(t.get_name(), u.get_name(), t.done())
    print(await t, await u, t.done(), u.result())
    print(repr(t))
    results = await asyncio.gather(job(1), job(0), return_exceptions=True)
    print(results, asyncio.current_task().get_name())
    c = job(4)
    print("holding", type(c).__name__)
    del c
    print("end of main")

asyncio.run(main())
print("after run")
