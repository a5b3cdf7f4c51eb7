# A coroutine that awaits itself: ValueError, as CPython.
# expect-status: 1
# expect-stderr: ValueError: coroutine already executing
import asyncio

async def f():
    await c

c = f()
asyncio.run(c)
