# Tasks suspended in asyncio.sleep(d, result) in the middle of an
# expression (values below them on the stack), then main spins until the
# step budget stops it: dropping the loop frees their frames, which must
# find the engine's sleep where the suspended frame left it (this crashed:
# the frame's stack was dropped first, and the sleep read from slot 0).
# Also tasks on their own timer (result None) mid-expression.
# expect-status: 1
# expect-stderr-prefix: RuntimeError: endless loop:
# timeout: 60
import asyncio


async def f(n):
    print("x", n, [1, 2], await asyncio.sleep(100, "r"))


async def g(n):
    print("y", n, {"k": n}, await asyncio.sleep(100))


async def main():
    ts = [asyncio.create_task(f(i)) for i in range(3)]
    ts += [asyncio.create_task(g(i)) for i in range(3)]
    await asyncio.sleep(0)
    while True:
        pass


asyncio.run(main())
