import asyncio

async def fetch(sem, n):
    async with sem:
        await asyncio.sleep(1)
        print(f"page {n} fetched")

async def main():
    sem = asyncio.Semaphore(3)
    await asyncio.gather(*[fetch(sem, n) for n in range(1, 7)])

asyncio.run(main())
