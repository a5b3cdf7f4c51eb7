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
    await function1()
    await function2()
    await function3()
    print(f"took {time.perf_counter():.0f} s")

asyncio.run(main())
