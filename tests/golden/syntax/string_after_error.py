x = 5 5
y = "abc
