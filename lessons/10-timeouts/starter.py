import asyncio

async def ask(service, seconds):
    await asyncio.sleep(seconds)
    return service.upper()

async def ask_or_give_up(service, seconds):
    answer = await ask(service, seconds)
    return f"{service}: {answer}"

async def main():
    lines = await asyncio.gather(
        ask_or_give_up("alpha", 1),
        ask_or_give_up("beta", 3),
        ask_or_give_up("gamma", 1.5),
    )
    for line in lines:
        print(line)

asyncio.run(main())
