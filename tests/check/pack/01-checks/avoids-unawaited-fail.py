import asyncio
async def hello():
    print('hello')

async def main():
    hello()

asyncio.run(main())
