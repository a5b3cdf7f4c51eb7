import random
for s in [42, 0, 1, 12345, -7, 2**40 + 3]:
    random.seed(s)
    print(s, random.random(), random.uniform(0.5, 2.0), random.randint(1, 6), random.randint(-1000, 10**12), random.choice("abcdef"), random.choice([1, 2, 3]))
    l = list(range(10)); random.shuffle(l); print(l)
    print([random.randint(0, 2**40) for _ in range(3)], random.randrange(10))
random.seed(3.5) if False else None
random.seed(99)
print(random.random())
random.seed(True)
print(random.random())
