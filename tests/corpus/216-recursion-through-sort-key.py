# A recursion through sorted(key=...) costs three levels a step, as
# max(key=...) does (corpus 215): the builtin's call is a level.
# (CPython's very first execution of a call site costs more; the
# warm-up call below keeps this program off that path.)
def f(n):
    if n == 0:
        return 0
    return sorted([n], key=lambda x: f(x - 1))[0]


print(f(1))
for n in (330, 331, 332, 333, 334):
    try:
        print(n, f(n))
    except RecursionError as e:
        print(n, "RecursionError:", e)
