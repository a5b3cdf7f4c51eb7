import asyncio
async def main():
    await asyncio.sleep(2)

asyncio.run(main())
