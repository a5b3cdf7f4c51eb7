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
# FUZZ_FLAGS adds libFuzzer flags (e.g. FUZZ_FLAGS=-entropic=0).
#
# The build decides the sanitizers: the default is ASan+UBSan (fuzz.mk's
# FUZZ_SAN); a second build dir made with
#     make FUZZ_SAN='-fsanitize=undefined -fno-sanitize-recover=undefined -g'
# runs about twice as many executions a second with UBSan only. Both
# builds can share one corpus (-c), so the ASan build re-runs what the fast
# one found. The line printed per target names the build's sanitizers.
# Open bugs listed in tests/fuzz/KNOWN.md and lsan.supp are suppressed in
# LeakSanitizer, as in make check, so a known leak does not restart the
# fuzzer every few seconds.
set -u
execs=10000000
secs=3600
jobs=1
croot=tests/fuzz/corpus
while getopts n:t:j:c: opt; do
    case $opt in
    n) execs=$OPTARG ;;
    t) secs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    c) croot=$OPTARG ;;
    *) echo "usage: $0 [-n EXECS] [-t SECONDS] [-j JOBS] [-c CORPUS_ROOT] [parse|vm|lesson]..." >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- parse vm lesson
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
mkdir -p tests/fuzz/artifacts
LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$srcdir/tests/fuzz/lsan.supp:print_suppressions=0
export LSAN_OPTIONS
status=0
for t in "$@"; do
    bin=tests/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "run.sh: $bin is not built (configure CC=clang --enable-fuzzing, then make $bin)" >&2
        exit 2
    fi
    corpus=$croot/$t
    if [ ! -d "$corpus" ]; then
        seeds=$(mktemp -d)
        sh "$here/seeds.sh" "$srcdir" "$seeds"
        mkdir -p "$corpus"
        cp "$seeds/$t"/* "$corpus"/
        rm -rf "$seeds"
    fi
    # The largest seeds are ~2 KB programs and ~10 KB lesson folders; a
    # longer input costs time and adds nothing the parser's own nesting
    # and length limits do not already cut short.
    case $t in
    lesson) dict=$here/dict/lesson.dict; maxlen=12288 ;;
    *) dict=$here/dict/python.dict; maxlen=4096 ;;
    esac
    if grep -q __asan_init "$bin"; then
        build="ASan+UBSan"
    elif grep -q __ubsan_handle "$bin"; then
        build="UBSan only"
    else
        build="no sanitizer"
    fi
    log=tests/fuzz/artifacts/$t.log
    before=$(ls tests/fuzz/artifacts | grep -c "^$t-" || true)
    # Fork mode: a crash is saved to artifacts/ and fuzzing goes on, so a
    # known open bug does not stop the run. Execution counts come from the
    # last status line ("#N ...").
    ASAN_OPTIONS=${ASAN_OPTIONS:-max_malloc_fill_size=0:detect_leaks=1} \
        nice -n 19 "$bin" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
        -runs="$execs" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -max_len="$maxlen" -dict="$dict" ${FUZZ_FLAGS:-} \
        -artifact_prefix=tests/fuzz/artifacts/"$t"- "$corpus" >"$log" 2>&1
    rc=$?
    ran=$(sed -n 's/^#\([0-9][0-9]*\):.*/\1/p' "$log" | tail -n 1)
    after=$(ls tests/fuzz/artifacts | grep -c "^$t-" || true)
    echo "fuzz_$t ($build): ${ran:-0} executions, $((after - before)) new crash/leak/timeout inputs, exit $rc (log: $log)"
    [ "$after" -eq "$before" ] || rc=1
    if [ "$rc" -ne 0 ]; then
        grep -E '(==ERROR|SUMMARY|runtime error|^fuzz_)' "$log" | sort | uniq -c | head -10
        status=1
    fi
done
exit $status
