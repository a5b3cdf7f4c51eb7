#!/bin/sh
# trace.sh: `aiotutor run --trace=FILE` as Perfetto would read it. The file
# must be JSON (strict UTF-8) in the Chrome trace event format: one named
# track per task of the program (asyncio.run's shutdown tasks left out),
# balanced step slices, a slice per wait between steps with its length, a
# slice per blocking time.sleep, an instant per print; and a path that can't
# be written is said before the run, a full disk after it.
command -v python3 >/dev/null || { echo "python3 is required (it reads the trace files)"; exit 99; }
. "$(dirname "$0")/lib.sh" trace

cat >"$work/more.py" <<'PY'
import asyncio
import time

async def worker(n):
    try:
        await asyncio.sleep(n)
        print("worker", n, "done")
        return n
    except asyncio.CancelledError:
        print("worker", n, "cancelled")
        raise

async def main():
    t1 = asyncio.create_task(worker(1), name="one")
    t2 = asyncio.create_task(worker(5))
    print(await t1)
    time.sleep(0.5)
    t2.cancel()
    try:
        await t2
    except asyncio.CancelledError:
        print("x" + "é" * 150)

asyncio.run(main())
PY

# check.py FILE EXPECT...: each EXPECT is a Python expression over `ev` (the
# events), `tracks` ({tid: name}), `slices(tid, name)` ([(ts, dur)]) and
# `instants(tid)` ([(ts, name)]) that must be true.
cat >"$work/check.py" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:  # strict: invalid UTF-8 fails
    doc = json.load(f)
ev = doc["traceEvents"]
for e in ev:
    assert {"ph", "pid", "tid", "ts"} <= e.keys(), e
tracks = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
depth = {}
for e in sorted((e for e in ev if e["ph"] in "BE"), key=lambda e: e["ts"]):
    d = depth.get(e["tid"], 0) + (1 if e["ph"] == "B" else -1)
    assert d in (0, 1), ("steps of a task nest or end unopened", e)
    depth[e["tid"]] = d
assert all(d == 0 for d in depth.values()), ("a step never ended", depth)
def slices(tid, name):
    return sorted((e["ts"], e["dur"]) for e in ev if e["ph"] == "X" and e["tid"] == tid and e["name"] == name)
def instants(tid):
    return sorted((e["ts"], e["name"]) for e in ev if e["ph"] == "i" and e["tid"] == tid)
bad = 0
for expect in sys.argv[2:]:
    if not eval(expect):
        print("FAIL:", expect)
        bad = 1
    else:
        print("ok:", expect)
if bad:
    print("tracks:", tracks)
    for e in ev:
        print(e)
sys.exit(bad)
PY

check() { # NAME FILE EXPECT...
    name=$1
    shift
    if python3 "$work/check.py" "$@" >"$work/log" 2>&1; then
        echo "ok: $name"
    else
        echo "FAIL: $name"
        cat "$work/log"
        fail=1
    fi
}

$bin run --clock=virtual --trace="$work/seed.json" "$work/seed.py" >"$work/out" 2>&1 || {
    echo "FAIL: run --trace exited $?"; cat "$work/out"; exit 1; }
check "seed program" "$work/seed.json" \
    'tracks == {1: "Task-1 main", 2: "Task-2 function1", 3: "Task-3 function2"}' \
    'slices(2, "sleeping") == [(0, 1000000)]' \
    'slices(3, "sleeping") == [(0, 1000000)]' \
    'slices(1, "awaiting gather") == [(0, 1000000)]' \
    'instants(2) == [(1000000, "output: func 1"), (1000000, "result: None")]' \
    'instants(3) == [(1000000, "output: func 2"), (1000000, "result: None")]' \
    'sum(e["ph"] == "B" for e in ev if e["tid"] == 1) == 2'

$bin run --clock=virtual --trace="$work/more.json" "$work/more.py" >"$work/out" 2>&1 || {
    echo "FAIL: run --trace exited $?"; cat "$work/out"; exit 1; }
check "named task, await of a task, time.sleep, cancel, long output" "$work/more.json" \
    'tracks == {1: "Task-1 main", 2: "one worker", 3: "Task-3 worker"}' \
    'slices(1, "awaiting one") == [(0, 1000000)]' \
    'slices(1, "blocked (time.sleep)") == [(1000000, 500000)]' \
    'slices(3, "sleeping") == [(0, 1500000)]' \
    'slices(1, "awaiting Task-3") == [(1500000, 0)]' \
    '(1500000, "cancel") in instants(3) and (1500000, "cancelled") in instants(3)' \
    '[n for t, n in instants(1) if n.startswith("output: x")] == ["output: x" + "é" * 99]'

# A path that can't be written: said before the run, which does not start.
$bin run --clock=virtual --trace="$work/no/such/dir/t.json" "$work/seed.py" >"$work/out" 2>"$work/err"
st=$?
if [ $st = 2 ] && [ ! -s "$work/out" ] &&
   grep -q "can't write trace file '$work/no/such/dir/t.json': No such file or directory" "$work/err"; then
    echo "ok: unwritable trace path"
else
    echo "FAIL: unwritable trace path (status $st)"; cat "$work/out" "$work/err"; fail=1
fi

# A full disk: the run's output stands, the failed write is said, status 1.
if [ -w /dev/full ]; then
    $bin run --clock=virtual --trace=/dev/full "$work/seed.py" >"$work/out" 2>"$work/err"
    st=$?
    if [ $st = 1 ] && grep -q "func 2" "$work/out" &&
       grep -q "can't write trace file '/dev/full': No space left on device" "$work/err"; then
        echo "ok: full disk"
    else
        echo "FAIL: full disk (status $st)"; cat "$work/out" "$work/err"; fail=1
    fi
fi
exit $fail
