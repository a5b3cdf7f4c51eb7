import asyncio
import time

async def function1():
    await asyncio.sleep(1)
    print("func 1")

async def function2():
    await asyncio.sleep(1)
    print("func 2")

async def function3():
    await asyncio.sleep(1)
    print("func 3")

async def main():
    results = await asyncio.gather(function1(), function2(), function3())
    print(results)
    print(f"took {time.perf_counter():.0f} s")

asyncio.run(main())
