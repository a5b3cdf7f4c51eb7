# Not in the subset (star-assign): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: starred assignment targets are not supported in the lesson language
a, *b = [1, 2, 3]
