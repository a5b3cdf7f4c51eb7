import asyncio

async def shout(word):
    print(word.upper())

async def main():
    shout("one")
    await shout("two")
    print("three")

asyncio.run(main())
