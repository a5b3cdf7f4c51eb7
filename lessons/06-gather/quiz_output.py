import asyncio

async def square(n):
    await asyncio.sleep(1 / n)
    print("done", n)
    return n * n

async def main():
    print(await asyncio.gather(square(1), square(2), square(4)))

asyncio.run(main())
