# A recursion through a builtin that calls back into Python (max(key=...)):
# CPython 3.11 counts the builtin's call as a level, so 333 steps reach the
# limit of 1000 where plain recursion takes 999.
def f(n):
    if n == 0:
        return 0
    return max([n], key=lambda x: f(x - 1))
for n in (320, 330, 331, 332, 333):
    try:
        f(n)
        print(n, "ok")
    except RecursionError:
        print(n, "RecursionError")
