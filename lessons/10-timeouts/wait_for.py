import asyncio
import time

def now():
    return f"{time.perf_counter():.0f}s"

async def slow_answer():
    await asyncio.sleep(3)
    return 42

async def main():
    try:
        answer = await asyncio.wait_for(slow_answer(), timeout=1)
        print("answer:", answer)
    except TimeoutError:
        print(now(), "gave up waiting")
    answer = await asyncio.wait_for(slow_answer(), timeout=5)
    print(now(), "with more patience:", answer)

asyncio.run(main())
