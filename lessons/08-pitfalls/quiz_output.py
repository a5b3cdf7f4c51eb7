import asyncio

async def count(name):
    for i in range(2):
        print(name, i)
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(count("x"), count("y"))

asyncio.run(main())
