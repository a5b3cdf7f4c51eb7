import asyncio

async def job(seconds):
    await asyncio.sleep(seconds)

async def main():
    try:
        await asyncio.wait_for(job(5), timeout=2)
    except TimeoutError:
        pass
    await job(1)

asyncio.run(main())
