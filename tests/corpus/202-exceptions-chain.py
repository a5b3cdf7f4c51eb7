def parse(s):
    try:
        return int(s)
    except ValueError as e:
        raise RuntimeError(f"cannot parse {s!r}") from e

def safe(s):
    try:
        return parse(s)
    except RuntimeError as e:
        print("caught:", e, "| cause:", repr(e.__cause__))
        return None
    finally:
        print("finally for", repr(s))

print(safe("12"), safe("x1"))

def cleanup_order():
    for i in range(3):
        try:
            if i == 1:
                continue
            if i == 2:
                return "returned at 2"
        finally:
            print("cleanup", i)

print(cleanup_order())
try:
    try:
        {}["k"]
    except KeyError:
        [][0]
except IndexError as e:
    print(type(e).__name__, e, "context:", repr(e.__context__))
errors = []
for v in ["1", "two", None, "3"]:
    try:
        errors.append(int(v) * 2)
    except (ValueError, TypeError) as e:
        errors.append(type(e).__name__)
print(errors)
assert len(errors) == 4, "four results"
def deep(n):
    if n == 0:
        return 1 / 0
    return deep(n - 1)
deep(3)
