import asyncio

async def fragile():
    await asyncio.sleep(0.5)
    raise ValueError("nobody will ever know")

async def main():
    asyncio.create_task(fragile())
    await asyncio.sleep(1)
    print("main is done, and saw nothing")

asyncio.run(main())
