# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name 'eval' is not defined
print(eval("1 + 1"))
