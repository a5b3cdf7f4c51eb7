# tree: a gather tree of depth 16 (65,536 leaves, 131,071 tasks).
import asyncio

async def node(depth):
    if depth == 0:
        await asyncio.sleep(0)
        return 1
    a, b = await asyncio.gather(node(depth - 1), node(depth - 1))
    return a + b

async def main():
    print(await node(16), "leaves")

asyncio.run(main())
