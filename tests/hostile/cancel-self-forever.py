# A task that cancels itself forever and swallows CancelledError: the spin watch stops it.
# expect-status: 1
# expect-stderr: RuntimeError: endless loop: 3000000 task steps in a row ran without the clock advancing (the program keeps yielding with await, e.g. asyncio.sleep(0), but never waits for time to pass, so it never finishes)
# timeout: 60
import asyncio

async def stubborn():
    while True:
        try:
            asyncio.current_task().cancel()
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            pass

async def main():
    await stubborn()

asyncio.run(main())
