import asyncio

async def task(name, delay):
    await asyncio.sleep(delay)
    print(name)

async def main():
    await asyncio.gather(
        task("slow", 0.2),
        task("first", 0.1),
        task("second", 0.1),
        task("now", 0),
    )

asyncio.run(main())
