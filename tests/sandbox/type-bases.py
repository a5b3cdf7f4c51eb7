# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: type object 'tuple' has no attribute '__bases__'
print(type(()).__bases__)
