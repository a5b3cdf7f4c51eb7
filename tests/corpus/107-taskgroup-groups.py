import asyncio

async def ok(n):
    await asyncio.sleep(n)
    return n

async def bad(n, exc):
    await asyncio.sleep(n)
    raise exc

async def slow(name):
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        print(name, "cancelled by the group")
        raise

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(slow("s1"))
            tg.create_task(bad(1, ValueError("one")))
            tg.create_task(bad(1, KeyError("two")))
            tg.create_task(slow("s2"))
    except ExceptionGroup as eg:
        print("group:", eg, eg.exceptions)

async def main2():
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(ok(1))
        tg.create_task(bad(0.5, RuntimeError("boom")))
        tg.create_task(bad(0.5, ZeroDivisionError("zero")))
    print("not reached", a)

async def lingering():
    try:
        await asyncio.sleep(100)
    finally:
        print("lingering cleans up")
        raise RuntimeError("cleanup failed")

async def main3():
    asyncio.create_task(lingering())
    await asyncio.sleep(0)
    print("main3 returns")

asyncio.run(main3())
try:
    asyncio.run(main())
except Exception as e:
    print("got", type(e).__name__)
asyncio.run(main2())
