#!/bin/sh
# timeline.sh: `aiotutor run --timeline` as a student reads it, on the
# seed's gather of two one-second sleeps: one lane per task of the program,
# named as asyncio names it with its coroutine, asyncio.run's own shutdown
# tasks left out, print marks on the lanes that printed, Unicode blocks in a
# UTF-8 locale and ASCII otherwise; and the main program's own lane, as the
# tutor draws it, for module code that prints or sleeps.
. "$(dirname "$0")/lib.sh" timeline

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

# A program with no event loop: its main code gets the lane the tutor draws
# ("main": running, blocked in time.sleep, its prints), not "no task ran".
cat >"$work/sync.py" <<'PY'
import time
print("start")
time.sleep(1)
print("after one second")
time.sleep(2)
print("done")
PY
LC_ALL=C $bin run --clock=virtual --timeline "$work/sync.py" >"$work/sync" 2>&1 || {
    echo "FAIL: run --timeline of a synchronous program exited $?"; cat "$work/sync"; exit 1; }
cat "$work/sync"
reject "$work/sync" "a synchronous program is not 'no task ran'" "no task ran"
expect "$work/sync" "summary: the main program alone, three prints, 0s to 3s" \
    "^Timeline: 0 tasks and the main program, 0 steps, 0 switches, 3 prints, 0s to 3s$"
# 62 cells for 3 s: a print at 0, blocked to 1 s (cell 20), a print, blocked to the end, a print
expect "$work/sync" "main prints, blocks 1 s in time.sleep, prints, blocks 2 s, prints" \
    "^main +[|][*]={19}[*]={40}[*]$"

# Module code around asyncio.run: main blocks, waits in asyncio.run while
# the loop runs, then runs again; the loop's tasks keep their lanes.
cat >"$work/mixed.py" <<'PY'
import asyncio, time

async def worker(n):
    await asyncio.sleep(n)
    print("worker", n)

async def main():
    await asyncio.gather(worker(1), worker(2))

print("before")
time.sleep(1)
asyncio.run(main())
print("after")
time.sleep(1)
PY
LC_ALL=C $bin run --clock=virtual --timeline "$work/mixed.py" >"$work/mixed" 2>&1 || {
    echo "FAIL: run --timeline of the mixed program exited $?"; cat "$work/mixed"; exit 1; }
cat "$work/mixed"
expect "$work/mixed" "summary: three tasks and the main program, four prints, 0s to 4s" \
    "^Timeline: 3 tasks and the main program, .* 4 prints, 0s to 4s$"
expect "$work/mixed" "main: print, blocked, awaiting asyncio.run, print, blocked" "^main +[|][*]=+:+[*]=+$"
expect "$work/mixed" "the loop's main task still has its lane" "^Task-1 main +[|] +#:+# *$"

# A task named in another script, longer than the label column: the label
# is cut between characters and padded by the columns it takes, so every
# lane's bar starts in the same column; '?' stands for each character when
# the locale is not UTF-8.
cat >"$work/named.py" <<'PY'
import asyncio

async def work():
    await asyncio.sleep(1)

async def main():
    await asyncio.create_task(work(), name="задача-номер-один-очень-длинная")
    await asyncio.create_task(work(), name="ab")

asyncio.run(main())
PY
LC_ALL=C.UTF-8 $bin run --clock=virtual --timeline "$work/named.py" >"$work/named" 2>&1 || {
    echo "FAIL: run --timeline of named tasks exited $?"; cat "$work/named"; exit 1; }
cat "$work/named"
expect "$work/named" "a long Cyrillic name is cut between characters" "^задача-номер-оди [|]█"
expect "$work/named" "a short name is padded to the same column" "^ab work          [|]"
if iconv -f UTF-8 -t UTF-8 "$work/named" >/dev/null 2>&1; then echo "ok: the timeline is valid UTF-8"
else echo "FAIL: the timeline is not valid UTF-8"; fail=1; fi
LC_ALL=C $bin run --clock=virtual --timeline "$work/named.py" >"$work/named-c" 2>&1
expect "$work/named-c" "'?' for each character outside ASCII under LC_ALL=C" "^[?]{6}-[?]{5}-[?]{3} [|]#"
if LC_ALL=C grep -q '[^ -~]' "$work/named-c"; then echo "FAIL: non-ASCII bytes in named-c under LC_ALL=C"; fail=1
else echo "ok: only ASCII in the named tasks' timeline under LC_ALL=C"; fi

# Nothing to draw: no loop, no print, no sleep.
printf 'x = 1\n' >"$work/quiet.py"
LC_ALL=C $bin run --clock=virtual --timeline "$work/quiet.py" >"$work/quiet" 2>&1
expect "$work/quiet" "a program that does nothing visible says so" "^timeline: no task ran .*neither printed nor slept"
exit $fail
