import asyncio
import time, random as rnd
from asyncio import gather, sleep as zz
from asyncio import (create_task,
                     wait_for,)
x = 1; y = 2;
a = b = c = 0
a, b = b, a
(a, b), [c, d] = (1, 2), [3, 4]
obj.attr = xs[0] = xs[1:2] = 5
n += 1; n -= 2; n *= 3; n /= 4; n //= 5; n %= 6; n **= 7
d['k'] += 1
if a:
    pass
elif b:
    pass
elif c: pass
else:
    x = 1
while x > 0:
    x -= 1
    if x == 3:
        continue
    if x == 1: break
else:
    print("done")
for i in range(3):
    pass
else:
    pass
for k, v in d.items(): print(k, v)
for (i, j) in pairs:
    del d[i], e.f, g
    del h[1:2]
def f(a, b=1, *args, c, d=2):
    global G
    def inner():
        nonlocal a
        a = 2
        return
    return a, b
def g(*, key):
    return key
async def main():
    async with asyncio.timeout(1) as t, lock:
        await asyncio.sleep(0)
    async with lock:
        pass
    try:
        pass
    except (ValueError, KeyError) as e:
        raise RuntimeError("x") from e
    except TypeError:
        raise
    except:
        pass
    else:
        pass
    finally:
        pass
    try:
        x = 1
    finally:
        x = 2
assert x, "message"
assert y
raise
