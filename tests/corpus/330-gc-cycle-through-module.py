# Objects the program hangs on a builtin module outlive the program's own
# names: a cycle through the module (asyncio.me = asyncio), a list that
# holds itself, a coroutine never awaited. At exit they are freed, and the
# coroutine's warning comes as CPython prints it.
import asyncio


async def f():
    pass


box = [1]
box.append(box)
asyncio.me = asyncio
asyncio.box = box
asyncio.x = f()
print(asyncio.me.box[1][1][0], len(box))
