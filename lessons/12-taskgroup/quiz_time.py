import asyncio

async def job(seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise RuntimeError("boom")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job(4))
            tg.create_task(job(1.5, fail=True))
            tg.create_task(job(3))
    except ExceptionGroup:
        pass

asyncio.run(main())
