# Half a million lines of output (50 MB) go through and the program ends.
# expect-status: 0
# expect-stdout: done
# timeout: 120
line = "y" * 99
for i in range(500_000):
    print(line)
print("done")
