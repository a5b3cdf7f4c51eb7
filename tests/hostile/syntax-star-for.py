# Starred targets in a for loop: named like `a, *b = ...` (was only "invalid syntax").
# expect-status: 1
# expect-stderr: SyntaxError: starred assignment targets are not supported in the lesson language
for a, *b in [[1, 2]]:
    pass
