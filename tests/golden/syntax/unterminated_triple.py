x = """abc

more
