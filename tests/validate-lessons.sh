#!/bin/sh
# validate-lessons.sh: `aiotutor validate` as an instructor runs it.
# - The built-in course's files must be clean (validate --no-run), and each
#   lesson must run on aiotutor's interpreter exactly as it states (outputs,
#   times, answers, exercise solutions and starters), except a lesson listed
#   in NEEDS_PART2 (named in the log).
# - The broken packs of tests/lessons-bad give exit 1 and each problem at
#   its file, line and column; a DIR that does not exist is exit 2.
# - Files that are not what a lesson names (huge, a FIFO, a folder) are
#   errors too, and never hang or crash validate.
srcdir=${srcdir:-.}
bin=./app/aiotutor
out=validate-lessons.out
fail=0

# Lessons whose programs need what the interpreter does not have yet (none
# since the language's part 2 landed: requests/aiohttp, wait_for, timeout,
# Semaphore, Queue, TaskGroup).
NEEDS_PART2=""

if ! $bin validate --no-run "$srcdir/lessons" >$out 2>&1; then
    echo "FAIL: the built-in course's files do not validate:"; cat $out; fail=1
fi
for dir in "$srcdir"/lessons/[0-9]*/; do
    name=$(basename "$dir")
    case " $NEEDS_PART2 " in
    *" $name "*)
        echo "NOT RUN: $name (its programs need the lesson language's part 2)"
        continue ;;
    esac
    if ! $bin validate "$dir" >$out 2>&1; then
        echo "FAIL: lesson $name does not run as it states:"; cat $out; fail=1
    fi
done

# The summary line counts in words: "1 exercise", not "1 exercises".
$bin validate "$srcdir/tests/lessons-bad/01-good" >$out 2>&1
want='01-good: 1 lesson loaded (5 pages: 1 demo, 1 question, 1 exercise); 0 errors, 0 warnings'
if ! grep -qF -- "$want" $out; then
    echo "FAIL: validate's summary is not: $want"; cat $out; fail=1
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
    '07-bad-check/lesson.json:10:31: error: "at_mots" is not an op' \
    '08-wrong-output/lesson.json:7:30: error: demo.py prints something else than the demo states (line 2: got nothing more, the lesson says "world")' \
    '08-wrong-output/lesson.json:7:30: error: demo.py takes 1 s of virtual time, the demo says 2 s' \
    '08-wrong-output/lesson.json:8:77: error: demo.py takes 1 s of virtual time, the question.s answer says 3 s' \
    "09-syntax-error/broken.py:3:17: error: SyntaxError: expected ':'" \
    '10-lazy-starter/lesson.json:7:71: error: the starter demo.py passes every check' \
    '11-note-step/lesson.json:7:37: error: a note is attached to step 99, but demo.py has only'; do
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

# Files no instructor means to give, made here (a tarball cannot hold a
# FIFO): a 20 MiB intro.md (a log named by mistake: read whole, an 8 GiB
# one aborted the tutor), a lesson.json that is a FIFO (validate and the
# tutor waited forever for a writer), a demo.py that is a folder (it said
# "no such file"), a course.json that is a folder (silently ignored). Each
# is an error at its file, line and column; the good lesson still loads.
odd=$(mktemp -d "${TMPDIR:-/tmp}/validate-odd.XXXXXX") || exit 99
good="$srcdir/tests/lessons-bad/01-good"
cp -R "$good" "$odd/01-big" && chmod -R u+w "$odd/01-big"
rm "$odd/01-big/intro.md" && truncate -s 20M "$odd/01-big/intro.md"
mkdir "$odd/02-fifo" && mkfifo "$odd/02-fifo/lesson.json"
cp -R "$good" "$odd/03-dir" && chmod -R u+w "$odd/03-dir"
rm "$odd/03-dir/demo.py" && mkdir "$odd/03-dir/demo.py"
cp -R "$good" "$odd/04-good" && chmod -R u+w "$odd/04-good"
timeout 60 $bin validate --no-run "$odd" >$out 2>&1
st=$?
[ $st -eq 1 ] || { echo "FAIL: validate on odd files exited $st, expected 1"; fail=1; }
for want in \
    "01-big/lesson.json:7:[0-9]+: error: intro.md: cannot read it \(larger than 16 MiB" \
    '02-fifo/lesson.json: error: cannot read the lesson file \(not a regular file\)' \
    '03-dir/lesson.json:8:[0-9]+: error: demo.py: cannot read it \(Is a directory\)' \
    ': 1 lesson loaded'; do
    grep -Eq -- "$want" $out || { echo "FAIL: odd files: no line matching: $want"; fail=1; }
done
mkdir "$odd/course.json"
timeout 60 $bin validate --no-run "$odd" >$out 2>&1
grep -Eq -- '/course.json: error: cannot read course.json \(Is a directory\)' $out ||
    { echo "FAIL: a course.json that is a folder is not reported"; fail=1; }
[ $fail -eq 0 ] || cat $out
rm -rf "$odd"

rm -f $out
exit $fail
