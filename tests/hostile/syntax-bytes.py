# Not in the subset (bytes): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: bytes literals are not supported in the lesson language
b = b'abc'
