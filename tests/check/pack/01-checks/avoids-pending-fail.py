import asyncio
async def tick():
    await asyncio.sleep(1)
    print('tick')

async def main():
    t = asyncio.create_task(tick())
    await asyncio.sleep(0)

asyncio.run(main())
