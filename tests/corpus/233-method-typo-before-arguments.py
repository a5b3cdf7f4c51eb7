# A misspelt method fails before its arguments run, as CPython looks the
# method up first: no "coroutine ... was never awaited" for the coroutine
# that asyncio.create_tsk(work()) would have been given, no print from an
# argument; the error says what was meant. A task's messages name its type
# as CPython's C type does: '_asyncio.Task'.
import asyncio


def side(v):
    print("side", v)
    return v


async def work():
    await asyncio.sleep(1)
    return "done"


async def main():
    items = []
    try:
        items.apend(side(1))
    except AttributeError as e:
        print("1:", e)
    items.append(side(2))
    t = asyncio.create_task(work())
    for f in [lambda: t.cancell(), lambda: t[0], lambda: t + 1, lambda: len(t)]:
        try:
            f()
        except (AttributeError, TypeError) as e:
            print(type(e).__name__, e)
    print(await t, items)
    t2 = asyncio.create_tsk(work())
    print("not reached", t2)


asyncio.run(main())
