# Unbounded recursion through await (CPython's message).
# expect-status: 1
# expect-stderr: RecursionError: maximum recursion depth exceeded
import asyncio

async def f(n):
    return await f(n + 1)

asyncio.run(f(0))
