# A coroutine that awaits itself (CPython: ValueError: coroutine already executing).
# expect-status: 1
# expect-stderr: ValueError: coroutine already executing
import asyncio

async def f():
    await c

c = f()
asyncio.run(c)
