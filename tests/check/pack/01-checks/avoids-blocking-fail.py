import asyncio
import time

async def main():
    time.sleep(1)
    print('done')

asyncio.run(main())
