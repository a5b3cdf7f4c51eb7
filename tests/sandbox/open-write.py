# Sandbox: nothing the program does writes a file (the runner checks that
# the folder holds no new file afterwards).
# expect-status: 1
# expect-stderr: NameError: name 'open' is not defined
open("pwned.txt", "w").write("x")
