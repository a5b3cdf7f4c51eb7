# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: ModuleNotFoundError: No module named 'importlib'
import importlib
