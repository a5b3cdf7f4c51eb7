# Iterators, dict views and slices that end up inside what they look at.
n = 0
for i in range(50000):
    items = [i, i + 1]
    it = iter(items)
    items.append(it)
    n += next(it)
    d = {"a": 1}
    d["keys"] = d.keys()
    d["values"] = d.values()
    n += len(d["keys"])
    di = iter(d)
    d["iter"] = di
    s_list = []
    s = slice(s_list, None)
    s_list.append(s)
    n += len(s_list) + (s_list[0] is s)
print(n)
