# keeps every piece it makes
pieces = []
while True:
    pieces.append("x" * 1000000)
