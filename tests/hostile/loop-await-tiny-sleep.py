# Sleeps a millisecond forever, in two tasks that swallow what they can:
# 10^10 steps to the virtual-time cap; the busy watch ends it after 3M.
# expect-status: 1
# expect-stderr: RuntimeError: endless loop: 3000000 task steps ran and the program is still not done (it keeps awaiting in a loop, e.g. asyncio.sleep(1), and the virtual clock skips every wait at once, so it would never finish)
# timeout: 20
import asyncio

async def ticker(n):
    while True:
        try:
            await asyncio.sleep(0.001 * n)
        except Exception:
            pass

async def main():
    await asyncio.gather(ticker(1), ticker(2))

asyncio.run(main())
