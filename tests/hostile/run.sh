#!/bin/sh
# run.sh: runs hostile lesson programs through the real binary and checks
# that each one ends on its own with a clear message and no crash.
#
#   run.sh [DIR|FILE.py]...   (default: the tests/hostile/ folder)
#
# Each program states what must happen in its first comment lines:
#   # expect-status: 1                      the exit status
#   # expect-stderr: MemoryError            stderr's last line, exactly
#   # expect-stderr-prefix: OverflowError:  ... or how it starts
#   # expect-stdout: done                   stdout's last line (optional)
#   # expect-stdout-not: root:              text stdout must not contain
#   # timeout: 120                          wall-clock seconds (default 60)
# The program runs as `aiotutor run --clock=virtual FILE` with stdout and
# stderr in files; a timeout, a signal (crash), a sanitizer report, or any
# difference from the stated status and lines fails it, and so does a file
# the program left in its folder (a private copy) (the sandbox has no file access). Under a sanitizer
# build the timeouts are four times longer.
set -u
srcdir=${srcdir:-.}
top=$(pwd)
bin=${AIOTUTOR:-$top/app/aiotutor}
[ -x "$bin" ] || { echo "run.sh: $bin is not built" >&2; exit 99; }
# Known open leaks (tests/fuzz/KNOWN.md) are suppressed in sanitizer builds.
LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$srcdir" && pwd)/tests/fuzz/lsan.supp:print_suppressions=0
export LSAN_OPTIONS
scale=1
grep -q __asan_init "$bin" 2>/dev/null && scale=4
[ $# -gt 0 ] || set -- "$srcdir/tests/hostile"
work=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
trap 'rm -rf "$work"' EXIT

field() { # FILE KEY: the value of "# KEY: value" among the first comment lines
    sed -n "1,12s/^# $2: //p" "$1" | head -n 1
}

pass=0
fail=0
check() {
    f=$1
    name=$(basename "$f" .py)
    want_status=$(field "$f" expect-status)
    want_err=$(field "$f" expect-stderr)
    want_prefix=$(field "$f" expect-stderr-prefix)
    want_out=$(field "$f" expect-stdout)
    not_out=$(field "$f" expect-stdout-not)
    limit=$(field "$f" timeout)
    limit=$(( ${limit:-60} * scale ))
    start=$(date +%s)
    # The program runs alone in a fresh folder, so any file it manages to
    # create shows, and the test harness's own logs (written next to the
    # programs by tests running in parallel) do not.
    rm -rf "$work/run" && mkdir "$work/run" && cp "$f" "$work/run/"
    ls -A "$work/run" >"$work/before"
    (cd "$work/run" && exec timeout -s KILL "$limit" "$bin" run --clock=virtual \
        "$(basename "$f")" >"$work/out" 2>"$work/err")
    rc=$?
    secs=$(( $(date +%s) - start ))
    ls -A "$work/run" >"$work/after"
    last_err=$(tail -n 1 "$work/err")
    last_out=$(tail -n 1 "$work/out")
    why=""
    if [ "$rc" -eq 137 ] || [ "$rc" -eq 124 ]; then
        why="did not end within ${limit}s"
    elif [ "$rc" -gt 128 ]; then
        why="killed by signal $((rc - 128))"
    elif grep -q -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$work/err"; then
        why="sanitizer report: $(grep -m1 -E 'ERROR|runtime error' "$work/err")"
    elif [ -n "$want_status" ] && [ "$rc" != "$want_status" ]; then
        why="exit status $rc, expected $want_status"
    elif [ -n "$want_err" ] && [ "$last_err" != "$want_err" ]; then
        why="stderr ends with '$last_err', expected '$want_err'"
    elif [ -n "$want_prefix" ] && case $last_err in "$want_prefix"*) false ;; *) true ;; esac; then
        why="stderr ends with '$last_err', expected it to start with '$want_prefix'"
    elif [ -n "$want_out" ] && [ "$last_out" != "$want_out" ]; then
        why="stdout ends with '$last_out', expected '$want_out'"
    elif [ -n "$not_out" ] && grep -q -F -e "$not_out" "$work/out"; then
        why="stdout contains '$not_out'"
    elif ! cmp -s "$work/before" "$work/after"; then
        why="the folder changed: $(diff "$work/before" "$work/after" | sed -n 's/^> //p' | head -n 3)"
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        echo "ok: $name (${secs}s): ${last_err:-$last_out}"
    else
        fail=$((fail + 1))
        echo "FAIL: $name (${secs}s): $why"
        tail -n 5 "$work/err" | sed 's/^/    | /'
    fi
}

for a in "$@"; do
    if [ -d "$a" ]; then
        for f in "$a"/*.py; do
            [ -f "$f" ] && check "$f"
        done
    else
        check "$a"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
