import asyncio

async def timer(name, seconds):
    await asyncio.sleep(seconds)
    print(name, "done")

async def main():
    egg = asyncio.create_task(timer("egg", 3))
    rice = asyncio.create_task(timer("rice", 2))
    pasta = asyncio.create_task(timer("pasta", 1))
    await egg
    await rice
    await pasta

asyncio.run(main())
