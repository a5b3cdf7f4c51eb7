# Exceptions kept where their own arguments reach them, and exceptions that
# are each other's context: each is a cycle once the names are gone.
n = 0
for i in range(60000):
    box = []
    try:
        raise ValueError(box, i)
    except ValueError as e:
        box.append(e)
        n += len(e.args)
    errors = {}
    try:
        try:
            raise KeyError(i)
        except KeyError as first:
            errors["first"] = first
            raise RuntimeError(errors)
    except RuntimeError as second:
        errors["second"] = second
        n += second.__context__ is errors["first"]
print(n)
print(type(box[0]).__name__, repr(errors["first"]), errors["second"].__context__.args)
