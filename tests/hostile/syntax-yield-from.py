# Not in the subset (yield-from): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: 'yield' and generators are not supported in the lesson language
def g():
    yield from [1]
