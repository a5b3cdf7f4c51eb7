# A list nested 100000 deep: str() must not overflow the C stack (CPython's message).
# expect-status: 1
# expect-stderr: RecursionError: maximum recursion depth exceeded while getting the repr of an object
x = []
for i in range(100000):
    x = [x]
print(len(str(x)))
