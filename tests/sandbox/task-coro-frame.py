# Sandbox: refused with a clear error, nothing reached outside.
# expect-status: 1
# expect-stderr: AttributeError: 'coroutine' object has no attribute 'cr_frame'
import asyncio
async def main():
    t = asyncio.current_task()
    print(t.get_coro().cr_frame.f_globals)
asyncio.run(main())
