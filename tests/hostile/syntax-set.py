# Not in the subset (set): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: sets are not supported in the lesson language
s = {1, 2}
