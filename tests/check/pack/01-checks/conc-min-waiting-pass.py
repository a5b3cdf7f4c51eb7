import asyncio

async def download(name, seconds):
    await asyncio.sleep(seconds)
    return name

async def main():
    names = await asyncio.gather(download("a", 1), download("b", 2), download("c", 3))
    print(names)

asyncio.run(main())
