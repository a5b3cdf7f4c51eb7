import asyncio

async def worker(name, delay):
    print(name, "starts")
    await asyncio.sleep(delay)
    print(name, "wakes up")

async def main():
    a = asyncio.create_task(worker("A", 1))
    b = asyncio.create_task(worker("B", 0))
    print("main: tasks created")
    await asyncio.sleep(0.5)
    print("main: back after 0.5 s")
    await a
    await b
    print("main: done")

asyncio.run(main())
