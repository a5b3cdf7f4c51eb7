# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: ImportError: cannot import name 'subprocess' from 'asyncio' (unknown location)
from asyncio import subprocess
