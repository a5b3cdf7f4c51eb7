#!/bin/sh
# validate-lessons.sh: `aiotutor validate` as an instructor runs it. The
# built-in course must be clean (exit 0); the broken packs of
# tests/lessons-bad must give exit 1 and one located problem each; a DIR that
# does not exist is a usage error (exit 2).
srcdir=${srcdir:-.}
bin=./app/aiotutor
out=validate-lessons.out
fail=0

if ! $bin validate "$srcdir/lessons" >$out 2>&1; then
    echo "FAIL: the built-in course does not validate:"; cat $out; fail=1
fi

$bin validate --quiet "$srcdir/tests/lessons-bad" >$out 2>&1
st=$?
if [ $st -ne 1 ]; then
    echo "FAIL: validate tests/lessons-bad exited $st, expected 1"; cat $out; fail=1
fi
for want in \
    '02-bad-json/lesson.json:8:3: error: a .,. before this closing bracket' \
    '03-missing-field/lesson.json:1:1: error: the lesson has no "title"' \
    '04-unknown-kind/lesson.json:7:14: error: unknown page kind "vidoe"' \
    '05-missing-py/lesson.json:8:14: error: nowhere.py: no such file' \
    '06-wrong-type/lesson.json:3:3: error: "title" in the lesson must be a string' \
    '07-bad-check/lesson.json:10:31: error: "at_mots" is not an op'; do
    if ! grep -q -- "$want" $out; then
        echo "FAIL: no line matching: $want"; fail=1
    fi
done
if grep -q '01-good' $out; then
    echo "FAIL: the good lesson of the broken pack was reported:"; grep 01-good $out; fail=1
fi
[ $fail -eq 0 ] || cat $out

$bin validate "$srcdir/no/such/dir" >/dev/null 2>&1
st=$?
if [ $st -ne 2 ]; then echo "FAIL: validate on a missing dir exited $st, expected 2"; fail=1; fi
$bin validate --bogus >/dev/null 2>&1
st=$?
if [ $st -ne 2 ]; then echo "FAIL: validate --bogus exited $st, expected 2"; fail=1; fi

rm -f $out
exit $fail
