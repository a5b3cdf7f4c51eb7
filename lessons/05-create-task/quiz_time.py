import asyncio

async def job(seconds):
    await asyncio.sleep(seconds)

async def main():
    a = asyncio.create_task(job(2))
    b = asyncio.create_task(job(3))
    await a
    await b
    await job(1)

asyncio.run(main())
