# An endless loop that awaits sleep(0): the spin watch (interp.c) stops it.
# expect-status: 1
# expect-stderr: RuntimeError: endless loop: 3000000 task steps in a row ran without the clock advancing (the program keeps yielding with await, e.g. asyncio.sleep(0), but never waits for time to pass, so it never finishes)
# timeout: 60
import asyncio

async def main():
    while True:
        await asyncio.sleep(0)

asyncio.run(main())
