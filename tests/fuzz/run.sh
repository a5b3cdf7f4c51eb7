#!/bin/sh
# run.sh: runs the libFuzzer targets of a build configured with
#   CC=clang ./configure --enable-fuzzing
# one at a time, at the lowest priority, each for N executions or T seconds,
# whichever comes first, and prints how many executions each ran.
#
#   tests/fuzz/run.sh [-n EXECS] [-t SECONDS] [-j JOBS] [TARGET...]
#
# Run it from the build directory. TARGET is parse, vm or lesson (default
# all three). The working corpus lives in tests/fuzz/corpus/TARGET (seeded
# from the source tree by seeds.sh on the first run, kept between runs);
# crashers, leaks and timeouts are written to tests/fuzz/artifacts/ and make
# the script exit 1 (fuzzing goes on past them: libFuzzer's fork mode).
# -j runs that many fuzzing processes per target (default 1).
set -u
execs=10000000
secs=3600
jobs=1
while getopts n:t:j: opt; do
    case $opt in
    n) execs=$OPTARG ;;
    t) secs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) echo "usage: $0 [-n EXECS] [-t SECONDS] [-j JOBS] [parse|vm|lesson]..." >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- parse vm lesson
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
mkdir -p tests/fuzz/artifacts
status=0
for t in "$@"; do
    bin=tests/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "run.sh: $bin is not built (configure CC=clang --enable-fuzzing, then make $bin)" >&2
        exit 2
    fi
    corpus=tests/fuzz/corpus/$t
    if [ ! -d "$corpus" ]; then
        seeds=$(mktemp -d)
        sh "$here/seeds.sh" "$srcdir" "$seeds"
        mkdir -p "$corpus"
        cp "$seeds/$t"/* "$corpus"/
        rm -rf "$seeds"
    fi
    case $t in
    lesson) dict=$here/dict/lesson.dict; maxlen=65536 ;;
    *) dict=$here/dict/python.dict; maxlen=8192 ;;
    esac
    log=tests/fuzz/artifacts/$t.log
    before=$(ls tests/fuzz/artifacts | grep -c "^$t-" || true)
    # Fork mode: a crash is saved to artifacts/ and fuzzing goes on, so a
    # known open bug does not stop the run. Execution counts come from the
    # last status line ("#N ...").
    ASAN_OPTIONS=${ASAN_OPTIONS:-max_malloc_fill_size=0:detect_leaks=1} \
        nice -n 19 "$bin" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        -runs="$execs" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -max_len="$maxlen" -dict="$dict" \
        -artifact_prefix=tests/fuzz/artifacts/"$t"- "$corpus" >"$log" 2>&1
    rc=$?
    ran=$(sed -n 's/^#\([0-9][0-9]*\):.*/\1/p' "$log" | tail -n 1)
    after=$(ls tests/fuzz/artifacts | grep -c "^$t-" || true)
    echo "fuzz_$t: ${ran:-0} executions, $((after - before)) new crash/leak/timeout inputs, exit $rc (log: $log)"
    [ "$after" -eq "$before" ] || rc=1
    if [ "$rc" -ne 0 ]; then
        grep -E '(==ERROR|SUMMARY|runtime error|^fuzz_)' "$log" | sort | uniq -c | head -10
        status=1
    fi
done
exit $status
