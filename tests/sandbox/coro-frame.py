# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'coroutine' object has no attribute 'cr_frame'
async def f():
    pass
c = f()
print(c.cr_frame)
