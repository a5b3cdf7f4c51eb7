name = "x"
print(f"{name}")
print(f"{name!r} {name!s} {name!a}")
print(f"{3.14159:.2f} {42:>10} {x:{w}.{p}f} {y:,}")
print(f"{x=} {x = } {x=!s} {x=:>5}")
print(f'{"nested"} {d["k"]} {a + b}')
print(f"{{literal}} {x}}}{{")
print(F"a" "b" f"{c}" rf"\n{d}" fr'{e}\t')
print(f"""multi
{line}
""")
print(f"{ x }" f"{x, y}" f"{[1, 2][0]}")
print(f"{'a' if x else 'b'}")
print(f"{x!r:^{width}}")
