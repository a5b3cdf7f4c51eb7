import asyncio

async def worker():
    try:
        await asyncio.sleep(5)
        print("worked")
    finally:
        print("cleanup")

async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("cancelled")
    print("end")

asyncio.run(main())
