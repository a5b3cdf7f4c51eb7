# Integer overflow (mul): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
x = 3037000500
print(x * x)
