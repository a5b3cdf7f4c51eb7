# Lists, dicts and tuples that reach themselves: a list that contains
# itself, two lists that hold each other, a tuple inside a list inside the
# tuple, a dict that is its own value, a ring of nodes.
n = 0
for i in range(40000):
    a = [i]
    a.append(a)
    b = [a]
    c = [b]
    b.append(c)
    t = ([], i)
    t[0].append(t)
    d = {"i": i}
    d["self"] = d
    ring = [{"id": k} for k in range(5)]
    for k in range(5):
        ring[k]["next"] = ring[(k + 1) % 5]
    n += len(a) + len(b) + len(t[0]) + d["self"]["self"]["i"] - i + ring[0]["next"]["next"]["id"]
print(n)
print(a[1][1][1][0], len(repr(a)), repr(t))
