import asyncio

async def save(tag):
    print("saving", tag)
    await asyncio.sleep(1)
    print("saved", tag)
    return tag.upper()

async def waiter(inner):
    try:
        return await asyncio.shield(inner)
    except asyncio.CancelledError:
        print("waiter cancelled; inner done?", inner.done())
        raise

async def main():
    inner = asyncio.create_task(save("a"))
    w = asyncio.create_task(waiter(inner))
    await asyncio.sleep(0.5)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print("w cancelled:", w.cancelled())
    print("inner result:", await inner)
    print("shield of a done task:", await asyncio.shield(inner))
    r = await asyncio.shield(save("b"))
    print("direct:", r)
    victim = asyncio.create_task(save("c"))
    s = asyncio.shield(victim)
    victim.cancel()
    try:
        await s
    except asyncio.CancelledError:
        print("outer cancelled too:", s.cancelled())
    async def boom():
        await asyncio.sleep(0.1)
        raise RuntimeError("disk full")
    try:
        await asyncio.shield(boom())
    except RuntimeError as e:
        print("error through shield:", e)

asyncio.run(main())
