# f(*list) borrows the argument list's items instead of copying them into a
# tuple: what the callee sees must not change (a tuple for *args, a list it
# mutates still the caller's, empty calls, builtins and methods).
def f(*a, y=0):
    if a and isinstance(a[0], list):
        a[0].append(9)
    return a, y

x = [1, 2]
print(f(*x), f(*[]), f(*x, y=3), f(*[[5]]))
print(*[])
print(*[1, 2], sep="-")
print(max(*[3, 9, 4]), min(*[(1, 2)]), *"ab")

def g(a, b, *rest):
    return a + b, rest

print(g(*range(5)), g(1, *[2]), g(*(1, 2), *[3]))
l = [x]
r = f(*l)
print(r[0][0] is x, x, type(r[0]).__name__)
try:
    g(*[1])
except TypeError as e:
    print(e)
print(sorted(*[[3, 1, 2]]), "-".join(*[["a", "b"]]), list(*[range(3)]))

print("a-b-c".split(*["-", 1]), [1, 2, 1].count(*[1]), "{}+{}".format(*x))
