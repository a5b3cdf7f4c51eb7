# Tasks created while asyncio.run shuts down are left pending when the loop
# closes; at exit each is reported as CPython's collector finalizes it (its
# coroutine first, so "done, defined at"), with its whole repr: the task it
# waits for (wait_for=<Task ...>) and the tasks waiting for it
# (cb=[Task.task_wakeup()]).
import asyncio

async def other():
    await asyncio.sleep(10)

async def late(t):
    print("late started")
    await t
    print("never")

async def spawner():
    try:
        await asyncio.sleep(10)
    finally:
        t = asyncio.create_task(other(), name="other")
        asyncio.create_task(late(t), name="late")
        c = asyncio.create_task(other(), name="cancelled-early")
        c.cancel()

async def main():
    asyncio.create_task(spawner())
    await asyncio.sleep(0)
    print("main end")

asyncio.run(main())
print("after run")
