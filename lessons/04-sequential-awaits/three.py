import asyncio
import time

async def function1():
    await asyncio.sleep(1)
    print(f"func 1 at {time.perf_counter():.0f}s")

async def function2():
    await asyncio.sleep(1)
    print(f"func 2 at {time.perf_counter():.0f}s")

async def function3():
    await asyncio.sleep(1)
    print(f"func 3 at {time.perf_counter():.0f}s")

async def main():
    await function1()
    await function2()
    await function3()
    print(f"done in {time.perf_counter():.0f} seconds")

asyncio.run(main())
