import asyncio

async def report(city, seconds):
    await asyncio.sleep(seconds)
    return f"{city}: sunny"

async def main():
    oslo = await report("Oslo", 2)
    lima = await report("Lima", 3)
    cairo = await report("Cairo", 1)
    print([oslo, lima, cairo])

asyncio.run(main())
