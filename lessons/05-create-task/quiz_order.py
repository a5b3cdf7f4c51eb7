import asyncio

async def hello():
    print("hello from the task")

async def main():
    task = asyncio.create_task(hello())
    print("task created")
    await task
    print("task awaited")

asyncio.run(main())
