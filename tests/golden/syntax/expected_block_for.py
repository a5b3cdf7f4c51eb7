for i in range(3):
# c
x = 1
