# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: type object 'int' has no attribute '__mro__'
print(type(1).__mro__)
