# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'builtin_function_or_method' object has no attribute '__module__'
print(print.__module__)
