# Not in the subset (decorator): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: decorators are not supported in the lesson language
def d(f):
    return f
@d
def f():
    pass
