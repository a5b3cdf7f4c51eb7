# Not in the subset (match): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: match statements are not supported in the lesson language
match 1:
    case 1:
        pass
