# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'traceback' object has no attribute 'tb_frame'
try:
    1 / 0
except ZeroDivisionError as e:
    print(e.__traceback__.tb_frame.f_globals)
