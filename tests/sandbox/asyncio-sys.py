# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'asyncio' has no attribute 'sys'
import asyncio
print(asyncio.sys)
