import asyncio

async def job(name, seconds):
    await asyncio.sleep(seconds)
    print(name, "done")

async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(job("send mail", 2))
        tg.create_task(job("sync contacts", 3))
        tg.create_task(job("backup photos", 1))
    print("all done")

asyncio.run(main())
