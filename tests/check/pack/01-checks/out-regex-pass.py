print("start")
print("total: 3 s")
