# Two tasks awaiting each other, then cancelled: the cancel goes round the
# cycle (each task cancels what it awaits). It used to recurse in C until
# the stack ran out (a segfault); CPython stops with RecursionError raised
# by t.cancel(), and so do we. The tasks it leaves pending are reported at
# exit as "cancelling" (their cancel() counted before the recursion), their
# coroutines still where they are paused, each waiting for the other.
# expect-status: 1
# expect-stderr-prefix: task: <Task cancelling name='B' coro=<b() running at cancel-await-cycle.py:19> wait_for=<Task cancelling name='A'
import asyncio

tasks = {}

async def a():
    await asyncio.sleep(0)
    await tasks["b"]

async def b():
    await asyncio.sleep(0)
    await tasks["a"]

async def main():
    tasks["a"] = asyncio.create_task(a(), name="A")
    tasks["b"] = asyncio.create_task(b(), name="B")
    await asyncio.sleep(1)
    try:
        tasks["a"].cancel()
    except RecursionError as e:
        print("RecursionError:", e)
    print("still running")

asyncio.run(main())
