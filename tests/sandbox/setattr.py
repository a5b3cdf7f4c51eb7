# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name 'setattr' is not defined
setattr(print, "x", 1)
