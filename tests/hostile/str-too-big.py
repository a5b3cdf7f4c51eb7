# A string far past the memory cap.
# expect-status: 1
# expect-stderr: MemoryError
s = "ab" * 10 ** 18
print(len(s))
