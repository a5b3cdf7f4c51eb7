# timers: 100,000 tasks sleeping random delays (run on a virtual clock).
import asyncio
import random

done = 0

async def sleeper(d):
    global done
    await asyncio.sleep(d)
    done += 1

async def main():
    random.seed(7)
    await asyncio.gather(*[sleeper(random.uniform(0, 100)) for _ in range(100000)])
    print(done, "timers fired")

asyncio.run(main())
