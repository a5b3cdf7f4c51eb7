# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'asyncio' has no attribute 'open_connection'
import asyncio
async def main():
    await asyncio.open_connection("example.org", 80)
asyncio.run(main())
