# A coroutine called without await and then used fails; the frames that
# the exception leaves are kept by its traceback, as CPython's are, so the
# "never awaited" warning comes when the exception goes: after a handler
# that caught it (at the handler's last line), and at exit (sys:1) for the
# uncaught one, after its traceback.
import asyncio


async def fetch(n):
    await asyncio.sleep(0.1)
    return {"n": n}


def lookup(n):
    data = fetch(n)
    return data["n"]


async def main():
    try:
        lookup(1)
    except TypeError as e:
        print("caught:", e)
        print("handler ends")
    print("after the handler")
    data = fetch(2)
    print(data["n"])


asyncio.run(main())
