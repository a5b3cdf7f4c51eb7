def inner():
    try:
        raise KeyError("k")
    except KeyError:
        raise ValueError("while handling")

def f():
    errs = []
    for i in range(17):
        errs.append(TypeError(f"t{i}"))
    try:
        inner()
    except ValueError as e:
        errs.insert(0, e)
    sub = ExceptionGroup("inner group", [RuntimeError("r"), ExceptionGroup("deep", [OSError("o")])])
    errs.insert(1, sub)
    try:
        raise ExceptionGroup("outer", errs)
    except ExceptionGroup as g:
        raise RuntimeError("wrapped") from g

f()
