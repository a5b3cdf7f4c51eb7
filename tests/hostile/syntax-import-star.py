# Not in the subset (import-star): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: 'import *' is not supported in the lesson language
from asyncio import *
