if x:
    pass
else:
x = 2
