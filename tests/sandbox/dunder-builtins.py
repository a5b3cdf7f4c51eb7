# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name '__builtins__' is not defined
print(__builtins__)
