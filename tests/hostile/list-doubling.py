# A list that doubles until memory runs out.
# expect-status: 1
# expect-stderr: MemoryError
# timeout: 180
x = [0]
while True:
    x = x + x
