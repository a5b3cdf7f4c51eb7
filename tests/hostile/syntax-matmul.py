# Not in the subset (matmul): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: the '@' operator is not supported in the lesson language
x = 1
x @= 2
