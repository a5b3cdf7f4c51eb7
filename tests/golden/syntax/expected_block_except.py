try:
    pass
except ValueError:
x = 2
