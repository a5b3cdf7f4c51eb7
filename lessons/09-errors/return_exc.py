import asyncio

async def job(name, seconds, fail=False):
    await asyncio.sleep(seconds)
    if fail:
        raise RuntimeError(f"{name} failed")
    return name.upper()

async def main():
    results = await asyncio.gather(
        job("a", 1), job("b", 2, fail=True), job("c", 3),
        return_exceptions=True,
    )
    print(results)
    for r in results:
        if isinstance(r, Exception):
            print("error:", r)
        else:
            print("ok:", r)

asyncio.run(main())
