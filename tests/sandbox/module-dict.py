# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'asyncio' has no attribute '__dict__'
import asyncio
print(asyncio.__dict__)
