# expect-status: 1
# expect-stderr: RecursionError: maximum recursion depth exceeded
# A recursion through sorted(key=...): CPython 3.11 reaches its limit of
# 1000 at 331 steps, one step before max(key=...) does (corpus 215, which
# we match): sorted calls list.sort, one more C level we do not count.
# (KNOWN.md 14)
def f(n):
    if n == 0:
        return 0
    return sorted([n], key=lambda x: f(x - 1))[0]

print(f(331))
