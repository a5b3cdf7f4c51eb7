# Cycles that are still in use must survive every collection: a ring of
# nodes, a graph of dicts, closures and self-referencing lists kept in a
# global list while a lot of garbage cycles come and go around them.
keep = []


def node(i):
    n = {"id": i, "data": [i] * 3}
    n["self"] = n
    return n


ring = [node(i) for i in range(50)]
for i in range(50):
    ring[i]["next"] = ring[(i + 1) % 50]
    ring[i]["prev"] = ring[i - 1]
keep.append(ring[0])
del ring


def make_counter(start):
    def step():
        nonlocal start
        start += 1
        return start, step
    return step


counters = [make_counter(i * 100) for i in range(20)]
lists = []
for i in range(20):
    l = [i]
    l.append(l)
    lists.append(l)
errors = []
for i in range(20):
    try:
        raise KeyError(i)
    except KeyError as e:
        errors.append((e, errors))

garbage = 0
for round_ in range(40):
    for i in range(2000):
        g = [round_, i]
        g.append(g)
        d = {}
        d["m"] = d.get
        garbage += len(g) + len(d)
    # use the live ones after every round's collections
    counters[round_ % 20]()

total = 0
n = keep[0]
for i in range(100):
    total += n["id"] + sum(n["data"]) + n["self"]["id"] - n["prev"]["next"]["id"]
    n = n["next"]
print(total, n["id"], garbage)
print([c()[0] for c in counters][:5])
print(sum(l[1][1][0] for l in lists), len(lists[3][1][1]))
print(sum(e.args[0] for e, box in errors), all(box is errors for e, box in errors))
