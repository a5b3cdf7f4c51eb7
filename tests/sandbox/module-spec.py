# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'random' has no attribute '__spec__'
import random
print(random.__spec__)
