# Integer overflow (round): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
print(round(1e300))
