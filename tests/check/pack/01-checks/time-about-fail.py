import asyncio
async def main():
    await asyncio.sleep(1.7)

asyncio.run(main())
