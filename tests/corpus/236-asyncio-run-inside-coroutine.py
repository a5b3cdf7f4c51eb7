# asyncio.run called inside a coroutine (a common slip: calling a helper
# that runs its own loop) fails in CPython's runners.py; the coroutine given
# to it is held by that frame, so its "never awaited" warning comes at exit,
# after the traceback (sys:1), not before it.
import asyncio


async def fetch():
    await asyncio.sleep(0.1)
    return "data"


def get_data():
    return asyncio.run(fetch())


async def main():
    print("main starts")
    print(get_data())


asyncio.run(main())
