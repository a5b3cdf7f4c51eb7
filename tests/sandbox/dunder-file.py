# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name '__file__' is not defined. Did you mean: '__name__'?
print(__file__)
