import asyncio

async def job(name, seconds):
    await asyncio.sleep(seconds)
    print(name, "done")

async def main():
    t1 = asyncio.create_task(job("send mail", 2))
    t2 = asyncio.create_task(job("sync contacts", 3))
    t3 = asyncio.create_task(job("backup photos", 1))
    await t1
    await t3
    print("all done")

asyncio.run(main())
