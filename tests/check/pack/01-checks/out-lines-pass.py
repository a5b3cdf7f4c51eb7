print("z")
print("x")
print("y")
