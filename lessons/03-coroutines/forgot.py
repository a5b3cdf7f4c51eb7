import asyncio

async def brew(drink):
    await asyncio.sleep(1)
    print(drink, "is ready")

async def main():
    brew("coffee")          # oops: no await
    print("main is done")

asyncio.run(main())
