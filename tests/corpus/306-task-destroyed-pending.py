import asyncio

async def late(n):
    print("late", n, "started")
    await asyncio.sleep(10)
    print("late", n, "never gets here")

async def spawner():
    try:
        await asyncio.sleep(10)
    finally:
        print("spawner finally: creates a task during shutdown")
        asyncio.create_task(late(1))

async def main():
    asyncio.create_task(spawner())
    await asyncio.sleep(0)
    print("main end")

asyncio.run(main())
print("after run")
