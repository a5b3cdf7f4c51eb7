# Integer overflow (abs): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
x = -9223372036854775807 - 1
print(abs(x))
