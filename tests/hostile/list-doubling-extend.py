# x.extend(x) until memory runs out.
# expect-status: 1
# expect-stderr: MemoryError
# timeout: 180
x = [0]
while True:
    x.extend(x)
