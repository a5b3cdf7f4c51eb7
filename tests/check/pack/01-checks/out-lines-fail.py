print("x")
print("y")
print("y")
