# A task that spins without awaiting: the budget stops it.
# expect-status: 1
# expect-stderr-prefix: RuntimeError: endless loop:
import asyncio

async def spin():
    n = 0
    while True:
        n += 1

async def main():
    await asyncio.gather(spin(), asyncio.sleep(1))

asyncio.run(main())
