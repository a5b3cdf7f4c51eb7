# Not in the subset (async-gen): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: 'yield' and generators are not supported in the lesson language
async def g():
    yield 1
