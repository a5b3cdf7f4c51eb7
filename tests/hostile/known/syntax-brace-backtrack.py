# Thirty unclosed '{' on one line: CPython answers at once; our parser
# backtracks exponentially (KNOWN.md 11: 7 s and 1 GB in a -O2 build).
# expect-status: 1
# expect-stderr: SyntaxError: '{' was never closed
# timeout: 5
{a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a {a 
