# Starred targets in a for loop: must name the construct (says 'invalid syntax' today).
# expect-status: 1
# expect-stderr: SyntaxError: starred assignment targets are not supported in the lesson language
for a, *b in [[1, 2]]:
    pass
