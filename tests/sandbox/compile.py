# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name 'compile' is not defined
compile("1", "x", "eval")
