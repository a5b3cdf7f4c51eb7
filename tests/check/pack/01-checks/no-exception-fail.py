print(int("forty-two"))
