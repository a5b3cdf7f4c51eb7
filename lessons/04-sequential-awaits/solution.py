import asyncio

async def make_tea():
    await asyncio.sleep(2)
    print("tea is ready")

async def make_toast():
    await asyncio.sleep(1)
    print("toast is ready")

async def main():
    await make_tea()
    await make_toast()

asyncio.run(main())
