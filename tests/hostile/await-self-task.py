# main awaiting its own task (CPython's message up to the repr's cb=; was a use after free).
# expect-status: 1
# expect-stderr-prefix: RuntimeError: Task cannot await on itself: <Task pending name='Task-1' coro=<main() running at await-self-task.py:
import asyncio

async def main():
    await asyncio.current_task()

asyncio.run(main())
