import asyncio
import time

log = []

async def polite(name, n):
    for i in range(n):
        log.append(f"{time.perf_counter():.1f} {name} {i}")
        await asyncio.sleep(0.5)

async def rude(name):
    log.append(f"{time.perf_counter():.1f} {name} blocks")
    time.sleep(1.2)
    log.append(f"{time.perf_counter():.1f} {name} unblocked")

async def main():
    start = time.monotonic()
    await asyncio.gather(polite("a", 3), rude("r"), polite("b", 2))
    print("\n".join(log))
    print(f"total {time.monotonic() - start:.2f}s", round(time.time() - 1700000000, 2))

asyncio.run(main())
