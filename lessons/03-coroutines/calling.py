import asyncio

async def greet(name):
    print(f"hello, {name}")
    return len(name)

result = greet("Ada")
print(type(result).__name__)
print("greet has not printed anything yet")
n = asyncio.run(result)
print("greet returned", n)
