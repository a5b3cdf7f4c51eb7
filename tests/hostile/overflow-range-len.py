# Integer overflow (range-len): a clear error, never a wrapped-around value.
# expect-status: 1
# expect-stderr: OverflowError: Python int too large to convert to C ssize_t
print(len(range(-9223372036854775807 - 1, 9223372036854775807)))
