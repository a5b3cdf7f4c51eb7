# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'coroutine' object has no attribute 'cr_frame'
import asyncio

async def f():
    pass

async def main():
    c = f()
    try:
        print(c.cr_frame)
    finally:
        await c

asyncio.run(main())
