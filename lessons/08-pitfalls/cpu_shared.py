import asyncio

async def crunch(name):
    for chunk in range(1, 4):
        total = sum(range(chunk * 10000))
        print(name, "chunk", chunk, "->", total)
        await asyncio.sleep(0)

async def main():
    await asyncio.gather(crunch("A"), crunch("B"))

asyncio.run(main())
