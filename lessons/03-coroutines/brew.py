import asyncio
import time

async def brew(drink, seconds):
    print(f"{time.perf_counter():.0f}s  start {drink}")
    await asyncio.sleep(seconds)
    print(f"{time.perf_counter():.0f}s  {drink} is ready")
    return drink

async def main():
    cup = await brew("tea", 2)
    print("main got", cup)

asyncio.run(main())
