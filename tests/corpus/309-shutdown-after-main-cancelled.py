import asyncio

async def killer(t):
    await asyncio.sleep(0.1)
    print("killer cancels main")
    t.cancel("stop it")

async def bg():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("bg cancelled, args:", e.args)
        raise ValueError("bg oops")

async def main():
    asyncio.create_task(killer(asyncio.current_task()))
    asyncio.create_task(bg())
    try:
        await asyncio.sleep(1)
    finally:
        print("main finally")

try:
    asyncio.run(main())
except asyncio.CancelledError as e:
    print("run raised CancelledError", e.args)
print("end")
