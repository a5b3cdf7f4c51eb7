#!/bin/sh
# tests/corpus/run.sh: runs every corpus program through
# `aiotutor run --clock=virtual` and compares stdout, the exit status and the
# last non-empty line of stderr with CPython's (NNN-name.out/.code/.err).
# Programs named in PART2 wait for the rest of the asyncio module: they are
# expected failures (XFAIL), and an unexpected pass fails the run so that the
# list stays honest.
#
# Usage: run.sh [AIOTUTOR [DIR]]   (defaults: app/aiotutor from the build
# dir, the directory of this script). Exit 0 when everything is as expected.
here=$(cd "$(dirname "$0")" && pwd)
aio=${1:-${AIOTUTOR:-./app/aiotutor}}
dir=${2:-$here}
case $aio in /*) ;; *) aio=$(pwd)/$aio ;; esac
tmp=${TMPDIR:-/tmp}/aiocorpus.$$
mkdir -p "$tmp" || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0 xfail=0 xpass=0
failed=""
lastline() { grep -v '^[[:space:]]*$' "$1" | tail -n 1; }
for py in "$dir"/[0-9]*.py; do
    base=$(basename "$py" .py)
    want_code=$(cat "$dir/$base.code" 2>/dev/null || echo 0)
    # NNN-name.net.json: the simulated network's URLs (made with the oracle
    # fakes of tests/oracle-fakes, AIOTUTOR_NETWORK=NNN-name.net.json).
    net=; [ -f "$dir/$base.net.json" ] && net="--net=$base.net.json"
    ( cd "$dir" && "$aio" run --clock=virtual $net "$base.py" >"$tmp/out" 2>"$tmp/err" )
    code=$?
    ok=1
    cmp -s "$tmp/out" "$dir/$base.out" || ok=0
    [ "$code" = "$want_code" ] || ok=0
    [ "$(lastline "$tmp/err")" = "$(lastline "$dir/$base.err")" ] || ok=0
    part2=0
    grep -qx "$base" "$dir/PART2" 2>/dev/null && part2=1
    if [ $ok = 1 ] && [ $part2 = 0 ]; then
        pass=$((pass + 1)); echo "PASS: $base"
    elif [ $ok = 1 ]; then
        xpass=$((xpass + 1)); failed="$failed $base"
        echo "XPASS: $base (listed in PART2 but passes: remove it from the list)"
    elif [ $part2 = 1 ]; then
        xfail=$((xfail + 1)); echo "XFAIL: $base"
    else
        fail=$((fail + 1)); failed="$failed $base"
        echo "FAIL: $base (exit $code, want $want_code)"
        diff -u "$dir/$base.out" "$tmp/out" | head -n 30
        echo "--- last stderr line: want / got"
        lastline "$dir/$base.err"
        lastline "$tmp/err"
    fi
done
echo "corpus: $pass passed, $fail failed, $xfail expected failures (PART2), $xpass unexpected passes"
[ -n "$failed" ] && echo "not as expected:$failed"
[ $fail = 0 ] && [ $xpass = 0 ]
