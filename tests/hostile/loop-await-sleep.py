# Sleeps forever: each step makes the virtual clock jump, so the spin watch
# sees progress; the busy watch (interp.c) ends it after 3M task steps.
# expect-status: 1
# expect-stderr: RuntimeError: endless loop: 3000000 task steps ran and the program is still not done (it keeps awaiting in a loop, e.g. asyncio.sleep(1), and the virtual clock skips every wait at once, so it would never finish)
# timeout: 20
import asyncio

async def main():
    while True:
        await asyncio.sleep(1)

asyncio.run(main())
