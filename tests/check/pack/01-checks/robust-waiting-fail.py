import asyncio

ready = []

async def a():
    await asyncio.sleep(1)
    ready.append(True)

async def b():
    await asyncio.sleep(1)
    if ready:
        await asyncio.gather(asyncio.sleep(1), asyncio.sleep(1), asyncio.sleep(1))
    else:
        for i in range(3):
            await asyncio.sleep(1)

async def main():
    await asyncio.gather(a(), b())
    print("done")

asyncio.run(main())
