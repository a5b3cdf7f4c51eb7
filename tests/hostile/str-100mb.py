# A string of 100 MB works (CPython prints the same).
# expect-status: 0
# expect-stdout: 100000001
# timeout: 180
s = "x" * 100_000_000
print(len(s))
print(len(s + "!"))
