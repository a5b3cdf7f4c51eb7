# Integer overflow (sum): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr-prefix: OverflowError: integer overflow:
print(sum([9223372036854775807, 1]))
