#!/bin/sh
# watch-gone.sh: `aiotutor watch` when its workspace goes away and comes
# back (rm -rf and a fresh `aiotutor workspace`, a git checkout, a mv): it
# says so and checks the files again once the folder is back (it went on
# watching nothing, in silence). And the lesson pack it needs: one that
# does not load is an error at its file (watch and workspace said nothing,
# and workspace made an empty folder).
srcdir=${srcdir:-.}
bin=./app/aiotutor
pack="$srcdir/tests/check/pack"
dir="$pack/01-checks"
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aiotutor-watch-gone.XXXXXX") || exit 99
ws="$tmp/ws"
out="$tmp/out"
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT

mkdir "$ws"
cp "$dir/out-exact-fail.py" "$ws/01-out-exact.py"
mkfifo "$tmp/keys"
$bin watch --lessons="$pack" "$ws" <"$tmp/keys" >"$out" 2>&1 &
pid=$!
exec 3>"$tmp/keys"
# wait_for TEXT SECONDS [COUNT]: until TEXT is in the output COUNT times.
wait_for() {
    i=0
    while [ "$(grep -c -- "$1" "$out")" -lt "${3:-1}" ]; do
        i=$((i + 1))
        if [ $i -gt $(($2 * 10)) ] || ! kill -0 $pid 2>/dev/null; then
            echo "FAIL: watch never printed \"$1\" (${3:-1} times):"; sed 's/^/    | /' "$out"
            fail=1; return 1
        fi
        sleep 0.1
    done
    echo "ok: $1"
}
wait_for "^FAILED" 20 &&
    rm -rf "$ws" && wait_for "$ws was deleted or moved: waiting for it to come back" 10 &&
    mkdir "$ws" && cp "$dir/out-exact-pass.py" "$ws/01-out-exact.py" &&
    wait_for "$ws is back: watching it again" 10 &&
    wait_for "^PASSED" 20 &&
    cp "$dir/out-exact-fail.py" "$ws/01-out-exact.py" && # a save after the return is seen
    wait_for "^FAILED" 20 2 &&
    mv "$ws" "$tmp/elsewhere" && wait_for "$ws was deleted or moved" 10 2 &&
    mv "$tmp/elsewhere" "$ws" && wait_for "$ws is back" 10 2
printf q >&3
exec 3>&-
i=0
while kill -0 $pid 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "FAIL: watch did not quit on q"; fail=1; break; }
    sleep 0.1
done
wait $pid
rc=$?
pid=
[ $rc -eq 0 ] || { echo "FAIL: watch exits $rc"; fail=1; }

# A lesson pack that does not load: exit 2 and the first problem, at once.
for cmd in watch workspace; do
    target="$ws" # watch's: there; workspace's: must not be made
    [ $cmd = workspace ] && target="$tmp/ws-workspace"
    timeout 10 $bin $cmd --lessons="$tmp/no-pack" "$target" </dev/null >"$out" 2>&1
    rc=$?
    if [ $rc -ne 2 ]; then
        echo "FAIL: $cmd with a missing pack exits $rc"; fail=1
    elif ! grep -q "^aiotutor: $cmd: no lesson could be loaded from $tmp/no-pack: $tmp/no-pack: cannot open the lesson directory (No such file or directory)" "$out"; then
        echo "FAIL: $cmd with a missing pack does not say why:"; sed 's/^/    | /' "$out"; fail=1
    else
        echo "ok: $cmd with a missing pack: exit 2, the reason"
    fi
done
[ -e "$tmp/ws-workspace" ] && { echo "FAIL: workspace made a folder for a pack that did not load"; fail=1; }
# A pack with one broken lesson: a warning naming it, the rest still works.
cp -R "$srcdir/tests/lessons-bad" "$tmp/half" && chmod -R u+w "$tmp/half"
$bin workspace --lessons="$tmp/half" "$tmp/ws-half" >"$out" 2>&1
rc=$?
grep -q "^aiotutor: workspace: [0-9]* problem(s) in the lesson pack $tmp/half .*; first: $tmp/half/02-bad-json/lesson.json:8:3: " "$out" ||
    { echo "FAIL: workspace does not warn of the broken lessons:"; sed 's/^/    | /' "$out"; fail=1; }
[ -f "$tmp/ws-half/01-good-ex.py" ] ||
    { echo "FAIL: workspace did not write the good lesson's starter (exit $rc):"; ls "$tmp/ws-half"; fail=1; }
exit $fail
