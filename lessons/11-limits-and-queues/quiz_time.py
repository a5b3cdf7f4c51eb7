import asyncio

async def job(sem):
    async with sem:
        await asyncio.sleep(1)

async def main():
    sem = asyncio.Semaphore(3)
    await asyncio.gather(*[job(sem) for _ in range(7)])

asyncio.run(main())
