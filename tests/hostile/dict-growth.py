# A dict that grows until memory runs out: the last line is a bare MemoryError, as CPython prints it.
# expect-status: 1
# expect-stderr: MemoryError
# timeout: 180
d = {}
i = 0
while True:
    d[i] = str(i) * 10
    i += 1
