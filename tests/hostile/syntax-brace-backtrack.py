# Thirty unclosed '{' on one line: CPython answers at once. Our parser once
# re-read the rest of the line twice per bracket (2^30 parses; KNOWN 11,
# fixed: the comma hint's nested tries are remembered per token).
# expect-status: 1
# expect-stderr: SyntaxError: '{' was never closed
# timeout: 5
{a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a 
