#!/bin/sh
# timeline.sh: `aiotutor run --timeline` as a student reads it, on the
# seed's gather of two one-second sleeps: one lane per task of the program,
# named as asyncio names it with its coroutine, asyncio.run's own shutdown
# tasks left out, print marks on the lanes that printed, Unicode blocks in a
# UTF-8 locale and ASCII otherwise.
bin=./app/aiotutor
work=$(mktemp -d "${TMPDIR:-/tmp}/timeline.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
cat >"$work/seed.py" <<'PY'
import asyncio

async def function1():
    await asyncio.sleep(1)
    print("func 1")

async def function2():
    await asyncio.sleep(1)
    print("func 2")

async def main():
    await asyncio.gather(function1(), function2())

asyncio.run(main())
PY
expect() { # FILE WHAT GREP-ARGS...
    f=$1 what=$2
    shift 2
    if grep -q -E "$@" "$f"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
reject() {
    f=$1 what=$2
    shift 2
    if grep -q -E "$@" "$f"; then echo "FAIL: $what"; fail=1; else echo "ok: $what"; fi
}

LC_ALL=C.UTF-8 $bin run --clock=virtual --timeline "$work/seed.py" >"$work/utf8" 2>&1 || {
    echo "FAIL: run --timeline exited $?"; cat "$work/utf8"; exit 1; }
cat "$work/utf8"
expect "$work/utf8" "the program's output comes first" -x "func 1"
expect "$work/utf8" "summary: three tasks, two prints, 0s to 1s" "^Timeline: 3 tasks, .* 2 prints, 0s to 1s"
expect "$work/utf8" "main's lane is named Task-1 main" "^Task-1 main +[|]"
expect "$work/utf8" "Task-2 function1 sleeps, then prints" "^Task-2 function1 +[|]█(░)+[*]$"
expect "$work/utf8" "Task-3 function2 sleeps, then prints" "^Task-3 function2 +[|]█(░)+[*]$"
reject "$work/utf8" "asyncio.run's shutdown tasks get no lane" "^Task-4"
expect "$work/utf8" "a legend" "running .* sleeping"

LC_ALL=C $bin run --clock=virtual --timeline "$work/seed.py" >"$work/ascii" 2>&1 || {
    echo "FAIL: run --timeline under LC_ALL=C exited $?"; exit 1; }
expect "$work/ascii" "ASCII glyphs when the locale is not UTF-8" "^Task-2 function1 +[|]#[.]+[*]$"
if LC_ALL=C grep -q '[^ -~]' "$work/ascii"; then echo "FAIL: non-ASCII bytes under LC_ALL=C"; fail=1
else echo "ok: only ASCII under LC_ALL=C"; fi
exit $fail
