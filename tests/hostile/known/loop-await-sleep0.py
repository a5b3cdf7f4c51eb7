# An endless loop that awaits sleep(0): must end with a clear message (hangs today).
# expect-status: 1
# expect-stderr-prefix: RuntimeError:
# timeout: 60
import asyncio

async def main():
    while True:
        await asyncio.sleep(0)

asyncio.run(main())
