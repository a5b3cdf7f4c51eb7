print("a",
