# never gives control back
total = 0
while True:
    total += 1
