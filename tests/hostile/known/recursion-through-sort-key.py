# expect-status: 1
# expect-stderr: RecursionError: maximum recursion depth exceeded
# A recursion that goes through a builtin calling back into Python (a sort
# key): CPython 3.11 counts the C call too (f, sorted's call of the key,
# the lambda: 3 levels a step), so 333 steps pass its limit of 1000; we
# count 2 a step and finish. (KNOWN.md 14)
def f(n):
    if n == 0:
        return 0
    return sorted([n], key=lambda x: f(x - 1))[0]

print(f(400))
