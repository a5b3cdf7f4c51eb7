# gather of the same task, and of the same coroutine, twice (CPython: [42, 42] twice).
# expect-status: 0
# expect-stdout: [42, 42]
import asyncio

async def work():
    await asyncio.sleep(1)
    return 42

async def main():
    t = asyncio.create_task(work())
    print(await asyncio.gather(t, t))
    c = work()
    print(await asyncio.gather(c, c))

asyncio.run(main())
