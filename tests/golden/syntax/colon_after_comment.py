for i in range(3)  # loop
    print(i)
