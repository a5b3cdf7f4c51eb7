import asyncio

async def job(n):
    await asyncio.sleep(1)
    return n

async def main():
    a = await job(1)
    b = await job(2)
    print(a + b)

asyncio.run(main())
