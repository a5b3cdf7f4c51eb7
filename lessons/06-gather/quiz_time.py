import asyncio

async def job(seconds):
    await asyncio.sleep(seconds)

async def main():
    await asyncio.gather(job(1), job(2.5), job(2))
    await asyncio.gather(job(0.5), job(1))

asyncio.run(main())
