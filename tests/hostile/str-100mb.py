# Strings of 100 and 200 MB work (CPython prints the same).
# expect-status: 0
# expect-stdout: 200000000
# timeout: 180
s = "x" * 100_000_000
print(len(s))
t = s + s
print(len(t))
print(t.count("x"))
