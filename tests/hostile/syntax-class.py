# Not in the subset (class): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: classes are not supported in the lesson language
class A:
    pass
