# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name 'vars' is not defined
print(vars())
