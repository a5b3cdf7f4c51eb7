# Coroutines still unawaited when the program ends: CPython warns at exit
# from "sys:1", once per coroutine name (its warnings filter shows a text
# once per place), however many of them are left.
import asyncio


async def work(n):
    await asyncio.sleep(n)


async def other():
    pass


first = work(1)
second = other()
more = [work(i) for i in range(3)]
last = work(9)


async def main():
    await work(0.5)
    print("main done")


asyncio.run(main())
print("end")
