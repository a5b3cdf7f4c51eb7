# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: type object 'ZeroDivisionError' has no attribute '__subclasses__'
try:
    1 / 0
except ZeroDivisionError as e:
    print(e.__class__.__subclasses__())
