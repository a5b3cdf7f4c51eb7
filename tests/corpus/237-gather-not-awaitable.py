# gather() given something that is not awaitable raises inside asyncio:
# its traceback shows CPython's two asyncio frames, and the coroutine
# given before it, held by gather's frame, warns never-awaited at exit,
# after the traceback.
import asyncio


async def f():
    return 1


async def main():
    try:
        await asyncio.gather(f(), 5)
    except TypeError as e:
        print("caught:", e)
    try:
        await asyncio.gather(5, f())
    except TypeError as e:
        print("caught first:", e)
    print("tasks:", len(asyncio.all_tasks()))
    await asyncio.gather(f(), "x")


asyncio.run(main())
