# enumerate, zip and reversed iterators kept inside what they walk over,
# and asyncio queues that hold themselves (or a list that holds the queue):
# cycles made in a loop.
import asyncio


async def main():
    n = 0
    for i in range(30000):
        items = [i, i + 1]
        e = enumerate(items)
        items.append(e)
        n += next(e)[1]
        pairs = [i]
        z = zip(pairs, pairs)
        pairs.append(z)
        n += next(z)[0]
        back = [i]
        r = reversed(back)
        back.append(r)
        q = asyncio.Queue()
        q.put_nowait(q)
        q.put_nowait([q, i])
        n += q.qsize() + (q.get_nowait() is q)
    print(n)


asyncio.run(main())
