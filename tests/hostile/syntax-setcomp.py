# Not in the subset (setcomp): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: sets are not supported in the lesson language
s = {x for x in range(3)}
