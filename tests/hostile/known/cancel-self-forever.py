# A task that cancels itself forever and swallows CancelledError (hangs today).
# expect-status: 1
# expect-stderr-prefix: RuntimeError:
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
