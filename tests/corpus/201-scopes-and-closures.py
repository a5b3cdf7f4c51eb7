counter = 0

def make_counter(start=0, *, step=1):
    value = start
    def tick():
        nonlocal value
        value += step
        return value
    def peek():
        return value
    return tick, peek

tick, peek = make_counter(10, step=5)
tick()
tick()
print(peek(), tick())

def outer():
    x = "outer"
    def middle():
        def inner():
            return x.upper()
        return inner()
    return middle()

print(outer())

def bump(n):
    global counter
    for _ in range(n):
        counter += 1
    return counter

print(bump(3), bump(2), counter)
adders = [lambda v, k=k: v + k for k in range(3)]
late = [lambda v: v + k for k in range(3)]
print([f(10) for f in adders], [f(10) for f in late])

def join_all(first, *rest, sep="-"):
    return sep.join([str(first)] + [str(r) for r in rest])

print(join_all(1), join_all(1, 2, 3), join_all("a", "b", sep="+"))
args = [4, 5, 6]
print(join_all(*args), join_all(0, *args, sep=""))
try:
    join_all()
except TypeError as e:
    print("TypeError:", e)
try:
    join_all(1, step=2)
except TypeError as e:
    print("TypeError:", e)
