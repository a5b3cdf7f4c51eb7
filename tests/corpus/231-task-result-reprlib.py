# A finished task or future shows its result through reprlib.repr, as
# CPython's base_futures does: long lists, strings and dicts are cut, deep
# nesting becomes "...", and asyncio.wait's sets too (one task in each, as
# a set of several prints in an order of memory addresses). show() cuts
# CPython's install path down to "<stdlib>".
import asyncio


def show(x):
    parts = repr(x).split("/asyncio/")
    for i in range(len(parts) - 1):
        words = parts[i].split(" ")
        words[-1] = "<stdlib>"
        parts[i] = " ".join(words)
    print("/asyncio/".join(parts))


async def f(x):
    return x


async def main():
    values = [list(range(20)), "a" * 50, {f"k{i}": i for i in range(8)},
              (1, [2, [3, [4, [5, [6, [7]]]]]]), 12345678901234567, 1.5, None,
              ("x" * 40,), [], (), {}, [ValueError("a long message " * 3)],
              "short", list(range(6)), list(range(7)), (1,)]
    for v in values:
        t = asyncio.create_task(f(v))
        await t
        print(t)
    t = asyncio.create_task(asyncio.wait([asyncio.create_task(f(1)), asyncio.create_task(asyncio.sleep(1))],
                                         return_when=asyncio.FIRST_COMPLETED))
    await t
    show(t)
    await asyncio.sleep(2)


asyncio.run(main())
