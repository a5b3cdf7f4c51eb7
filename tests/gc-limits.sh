#!/bin/sh
# gc-limits.sh: the corpus programs that make reference cycles in a loop
# (tests/corpus/3NN-gc-*.py) run again under `--memory-limit=16` (MB).
# Without the cycle collector each of them ends in MemoryError there (what
# it leaves behind grows with every iteration); with it, each prints
# CPython's output (its .out) and exits as CPython did, as in the corpus
# run without a limit.
srcdir=${srcdir:-.}
bin=${AIOTUTOR:-./app/aiotutor}
dir=$srcdir/tests/corpus
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
out=$(mktemp "${TMPDIR:-/tmp}/gc-limits.XXXXXX")
trap 'rm -f "$out" "$out.err"' EXIT
fail=0 n=0
for py in "$dir"/3[0-4][0-9]-gc-*.py; do
    [ -f "$py" ] || continue
    base=$(basename "$py" .py)
    n=$((n + 1))
    (cd "$dir" && "$bin" run --clock=virtual --memory-limit=16 "$base.py") >"$out" 2>"$out.err"
    got=$?
    want=$(cat "$dir/$base.code")
    if [ "$got" != "$want" ] || ! cmp -s "$out" "$dir/$base.out"; then
        echo "FAIL $base: exit status $got (want $want); stderr ends: $(tail -n 1 "$out.err")"
        diff "$dir/$base.out" "$out" | head -n 5
        fail=1
    else
        echo "ok $base"
    fi
done
[ "$n" -gt 0 ] || { echo "FAIL: no tests/corpus/3NN-gc-*.py found"; fail=1; }
exit $fail
