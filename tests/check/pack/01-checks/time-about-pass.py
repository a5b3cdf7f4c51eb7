import asyncio
async def main():
    await asyncio.sleep(1.45)

asyncio.run(main())
