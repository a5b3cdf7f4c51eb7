# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name '__import__' is not defined
__import__("os").system("echo pwned")
