print("b")
print("a")
