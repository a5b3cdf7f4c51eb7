import asyncio
import time

async def make_tea():
    time.sleep(2)
    print("tea is ready")

async def make_toast():
    await asyncio.sleep(1)
    print("toast is ready")

async def main():
    await make_tea()
    make_toast()

asyncio.run(main())
