# Integer overflow (pow2): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
print(abs(-5) * 10 ** 18 * 10)
