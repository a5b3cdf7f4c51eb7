# Not in the subset (walrus): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: the walrus operator ':=' is not supported in the lesson language
if (n := 10) > 5:
    print(n)
