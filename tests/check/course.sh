#!/bin/sh
# course.sh: every exercise of the built-in course through `aiotutor check`:
# its reference solution passes every check (robust re-runs included) and
# its starter fails at least one. (validate-lessons.sh judges output and
# time only; structure, concurrency and robust checks need the checker.)
srcdir=${srcdir:-.}
bin=./app/aiotutor
fail=0
command -v python3 >/dev/null || { echo "python3 is required"; exit 99; }
list=$(python3 - "$srcdir/lessons" <<'PY'
import glob, json, os, sys
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*", "lesson.json"))):
    d = os.path.dirname(f)
    for p in json.load(open(f))["pages"]:
        if p["kind"] == "exercise":
            print(p["id"], os.path.join(d, p["solution"]), os.path.join(d, p["starter"]))
PY
) || exit 99
n=0
echo "$list" | {
    while read -r id solution starter; do
        $bin check "$id" "$solution" >check-course.out 2>&1 ||
            { echo "FAIL: $id: the solution $solution does not pass:"; cat check-course.out; fail=1; }
        $bin check "$id" "$starter" >check-course.out 2>&1
        [ $? -eq 1 ] || { echo "FAIL: $id: the starter $starter does not fail"; cat check-course.out; fail=1; }
        n=$((n + 1))
    done
    echo "$n exercises checked"
    [ $n -gt 0 ] || fail=1
    [ $fail -eq 0 ] && rm -f check-course.out
    exit $fail
}
