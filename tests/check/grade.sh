#!/bin/sh
# grade.sh: `aiotutor grade` over a folder of submissions -- correct, wrong,
# a syntax error, an endless loop with no await, an endless loop of
# sleep(0) (no virtual time ever passes), a memory hog, an `import os` the
# sandbox refuses (the exception is its first problem) -- each in its own
# process with limits, in parallel: every one gets its verdict and the batch
# survives. Both table formats parse.
srcdir=${srcdir:-.}
bin=./app/aiotutor
pack="$srcdir/tests/check/pack"
subs="$srcdir/tests/check/grade"
fail=0
command -v python3 >/dev/null || { echo "python3 is required"; exit 99; }

$bin grade --lessons="$pack" --timeout=2 -j 3 grade-me "$subs" >check-grade.csv 2>check-grade.err
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: grade exits $rc"; cat check-grade.err; fail=1; }
grep -q "7 submissions, 1 passed, 6 failed" check-grade.err ||
    { echo "FAIL: summary:"; cat check-grade.err; fail=1; }
python3 - check-grade.csv <<'PY' || { echo "FAIL: csv:"; cat check-grade.csv; fail=1; }
import csv, os, sys
rows = {os.path.basename(r["submission"]): r for r in csv.DictReader(open(sys.argv[1]))}
want = {
    "correct.py": ("pass", "4"),
    "wrong.py": ("fail", "1"),
    "syntax-error.py": ("syntax-error", "0"),
    "endless-loop.py": ("timeout", "0"),
    "endless-await.py": ("timeout", "0"),
    "memory-hungry.py": ("memory", "0"),
    "import-os.py": ("fail", "2"),
}
assert set(rows) == set(want), sorted(rows)
for name, (verdict, score) in want.items():
    r = rows[name]
    assert (r["verdict"], r["score"], r["max_score"]) == (verdict, score, "4"), (name, r)
assert rows["wrong.py"]["first_problem"] == "Use asyncio.gather.", rows["wrong.py"]
assert "SyntaxError" in rows["syntax-error.py"]["first_problem"]
assert rows["import-os.py"]["ended"] == "exception", rows["import-os.py"]
assert rows["import-os.py"]["first_problem"] == "ModuleNotFoundError: No module named 'os'", rows["import-os.py"]
PY

# json, one job, and files named directly
$bin grade --lessons="$pack" --timeout=2 --format=json grade-me "$subs/correct.py" "$subs/wrong.py" \
    >check-grade.json 2>check-grade.err || { echo "FAIL: grade --format=json exits $?"; fail=1; }
python3 - check-grade.json <<'PY' || { echo "FAIL: json:"; cat check-grade.json; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exercise"] == "grade-me" and d["max_score"] == 4
assert [s["verdict"] for s in d["submissions"]] == ["pass", "fail"], d
assert d["summary"] == {"submissions": 2, "passed": 1, "mean_score": 2.5}, d["summary"]
assert all(len(s["checks"]) == 3 for s in d["submissions"])
PY

$bin grade --lessons="$pack" nope "$subs" >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: unknown exercise is not exit 2"; fail=1; }
[ $fail -eq 0 ] && rm -f check-grade.*
exit $fail
