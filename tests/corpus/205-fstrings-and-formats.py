items = [("apple", 3, 0.5), ("banana", 12, 0.25), ("cherry", 150, 0.1)]
for name, qty, price in items:
    print(f"{name:>8}|{qty:<5}|{qty * price:8.2f}|{qty:+d}|{price:.0%}")
width = 12
print(f"{'centered':^{width}}|{'x' * 3:*<6}|{1234567.891:,.1f}|{255:#x}|{7:03d}")
value = 3.14159
print(f"{value=}", f"{value = :.2f}", f"{'q'!r}", f"{[1, 'a']!s}")
print("{} and {}".format("left", "right"), "{1}{0}".format("a", "b"), "{:>4}".format(7))
print(f"{1e-7}", f"{1e16}", f"{0.1 + 0.2:.17g}", f"{-0.0}", f"{2**62}")
print(" ".join(f"{n:2d}" for n in range(8, 12)), sum(n * n for n in range(4)))
