# Not in the subset (async-for): a SyntaxError that names the construct.
# expect-status: 1
# expect-stderr: SyntaxError: 'async for' loops are not supported in the lesson language
async def main():
    async for x in y:
        pass
