# The warning looks at the operands after constant folding: -1, (1,) + (),
# 2 * 3 and "a" "b" are literals to it; a list, a name, a call or an
# f-string are not. Chains warn once per comparison.
x = 6
y = [1]
print(x is 2 * 3)
print(y is [1], x is y, x is len(y), x is f"{x}")
print(1 < x is (1,) + ())
print(x == 6 is 6)
for i in range(3):
    print(i, x is not -i)
print(x is not "a" "b")
