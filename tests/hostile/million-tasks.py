# One million tasks sleeping at once, then gathered (CPython prints the same).
# expect-status: 0
# expect-stdout: 1000000 499999500000
# timeout: 240
import asyncio

async def one(i):
    await asyncio.sleep(1)
    return i

async def main():
    tasks = [asyncio.create_task(one(i)) for i in range(1_000_000)]
    done = await asyncio.gather(*tasks)
    print(len(done), sum(done))

asyncio.run(main())
