import asyncio

async def worker(n):
    await asyncio.sleep(1)
    print(f"worker {n} done")

async def main():
    await asyncio.gather(worker(1), worker(2), worker(3))

asyncio.run(main())
