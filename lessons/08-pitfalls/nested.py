import asyncio

async def helper():
    await asyncio.sleep(1)
    return 42

async def main():
    print("main starts")
    answer = asyncio.run(helper())     # wrong: use  await helper()
    print("the answer is", answer)

asyncio.run(main())
