#!/bin/sh
# tests/bench/bench.sh: the language benchmarks under aiotutor and under
# python3 side by side: CPU time (user + system, so that a busy machine does
# not skew the ratio; wall time is in the last column), the ratio
# python3/aiotutor and the peak resident memory of each (/usr/bin/time -v). python3 runs through the
# oracle (a virtual clock) so that timers.py takes no real time there either.
# Not part of `make check`.
#
# Usage: tests/bench/bench.sh [AIOTUTOR] [ORACLE]
#   AIOTUTOR defaults to app/aiotutor (run from a build directory),
#   ORACLE to ../shared/tools/oracle.py next to the source tree.
here=$(cd "$(dirname "$0")" && pwd)
aio=${1:-./app/aiotutor}
oracle=${2:-$here/../../../shared/tools/oracle.py}
[ -x "$aio" ] || { echo "bench.sh: no aiotutor at $aio" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench.sh: python3 not found" >&2; exit 2; }
[ -f "$oracle" ] || oracle=""
tmp=${TMPDIR:-/tmp}/aiobench.$$
trap 'rm -f "$tmp"' EXIT INT TERM

# measure CMD...: prints "CPU_SECONDS PEAK_KB WALL_SECONDS"
measure() {
    /usr/bin/time -v "$@" >/dev/null 2>"$tmp"
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
                    for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
                /User time/ { u = $2 } /System time/ { y = $2 }
                /Maximum resident set size/ { m = $2 }
                END { printf "%.3f %d %.3f\n", u + y, m, w }' "$tmp"
}

printf '%-7s %9s %9s %7s %11s %11s %13s\n' bench "aio cpu" "py cpu" ratio "aio peak" "py peak" "wall aio/py"
for b in spawn switch timers fib tree; do
    set -- $(measure "$aio" run --clock=virtual "$here/$b.py")
    at=$1 am=$2 aw=$3
    if [ -n "$oracle" ]; then
        set -- $(measure python3 "$oracle" "$here/$b.py")
    else
        set -- $(measure python3 "$here/$b.py")
    fi
    pt=$1 pm=$2 pw=$3
    ratio=$(awk -v a="$at" -v p="$pt" 'BEGIN { if (a > 0) printf "%.1fx", p / a; else print "inf" }')
    printf '%-7s %8ss %8ss %7s %9dkB %9dkB %6s/%-6s\n' "$b" "$at" "$pt" "$ratio" "$am" "$pm" "$aw" "$pw"
done
