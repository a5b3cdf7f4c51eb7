import asyncio

async def divide(a, b):
    await asyncio.sleep(0.1)
    return a / b

async def main():
    results = await asyncio.gather(divide(6, 3), divide(1, 0), return_exceptions=True)
    print(results)

asyncio.run(main())
