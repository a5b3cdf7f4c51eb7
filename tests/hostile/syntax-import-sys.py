# Imports of anything else: CPython's words.
# expect-status: 1
# expect-stderr: ModuleNotFoundError: No module named 'sys'
import sys
