#!/bin/sh
# kinds.sh: `aiotutor check` on every check kind, each with a passing
# program (the fixture exercise's solution) and a failing one (its starter):
# exit 0 and 1. Then the details a student relies on: the message and the
# expected/got of a failure, robust re-runs naming the schedule that broke a
# program that passed by tie order only, hidden checks, the timeline hint,
# and exit 2 for an unknown exercise or an unreadable file.
srcdir=${srcdir:-.}
bin=./app/aiotutor
pack="$srcdir/tests/check/pack"
dir="$pack/01-checks"
out=check-kinds.out
fail=0

bad() { echo "FAIL: $*"; fail=1; }
has() { grep -q -- "$1" $out || { bad "$2: no \"$1\" in:"; cat $out; }; }
hasnt() { ! grep -q -- "$1" $out || { bad "$2: \"$1\" should not be in:"; cat $out; }; }

n=0
for pass in "$dir"/*-pass.py; do
    id=$(basename "$pass" -pass.py)
    $bin check --lessons="$pack" "$id" "$pass" >$out 2>&1
    rc=$?
    [ $rc -eq 0 ] || { bad "$id: the passing program exits $rc"; cat $out; }
    $bin check --lessons="$pack" "$id" "$dir/$id-fail.py" >$out 2>&1
    rc=$?
    [ $rc -eq 1 ] || { bad "$id: the failing program exits $rc"; cat $out; }
    has "FAIL" "$id"
    n=$((n + 1))
done
[ $n -ge 19 ] || bad "only $n fixture exercises found"

c() { $bin check --lessons="$pack" "$@" >$out 2>&1; }

c out-exact "$dir/out-exact-fail.py"
has 'line 1: expected "a", got "b"' out-exact
has 'Print a, then b.' out-exact
c out-lines "$dir/out-lines-fail.py"
has 'the line "z" is missing' out-lines
c time-at-most "$dir/time-at-most-fail.py"
has 'got:      2 s of virtual time' time-at-most
has 'Timeline of your run' time-at-most
c conc-min-waiting "$dir/conc-min-waiting-fail.py" --hints=1
has 'ran one after another: Task-3 started only when Task-2 finished' conc-min-waiting
has 'In the reference solution 3 tasks wait at the same moment' conc-min-waiting
c avoids-blocking "$dir/avoids-blocking-fail.py"
has 'blocking call inside an async def at line 5' avoids-blocking
c avoids-pending "$dir/avoids-pending-fail.py"
has 'Task-2 (tick)' avoids-pending
c no-exception "$dir/no-exception-fail.py"
has 'ValueError: invalid literal' no-exception
c no-warning "$dir/no-warning-fail.py"
has "RuntimeWarning: coroutine 'hello' was never awaited" no-warning

# Passes only by the order of equal deadlines: caught by the re-runs, which
# name the ordering; the normal run alone passes (--no-robust is not a
# thing, so look at the reason).
c robust-waiting "$dir/robust-waiting-fail.py"
has 'it held in the normal run but failed with equal deadlines broken in reverse order' robust-waiting
has 'Timeline of the re-run that failed' robust-waiting
c robust-output "$dir/robust-output-fail.py"
has 'failed with equal deadlines broken in' robust-output

# Hidden: scored, details only for the instructor.
c points-hidden "$dir/points-hidden-fail.py"
has "2 hidden check" points-hidden
hasnt "Timeline" points-hidden
has '3/6 points' points-hidden
hasnt 'Too slow' points-hidden
c points-hidden "$dir/points-hidden-fail.py" --instructor
has 'Too slow: run the jobs together.' points-hidden-instructor

# Exercise names: LESSON/ID and a lesson number with one exercise.
c checks/out-exact "$dir/out-exact-pass.py" || bad "LESSON/ID: exit $?"
c nope "$dir/out-exact-pass.py"
[ $? -eq 2 ] || bad "unknown exercise: exit is not 2"
has "no exercise 'nope'" unknown
c out-exact "$dir/does-not-exist.py"
[ $? -eq 2 ] || bad "unreadable file: exit is not 2"
c out-exact "$dir"
[ $? -eq 2 ] || bad "a directory as FILE: exit is not 2"
c --format=yaml out-exact "$dir/out-exact-pass.py"
[ $? -eq 2 ] || bad "unknown format: exit is not 2"
printf 'print("a")\nprint("b")\n' | $bin check --lessons="$pack" out-exact - >$out 2>&1 ||
    bad "FILE - (stdin): exit $?"

# A syntax error is the student's failure (1), reported as such.
printf 'print("a"\n' >check-kinds-syntax.py
c out-exact check-kinds-syntax.py
[ $? -eq 1 ] || bad "syntax error: exit is not 1"
has 'does not compile' syntax
rm -f check-kinds-syntax.py

for cmd in check workspace watch grade; do
    $bin $cmd --help >$out 2>&1 || bad "$cmd --help exits $?"
    has "Usage: aiotutor $cmd" "$cmd --help"
done
[ $fail -eq 0 ] && rm -f $out
exit $fail
