# Sleeps forever: the virtual-time cap stops it.
# expect-status: 1
# expect-stderr: RuntimeError: the program's clock passed the limit of 10000000 seconds of (virtual) time
# timeout: 120
import asyncio

async def main():
    while True:
        await asyncio.sleep(1)

asyncio.run(main())
