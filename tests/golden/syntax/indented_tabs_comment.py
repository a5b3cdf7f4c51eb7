if x:
    a = 1
  # fine
    b = (
