# Identity with the named singletons is what "is" is for: no warning.
import asyncio


async def fetch(n):
    await asyncio.sleep(n / 10)
    return None if n % 2 else n


async def main():
    results = await asyncio.gather(*(fetch(i) for i in range(4)))
    for r in results:
        print(r is None, r is not None, (r is None) is True, False is not r)


asyncio.run(main())
