# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'asyncio' has no attribute 'get_running_loop'
import asyncio
async def main():
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, print, 1)
asyncio.run(main())
