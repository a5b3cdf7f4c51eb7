import asyncio

async def report(city, seconds):
    await asyncio.sleep(seconds)
    return f"{city}: sunny"

async def main():
    reports = await asyncio.gather(
        report("Oslo", 2),
        report("Lima", 3),
        report("Cairo", 1),
    )
    print(reports)

asyncio.run(main())
