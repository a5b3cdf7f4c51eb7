import asyncio

async def step(seconds):
    await asyncio.sleep(seconds)

async def main():
    await step(1)
    await step(2)
    await step(0.5)

asyncio.run(main())
