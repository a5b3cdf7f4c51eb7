# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: module 'random' has no attribute '_os'
import random
print(random._os)
