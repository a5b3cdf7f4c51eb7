import asyncio
async def say(word, s):
    await asyncio.sleep(s)
    print(word)

async def main():
    await asyncio.gather(say('first', 1), say('second', 1))

asyncio.run(main())
