import asyncio

async def fetch(n):
    await asyncio.sleep(1)
    print(f"page {n} fetched")

async def main():
    await asyncio.gather(*[fetch(n) for n in range(1, 7)])

asyncio.run(main())
