# Integer overflow (fstr): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
print(f"{9223372036854775807 + 1}")
