import asyncio

ready = []

async def a():
    await asyncio.sleep(1)
    ready.append(True)

async def b():
    await asyncio.sleep(1)
    await asyncio.gather(asyncio.sleep(1), asyncio.sleep(1), asyncio.sleep(1))

async def main():
    await asyncio.gather(a(), b())
    print("done")

asyncio.run(main())
