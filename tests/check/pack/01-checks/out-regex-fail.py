print("total: three s")
