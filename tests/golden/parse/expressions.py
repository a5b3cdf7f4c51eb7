x = a if b else c if d else e
y = a or b and not c or d
z = not a == b < c <= d != e > f >= g is h is not i in j not in k
w = -a + +b - ~c * d / e // f % g ** -h ** i
v = a | b ^ c & d << e >> f
u = await_ = (1 + 2) * (3 - 4)
t = f(1, *args, key=2, *more, k2=3)
s = a.b.c(d)[e][f:g][::h][i:j:k][:, 1]
r = [1, 2, 3,]
q = (1,)
p = ()
o = {}
n = {"a": 1, "b": [2, 3], (4, 5): {6: 7}}
m = [x * y for x in range(3) for y in range(x) if x if y]
l = {k: v for k, v in items if v}
k = sum(x for x in xs)
j = list((x, y) for x in xs)
i = lambda: 0
h = lambda a, b=2, *c, d, e=5: a + b
g = [*a, *b, c]
ff = 1_000_000 + 0x_ff + 0o17 + 0b1010 + 1.5 + 1e10 + .5e-3 + 1. + 0.0
ee = True, False, None
dd = "a" 'b' """c
d""" '''e''' r"\n" "\t\x41\u00e9\U0001F600\101\
z"
cc = x[-1], x[-2:], x[:-1]
bb = (1) if False else (2)
aa = f(a)(b)(c)
