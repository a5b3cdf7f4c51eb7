# Integer overflow (lit): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr: SyntaxError: integer literal too large for the lesson language (ints are 64-bit)
x = 99999999999999999999
