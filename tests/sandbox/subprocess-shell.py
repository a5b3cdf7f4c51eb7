# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'asyncio' has no attribute 'create_subprocess_shell'
import asyncio
async def main():
    await asyncio.create_subprocess_shell("ls")
asyncio.run(main())
