import asyncio
import time

T = None

async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("stubborn: caught cancel, works 0.5 s more")
        await asyncio.sleep(0.5)
        print("stubborn: done, cancelling() =", asyncio.current_task().cancelling())
        return "ignored result"

async def helper():
    await asyncio.sleep(0.1)
    raise KeyError("from helper")

async def raiser():
    try:
        await asyncio.sleep(10)
    finally:
        print("raiser: finally awaits a helper")
        await helper()

async def twice():
    for i in range(3):
        try:
            await asyncio.sleep(10)
            print("twice: slept")
        except asyncio.CancelledError:
            print("twice: cancelled, uncancel ->", asyncio.current_task().uncancel())
    print("twice: ends")
    return 3

async def bg_cleanup():
    try:
        await asyncio.sleep(10)
    finally:
        print("bg cleanup")

def start(coro_fn, main_result=None, main_raises=False):
    async def main():
        global T
        T = asyncio.create_task(coro_fn())
        await asyncio.sleep(0)
        print("main returns")
        if main_raises:
            raise ValueError("main failed")
        return main_result
    t0 = time.monotonic()
    try:
        print("run ->", asyncio.run(main()))
    except ValueError as e:
        print("run raised", repr(e))
    print("took", round(time.monotonic() - t0, 3), "s;", T.get_name(), "cancelled:", T.cancelled(),
          "done:", T.done())
    if not T.cancelled() and T.exception() is None:
        print("result:", T.result())
    print("---")

start(stubborn, 1)
start(raiser, 2)
start(twice, 3)
start(bg_cleanup, main_raises=True)
start(raiser, main_raises=True)
print("end")
