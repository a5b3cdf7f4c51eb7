#!/bin/sh
# replay.sh: `make check` runs every fuzz target's harness (replay_*, built
# without libFuzzer) on the seed inputs and on every kept regression input
# (tests/fuzz/regressions/TARGET/). A crash, a sanitizer report or a
# harness abort (a leak under a Mem, a program that ignores an interrupt)
# fails the test.
set -u
srcdir=${srcdir:-.}
top=$(pwd)
# Known open leaks (tests/fuzz/KNOWN.md) are suppressed in sanitizer builds.
LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$srcdir" && pwd)/tests/fuzz/lsan.supp
export LSAN_OPTIONS
work=$(mktemp -d "${TMPDIR:-/tmp}/replay.XXXXXX")
trap 'rm -rf "$work"' EXIT
sh "$srcdir/tests/fuzz/seeds.sh" "$srcdir" "$work" || exit 99
status=0
for t in parse vm lesson; do
    n=$(ls "$work/$t" | wc -l)
    if "$top/tests/fuzz/replay_$t" "$work/$t" >"$work/$t.log" 2>&1; then
        echo "ok: replay_$t on $n inputs"
    else
        echo "FAIL: replay_$t on $n inputs"
        tail -n 40 "$work/$t.log"
        status=1
    fi
done
exit $status
