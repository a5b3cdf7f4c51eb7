import asyncio

async def job(n):
    await asyncio.sleep(1)
    return n

async def main():
    a, b = await asyncio.gather(job(1), job(2))
    print(a + b)

asyncio.run(main())
