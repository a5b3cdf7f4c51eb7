print(int("42"))
