# "is" with a literal: CPython's compiler warns (SyntaxWarning, on stderr,
# before the program runs) for every comparison by identity with a number,
# a string or a tuple, once per comparison, but not for None, True
# or False. The program still runs.
import asyncio

x = 1
print("start")
print(x is 1)
print(x is not 2)
print("s" is x)
print(x is (1, 2), x is -1)


def check(v):
    if v is None or v is True or v is False:
        return "singleton"
    return "other"


async def main():
    print(check(None), check(3))
    await asyncio.sleep(0.1)
    print(x is not "b")


asyncio.run(main())
