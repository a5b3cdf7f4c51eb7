# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'tuple' object has no attribute '__class__'
print(().__class__.__bases__[0].__subclasses__())
