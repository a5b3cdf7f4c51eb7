#!/bin/sh
# tests/valgrind/run.sh: runs every Check unit test of a build under
# valgrind's memcheck, once (CI does this after make check; issue 8). Any
# report fails: an invalid read or write, a use of an uninitialised value,
# or a definitely lost block (--errors-for-leak-kinds=definite; "still
# reachable" memory at exit is not a leak).
#
#   tests/valgrind/run.sh [-j JOBS] [TEST...]   (from the build directory;
#                                                default: tests/unit/check_*)
#
# Check forks a child per test by default; CK_FORK=no runs the tests in
# the process valgrind watches (valgrind follows fork() too, but a report
# in a forked Check child only fails that test, not the run). The checker's
# own forked child (check_run_isolated) is followed as well: its reports
# count like the parent's.
#
# No suppressions are needed today: the unit tests do not link ncurses or
# any other library that keeps memory at exit. If one is added later,
# put a suppression for that library's own blocks in a file here, with a
# comment saying why, and pass it with --suppressions.
set -u
jobs=1
while getopts j: opt; do
    case $opt in
    j) jobs=$OPTARG ;;
    *) echo "usage: $0 [-j JOBS] [TEST...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
command -v valgrind >/dev/null 2>&1 || { echo "valgrind/run.sh: valgrind is not installed" >&2; exit 2; }
srcdir=${srcdir:-.}
srcdir=$(cd "$srcdir" && pwd)
export srcdir
if [ $# -eq 0 ]; then
    for t in tests/unit/check_*; do
        case $t in *.*) continue ;; esac
        [ -x "$t" ] && set -- "$@" "$t"
    done
fi
[ $# -gt 0 ] || { echo "valgrind/run.sh: no unit tests built (make check first)" >&2; exit 2; }
logs=$(mktemp -d "${TMPDIR:-/tmp}/valgrind.XXXXXX")
trap 'rm -rf "$logs"' EXIT
# One test per line; xargs runs JOBS at a time and each writes its log and
# its exit status.
printf '%s\n' "$@" | CK_FORK=no xargs -P "$jobs" -I{} sh -c '
    t={}; log="$1/$(basename "$t")"
    start=$(date +%s)
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --track-origins=yes "$t" >"$log.out" 2>&1
    echo "$? $(( $(date +%s) - start ))" >"$log.rc"' sh "$logs"
fail=0
for t in "$@"; do
    name=$(basename "$t")
    rc=98 secs=0
    [ -f "$logs/$name.rc" ] && read -r rc secs <"$logs/$name.rc"
    if [ "$rc" -eq 0 ]; then
        echo "ok: $name under valgrind (${secs}s)"
    else
        fail=$((fail + 1))
        case $rc in
        99) why="valgrind reported errors" ;;
        *) why="exit status $rc" ;;
        esac
        echo "FAIL: $name under valgrind: $why"
        sed 's/^/    | /' "$logs/$name.out" | head -n 60
    fi
done
[ "$fail" -eq 0 ] || { echo "valgrind: $fail unit test program(s) failed"; exit 1; }
echo "valgrind: every unit test program is clean"
