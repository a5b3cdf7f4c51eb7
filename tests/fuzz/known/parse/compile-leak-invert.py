w = ~c
