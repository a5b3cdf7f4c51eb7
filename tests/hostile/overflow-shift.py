# Integer overflow (shift): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
print(1 << 64)
