# Closures that capture each other or their own cell, lambdas kept in the
# dict they close over, default arguments holding the list the function is
# stored in.
def make(i):
    handlers = {}
    handlers["double"] = lambda x: x * 2 + len(handlers)
    registry = []

    def register(f, reg=registry):
        reg.append(f)
        return f

    register(register)

    def counter():
        nonlocal i
        i += 1
        return i, counter

    return handlers["double"](i) + counter()[0] + len(registry)


total = 0
for i in range(80000):
    total += make(i)
print(total)
