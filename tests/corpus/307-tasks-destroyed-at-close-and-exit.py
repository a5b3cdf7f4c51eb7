import asyncio

async def late(n):
    print("late", n, "started")
    try:
        await asyncio.sleep(10)
    finally:
        print("late", n, "finally")

async def spinner():
    print("spinner started")
    try:
        while True:
            await asyncio.sleep(0)
    finally:
        print("spinner finally")

async def spawner():
    try:
        await asyncio.sleep(10)
    finally:
        print("spawner finally: creates tasks during shutdown")
        asyncio.create_task(late(1))
        asyncio.create_task(spinner())
        asyncio.create_task(late(2))

async def main():
    asyncio.create_task(spawner())
    await asyncio.sleep(0)
    print("main end")

asyncio.run(main())
print("after run")
async def again():
    print("second run")
asyncio.run(again())
print("end")
