import asyncio
import time

async def fetch(name, seconds):
    await asyncio.sleep(seconds)
    print(f"{time.perf_counter():.0f}s  {name} finished")
    return name.upper()

async def main():
    results = await asyncio.gather(
        fetch("slow", 3),
        fetch("fast", 1),
        fetch("medium", 2),
    )
    print(results)

asyncio.run(main())
