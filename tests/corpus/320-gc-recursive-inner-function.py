# An inner function that calls itself is a reference cycle (function ->
# closure -> cell -> function): every call of outer() leaves one behind,
# which only the cycle collector frees.
def outer(n):
    def f(k):
        return f(k - 1) + 1 if k else 0
    return f(n)


def mutual(n):
    def even(k):
        return True if k == 0 else odd(k - 1)

    def odd(k):
        return False if k == 0 else even(k - 1)

    return even(n)


t = 0
evens = 0
for i in range(150000):
    t += outer(3)
    evens += mutual(i % 7)
print(t, evens)
