# Not hostile: a sleep(0) poll loop that waits for another task's sleep must
# finish (the spin watch counts the timer that fires as progress). python3
# prints the same; the oracle's virtual clock cannot run it (it never moves).
# expect-status: 0
# expect-stdout: sleeper finished
import asyncio

done = False

async def sleeper():
    global done
    await asyncio.sleep(0.05)
    done = True

async def main():
    t = asyncio.create_task(sleeper())
    while not done:
        await asyncio.sleep(0)
    await t
    print("sleeper finished")

asyncio.run(main())
