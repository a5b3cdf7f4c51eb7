x = d[a b]
