# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: NameError: name 'open' is not defined
print(open("/etc/passwd").read())
