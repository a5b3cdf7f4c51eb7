import asyncio

async def main()
    print(3)

asyncio.run(main())
