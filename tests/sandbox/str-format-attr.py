# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'int' object has no attribute '__class__'
print("{0.__class__}".format(1))
