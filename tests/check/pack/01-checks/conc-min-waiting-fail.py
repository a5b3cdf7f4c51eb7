import asyncio

async def download(name, seconds):
    await asyncio.sleep(seconds)
    return name

async def main():
    names = []
    for name, seconds in [("a", 1), ("b", 2), ("c", 3)]:
        t = asyncio.create_task(download(name, seconds))
        names.append(await t)
    print(names)

asyncio.run(main())
