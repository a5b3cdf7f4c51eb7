import asyncio

async def player(name):
    for i in range(1, 4):
        print(name, i)
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(player("ping"), player("pong"))

asyncio.run(main())
