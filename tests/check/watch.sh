#!/bin/sh
# watch.sh: a student's round trip. `aiotutor workspace` writes the starter
# files (and never overwrites one); `aiotutor watch` checks the latest one at
# start, re-checks a file when it is saved, and answers the keys h (next
# hint), s (solution, once passed) and q (quit), here piped through a fifo.
srcdir=${srcdir:-.}
bin=./app/aiotutor
pack="$srcdir/tests/check/pack"
dir="$pack/01-checks"
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotutor-watch.XXXXXX") || exit 99
ws="$tmp/ws"
out=check-watch.out
trap 'rm -rf "$tmp"' EXIT

$bin workspace --lessons="$pack" "$ws" >$out 2>&1 || { echo "FAIL: workspace exits $?"; cat $out; fail=1; }
n=$(ls "$ws" | wc -l)
[ "$n" -ge 19 ] || { echo "FAIL: workspace wrote $n files"; fail=1; }
cmp -s "$ws/01-out-exact.py" "$dir/out-exact-fail.py" || { echo "FAIL: 01-out-exact.py is not the starter"; fail=1; }
echo '# my work' >"$ws/01-out-lines.py"
$bin workspace --lessons="$pack" "$ws" >$out 2>&1
grep -q "kept .*01-out-lines.py" $out || { echo "FAIL: no 'kept' line"; cat $out; fail=1; }
[ "$(cat "$ws/01-out-lines.py")" = "# my work" ] || { echo "FAIL: workspace overwrote a file"; fail=1; }

# watch: start on the most recent file, the edited 01-out-lines.py
touch "$ws/01-out-exact.py"
mkfifo "$tmp/keys"
$bin watch --lessons="$pack" "$ws" <"$tmp/keys" >$out 2>&1 &
pid=$!
exec 3>"$tmp/keys"
wait_for() { # text, seconds
    i=0
    while ! grep -q -- "$1" $out; do
        i=$((i + 1))
        if [ $i -gt $(($2 * 10)) ] || ! kill -0 $pid 2>/dev/null; then
            echo "FAIL: watch never printed \"$1\":"; cat $out; fail=1; return 1
        fi
        sleep 0.1
    done
}
wait_for "Exercise out-exact" 20 &&
    wait_for "FAILED" 20 &&
    printf s >&3 && wait_for "shown once your program passes" 10 &&
    cp "$dir/out-exact-pass.py" "$ws/01-out-exact.py.tmp" &&
    mv "$ws/01-out-exact.py.tmp" "$ws/01-out-exact.py" && # an editor's atomic save
    wait_for "All checks pass" 20 &&
    printf h >&3 && wait_for "Hint 1/2: Look at the check's message." 10 &&
    printf h >&3 && wait_for "Hint 2/2" 10 &&
    printf h >&3 && wait_for "No more hints" 10 &&
    printf s >&3 && wait_for "Reference solution" 10 &&
    printf c >&3 && wait_for "checks failed.*" 10 && {
        i=0
        while [ "$(grep -c '^PASSED' $out)" -lt 2 ] && [ $i -lt 100 ]; do
            i=$((i + 1)); sleep 0.1
        done
    }
printf q >&3
exec 3>&-
i=0
while kill -0 $pid 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: watch did not quit on q"; kill $pid; fail=1; break; }
    sleep 0.1
done
wait $pid
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: watch exits $rc"; fail=1; }
[ $(grep -c "PASSED" $out) -ge 2 ] || { echo "FAIL: c did not check again"; cat $out; fail=1; }
[ $fail -eq 0 ] && rm -f $out
exit $fail
