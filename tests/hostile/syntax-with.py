# Not in the subset (with): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: 'with' statements are (only 'async with' is) not supported in the lesson language
with x:
    pass
