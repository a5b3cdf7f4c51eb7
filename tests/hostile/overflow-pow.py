# Integer overflow (pow): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
x = 2 ** 100
