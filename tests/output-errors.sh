#!/bin/sh
# output-errors.sh: standard output that cannot be written is an error.
# An autograder's `aiotutor check --format=junit > report.xml` or an
# instructor's `aiotutor grade ... > marks.csv` on a full disk (/dev/full
# here) or with stdout closed must not exit 0 -- or 1, "a check failed" --
# with a missing report: each command says "write error on standard
# output" and exits 2.
srcdir=${srcdir:-.}
. "$srcdir/tests/lib.sh" output-errors
pack="$srcdir/tests/check/pack"
[ -w /dev/full ] || { echo "FAIL: no /dev/full to write to"; exit 1; }

# full NAME STATUS-WITHOUT-THE-ERROR COMMAND...: with stdout on /dev/full
# and closed, exit status 2 and the message; with stdout a file, the
# command's own status (so the test sees the write error, not another).
full() {
    name=$1 ok=$2
    shift 2
    "$@" >"$work/out" 2>"$work/err"
    got=$?
    if [ "$got" -ne "$ok" ] || [ ! -s "$work/out" ]; then
        echo "FAIL: $name: exit $got with stdout a file (expected $ok and output)"
        fail=1
        return
    fi
    for how in full closed; do
        if [ $how = full ]; then
            "$@" >/dev/full 2>"$work/err"
        else
            "$@" >&- 2>"$work/err"
        fi
        got=$?
        if [ "$got" -ne 2 ]; then
            echo "FAIL: $name, stdout $how: exit $got, expected 2"
            fail=1
        elif ! grep -q '^aiotutor: write error on standard output' "$work/err"; then
            echo "FAIL: $name, stdout $how: no write error on stderr:"
            sed 's/^/    | /' "$work/err"
            fail=1
        else
            echo "ok: $name, stdout $how: exit 2, write error said"
        fi
    done
}

full "run" 0 "$bin" run --clock=virtual "$work/seed.py"
full "run --timeline" 0 "$bin" run --clock=virtual --timeline "$work/seed.py"
full "check --format=junit (passing)" 0 \
    "$bin" check --lessons="$pack" --format=junit grade-me "$pack/01-checks/grade-me-pass.py"
full "check --format=json (failing)" 1 \
    "$bin" check --lessons="$pack" --format=json grade-me "$pack/01-checks/grade-me-fail.py"
full "check (text)" 0 \
    "$bin" check --lessons="$pack" grade-me "$pack/01-checks/grade-me-pass.py"
full "grade" 0 "$bin" grade --lessons="$pack" grade-me "$pack/01-checks/grade-me-pass.py"
full "validate" 0 "$bin" validate --no-run "$srcdir/tests/lessons-bad/01-good"
full "--help" 0 "$bin" --help

# The full disk's reason is named when the last flush meets it.
"$bin" check --lessons="$pack" --format=junit grade-me "$pack/01-checks/grade-me-pass.py" \
    >/dev/full 2>"$work/err"
expect "$work/err" "a full disk is named as one" \
    '^aiotutor: write error on standard output: No space left on device$'
exit $fail
