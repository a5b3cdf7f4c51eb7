# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'function' object has no attribute '__globals__'
def f():
    pass
print(f.__globals__)
