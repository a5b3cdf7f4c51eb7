# A task awaiting itself through a global (CPython's message, the repr's cb= included).
# expect-status: 1
# expect-stderr-prefix: RuntimeError: Task cannot await on itself: <Task pending name='Task-2' coro=<f() running at await-self-other-task.py:7> cb=[Task.task_wakeup()]>
import asyncio

async def f():
    await t

async def main():
    global t
    t = asyncio.create_task(f())
    await t

asyncio.run(main())
