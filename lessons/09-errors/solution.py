import asyncio

USERS = ["alice", "bob", "mallory", "carol"]

async def lookup(user):
    await asyncio.sleep(1)
    if user == "mallory":
        raise KeyError(user)
    return len(user) * 2

async def main():
    scores = await asyncio.gather(*[lookup(u) for u in USERS], return_exceptions=True)
    for user, score in zip(USERS, scores):
        if isinstance(score, Exception):
            print(f"{user}: failed")
        else:
            print(f"{user}: {score}")

asyncio.run(main())
