# A module-level loop that never ends: the instruction budget stops it.
# expect-status: 1
# expect-stderr-prefix: RuntimeError: endless loop:
while True:
    pass
