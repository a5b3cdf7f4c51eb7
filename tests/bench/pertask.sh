#!/bin/sh
# tests/bench/pertask.sh: bytes per suspended task (issue 3: "a program with
# 100,000 sleeping tasks must fit in a few tens of MB", "<= 256 bytes per
# suspended task"). Runs timers.py's shape -- N tasks, each in
# `await asyncio.sleep(random delay)`, gathered, on the virtual clock -- for
# N = 100,000 and 200,000, and a one-line program, and prints the peak
# resident memory of each (/usr/bin/time -v) and
#   vs tiny:  (peak(N) - peak(tiny)) / N      what the brief asks for
#   marginal: (peak(2N) - peak(N)) / N        without the fixed costs (the
#             interpreter, the program, the first chunks)
# Peak RSS moves in 2 MiB steps once the allocator maps huge pages, so each
# figure is +-10-20 bytes; each run is repeated REPEAT times (default 3) and
# the lowest peak kept. Not part of `make check`.
#
# Usage: tests/bench/pertask.sh [AIOTUTOR]   (from a build directory;
#        AIOTUTOR defaults to app/aiotutor). PYTHON=1 in the environment also
#        runs the same programs under python3 for comparison.
aio=${1:-./app/aiotutor}
repeat=${REPEAT:-3}
[ -x "$aio" ] || { echo "pertask.sh: no aiotutor at $aio" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pertask.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# timers.py itself, with N tasks instead of its 100,000.
here=$(cd "$(dirname "$0")" && pwd)
prog() { # N FILE
    sed "s/range(100000)/range($1)/" "$here/timers.py" >"$2"
    grep -q "range($1)" "$2" || { echo "pertask.sh: timers.py has no range(100000)" >&2; exit 2; }
}
echo 'print("hello")' >"$tmp/tiny.py"
prog 100000 "$tmp/n1.py"
prog 200000 "$tmp/n2.py"

# peak KIND FILE: the lowest peak RSS (kB) of $repeat runs
peak() {
    best=""
    i=0
    while [ "$i" -lt "$repeat" ]; do
        if [ "$1" = aio ]; then
            /usr/bin/time -f %M "$aio" run --clock=virtual "$2" >/dev/null 2>"$tmp/err" || {
                echo "pertask.sh: $2 failed" >&2; cat "$tmp/err" >&2; exit 1; }
        else
            /usr/bin/time -f %M python3 "$2" >/dev/null 2>"$tmp/err" || {
                echo "pertask.sh: python3 $2 failed" >&2; exit 1; }
        fi
        kb=$(tail -n 1 "$tmp/err")
        if [ -z "$best" ] || [ "$kb" -lt "$best" ]; then best=$kb; fi
        i=$((i + 1))
    done
    echo "$best"
}

report() { # KIND
    t=$(peak "$1" "$tmp/tiny.py") || exit 1
    a=$(peak "$1" "$tmp/n1.py") || exit 1
    b=$(peak "$1" "$tmp/n2.py") || exit 1
    awk -v k="$1" -v t="$t" -v a="$a" -v b="$b" 'BEGIN {
        printf "%-8s tiny %6.1f MB  100k %6.1f MB  200k %6.1f MB  vs tiny %5.0f B/task  marginal %5.0f B/task\n",
               k, t / 1024, a / 1024, b / 1024, (a - t) * 1024 / 100000, (b - a) * 1024 / 100000 }'
}

report aio
if [ -n "$PYTHON" ]; then report python3; fi
