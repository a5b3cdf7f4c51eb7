#!/bin/sh
# run-limits.sh: `aiotutor run`'s limit options, as an instructor or a
# grader sets them: each program runs to its end under the defaults and
# ends with the limit's error (exit status 1, the error on stderr's last
# line) under a tighter limit; a bad value is a usage error (status 2).
bin=./app/aiotutor
work=$(mktemp -d "${TMPDIR:-/tmp}/run-limits.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
# run NAME STATUS LASTLINE-GREP [OPTION...] FILE
run() {
    name=$1 want=$2 pat=$3
    shift 3
    "$bin" run --clock=virtual "$@" >"$work/out" 2>"$work/err"
    got=$?
    last=$(tail -n 1 "$work/err")
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $name: exit status $got, expected $want; stderr ends: $last"
        fail=1
    elif [ -n "$pat" ] && ! printf '%s\n' "$last" | grep -q -- "$pat"; then
        echo "FAIL $name: stderr's last line is '$last', expected /$pat/"
        fail=1
    else
        echo "ok $name"
    fi
}
cat >"$work/rec.py" <<'PY'
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(900))
PY
cat >"$work/deep.py" <<'PY'
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(15000))
PY
# A Python call made from C (here a sort key) nests on the C stack: even
# with the highest recursion limit it is a RecursionError, not a crash.
cat >"$work/ckey.py" <<'PY'
def f(n):
    if n == 0:
        return 0
    return sorted([n], key=lambda x: f(x - 1))[0]
print(f(9000))
PY
cat >"$work/mem.py" <<'PY'
s = "x" * (64 * 1024 * 1024)
print(len(s))
PY
cat >"$work/loop.py" <<'PY'
total = 0
for i in range(200000):
    total += i
print(total)
PY
cat >"$work/sleep.py" <<'PY'
import asyncio

async def main():
    await asyncio.sleep(500)
    print("woke")

asyncio.run(main())
PY
cat >"$work/steps.py" <<'PY'
import asyncio

async def main():
    for i in range(5000):
        await asyncio.sleep(0)
    print("done")

asyncio.run(main())
PY
run "recursion default" 0 "" "$work/rec.py"
run "recursion-limit=500" 1 "^RecursionError: maximum recursion depth exceeded" --recursion-limit=500 "$work/rec.py"
run "recursion-limit=20000, plain calls" 0 "" --recursion-limit=20000 "$work/deep.py"
run "recursion-limit=20000, calls from C" 1 "^RecursionError: maximum recursion depth exceeded" --recursion-limit=20000 "$work/ckey.py"
run "memory default" 0 "" "$work/mem.py"
run "memory-limit=16" 1 "MemoryError" --memory-limit=16 "$work/mem.py"
run "step budget default" 0 "" "$work/loop.py"
run "step-budget=10000" 1 "^RuntimeError: endless loop" --step-budget=10000 "$work/loop.py"
run "max-time default" 0 "" "$work/sleep.py"
run "max-time=100" 1 "^RuntimeError" --max-time=100 "$work/sleep.py"
run "max-steps default" 0 "" "$work/steps.py"
run "max-steps=1000" 1 "^RuntimeError: endless loop" --max-steps=1000 "$work/steps.py"
for bad in --recursion-limit=abc --recursion-limit=5 --recursion-limit=20001 --memory-limit=0 \
    --memory-limit=-1 --step-budget=10x --max-steps= --max-time=0 --max-time=nan; do
    run "usage error $bad" 2 "Try 'aiotutor --help'" "$bad" "$work/rec.py"
done
[ "$(cat "$work/out")" = "" ] || { echo "FAIL: a usage error ran the program"; fail=1; }
exit $fail
