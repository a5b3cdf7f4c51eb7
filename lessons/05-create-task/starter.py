import asyncio

async def timer(name, seconds):
    await asyncio.sleep(seconds)
    print(name, "done")

async def main():
    await timer("egg", 3)
    await timer("rice", 2)
    await timer("pasta", 1)

asyncio.run(main())
