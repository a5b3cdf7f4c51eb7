#!/bin/sh
# tests/bench/bench.sh: the language benchmarks under aiotutor and under
# python3 side by side: CPU time (user + system, so that a busy machine does
# not skew the ratio; wall time is in the last column), the ratio
# python3/aiotutor and the peak resident memory of each (tests/bench/cputime,
# or /usr/bin/time -v when that is not built).
# python3 runs through the oracle (a virtual clock) so that timers.py takes
# no real time there either. Not part of `make check`.
#
# Each program runs REPEAT times (default 3) under one interpreter, then
# REPEAT times under the other, and the lowest CPU time of each is kept: on
# this shared VM one run can cost twice another (preemption; and a program
# started right after another one freed 100-200 MB pays several times the
# system time for its fresh pages), and the minimum is the figure that
# repeats. Both interpreters get the same treatment.
#
# After the table, tests/bench/pertask.sh prints the bytes per sleeping task
# (peak RSS of 100k/200k tasks in asyncio.sleep against a one-line program).
#
# Usage: tests/bench/bench.sh [AIOTUTOR] [ORACLE]
#   AIOTUTOR defaults to app/aiotutor (run from a build directory),
#   ORACLE to ../shared/tools/oracle.py next to the source tree.
#   REPEAT=N in the environment sets the number of runs.
here=$(cd "$(dirname "$0")" && pwd)
aio=${1:-./app/aiotutor}
oracle=${2:-$here/../../../shared/tools/oracle.py}
repeat=${REPEAT:-3}
[ -x "$aio" ] || { echo "bench.sh: no aiotutor at $aio" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench.sh: python3 not found" >&2; exit 2; }
[ -f "$oracle" ] || oracle=""
tmp=${TMPDIR:-/tmp}/aiobench.$$
trap 'rm -f "$tmp"' EXIT INT TERM

# tests/bench/cputime (built by make check next to app/) reads the CPU time
# in microseconds; /usr/bin/time's steps of 10 ms are a quarter of spawn.py.
cputime=${CPUTIME:-$(dirname "$aio")/../tests/bench/cputime}

# measure CMD...: prints "CPU_SECONDS PEAK_KB WALL_SECONDS"
measure() {
    if [ -x "$cputime" ]; then
        "$cputime" "$@" 2>&1 >/dev/null | tail -n 1
        return
    fi
    /usr/bin/time -v "$@" >/dev/null 2>"$tmp"
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
                    for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
                /User time/ { u = $2 } /System time/ { y = $2 }
                /Maximum resident set size/ { m = $2 }
                END { printf "%.3f %d %.3f\n", u + y, m, w }' "$tmp"
}

# best OLD NEW: the line (of measure's) with the lower CPU time
best() {
    if [ -z "$1" ]; then echo "$2"; return; fi
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ");
                                     print (y[1] < x[1]) ? b : a }'
}

printf '%-7s %9s %9s %7s %11s %11s %13s\n' bench "aio cpu" "py cpu" ratio "aio peak" "py peak" "wall aio/py"
for b in spawn switch timers fib tree; do
    abest="" pbest=""
    i=0
    while [ "$i" -lt "$repeat" ]; do
        abest=$(best "$abest" "$(measure "$aio" run --clock=virtual "$here/$b.py")")
        i=$((i + 1))
    done
    i=0
    while [ "$i" -lt "$repeat" ]; do
        if [ -n "$oracle" ]; then
            pbest=$(best "$pbest" "$(measure python3 "$oracle" "$here/$b.py")")
        else
            pbest=$(best "$pbest" "$(measure python3 "$here/$b.py")")
        fi
        i=$((i + 1))
    done
    set -- $abest
    at=$1 am=$2 aw=$3
    set -- $pbest
    pt=$1 pm=$2 pw=$3
    ratio=$(awk -v a="$at" -v p="$pt" 'BEGIN { if (a > 0) printf "%.1fx", p / a; else print "inf" }')
    printf '%-7s %8.3fs %8.3fs %7s %9dkB %9dkB %.3f/%-.3f\n' "$b" "$at" "$pt" "$ratio" "$am" "$pm" "$aw" "$pw"
done

REPEAT=$repeat sh "$here/pertask.sh" "$aio"
