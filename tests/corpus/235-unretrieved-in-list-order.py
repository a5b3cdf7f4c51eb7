# Tasks whose exceptions nobody retrieved are reported when they are freed:
# the list (or tuple) holding them frees its items last first, as CPython's
# list_dealloc and tupledealloc do, so the reports come in that order.
import asyncio

async def boom(i):
    await asyncio.sleep(i / 10)
    raise ValueError(i)

async def main():
    ts = [asyncio.create_task(boom(i)) for i in range(3)]
    await asyncio.sleep(1)
    print(ts[0].exception())
    print("main done")

asyncio.run(main())
