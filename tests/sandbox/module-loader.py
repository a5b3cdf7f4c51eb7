# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'time' has no attribute '__loader__'
import time
print(time.__loader__)
