# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'asyncio' has no attribute 'to_thread'
import asyncio
async def main():
    await asyncio.to_thread(print, 1)
asyncio.run(main())
