# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name 'getattr' is not defined
print(getattr((), "__class__"))
