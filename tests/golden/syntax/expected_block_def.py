async def main():
print(1)
