import asyncio
async def hello():
    print('hello')

async def main():
    hello()
    print('bye')

asyncio.run(main())
