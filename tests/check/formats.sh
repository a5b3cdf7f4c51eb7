#!/bin/sh
# formats.sh: every output format of `aiotutor check` parses as what it
# claims to be, for a passing and a failing submission (with a hidden check
# and partial credit): json (Exercism v3) and gradescope with python3's
# json, junit with xml.etree, tap with its line grammar. Also when the file
# name is not UTF-8 and the program prints bytes that are not: every
# report, and grade's csv and json, must still be UTF-8 (U+FFFD instead).
srcdir=${srcdir:-.}
bin=./app/aiotutor
pack="$srcdir/tests/check/pack"
dir="$pack/01-checks"
fail=0
command -v python3 >/dev/null || { echo "python3 is required"; exit 99; }

# valid FMT FILE PROG: FILE parses as FMT; PROG's name says pass or fail.
valid() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET
fmt, path, prog = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8").read()
passing = prog.endswith("-pass")
if fmt == "json":
    d = json.loads(text)
    assert d["version"] == 3, d
    # (a stray byte in a literal: "fail" today, "error" once refused as CPython does)
    assert d["status"] == ("pass" if passing else "fail") or prog == "bytes-fail", d["status"]
    assert d["tests"], "no tests"
    for t in d["tests"]:
        assert set(t) >= {"name", "status", "message", "test_code"}, t
        assert t["status"] in ("pass", "fail", "error")
        assert (t["message"] is None) == (t["status"] == "pass"), t
        if "hidden" in t["name"]:
            assert "Too slow" not in (t["message"] or ""), "hidden details leaked"
elif fmt == "gradescope":
    d = json.loads(text)
    assert isinstance(d["score"], (int, float)) and isinstance(d["tests"], list)
    assert sum(t["score"] for t in d["tests"]) == d["score"]
    for t in d["tests"]:
        assert t["status"] in ("passed", "failed") and t["visibility"] in ("visible", "hidden")
        assert t["score"] <= t["max_score"]
    if prog == "points-hidden-fail":
        assert d["score"] == 3 and d["max_score"] == 6, d
        assert [t["visibility"] for t in d["tests"]].count("hidden") == 1
elif fmt == "junit":
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    assert int(suites[0].get("tests")) == len(cases)
    assert int(suites[0].get("failures")) + int(suites[0].get("errors")) == len(failures)
    assert (len(failures) == 0) == passing
elif fmt == "tap":
    lines = text.splitlines()
    assert lines[0] == "TAP version 13", lines[0]
    m = re.fullmatch(r"1\.\.(\d+)", lines[1]); assert m, lines[1]
    planned, seen, i, bad = int(m.group(1)), 0, 2, 0
    while i < len(lines):
        l = lines[i]
        t = re.fullmatch(r"(ok|not ok) (\d+)( - [^#]*)?", l)
        if t:
            seen += 1
            assert int(t.group(2)) == seen, l
            bad += t.group(1) == "not ok"
        elif l == "  ---":
            i += 1
            while lines[i] != "  ...":
                assert re.fullmatch(r"  [a-z_]+: .*", lines[i]), lines[i]
                i += 1
        else:
            assert l.startswith("#"), "not TAP: " + l
        i += 1
    assert seen == planned, (seen, planned)
    assert (bad == 0) == passing
else:
    assert ("PASSED" in text) == passing
PY
}

for prog in points-hidden-pass points-hidden-fail out-exact-fail conc-min-waiting-fail; do
    id=${prog%-*}
    for fmt in json junit tap gradescope text; do
        f=check-formats.$prog.$fmt
        $bin check --lessons="$pack" --format=$fmt "$id" "$dir/$prog.py" >$f 2>check-formats.err
        rc=$?
        case $prog in *-pass) want=0 ;; *) want=1 ;; esac
        [ $rc -eq $want ] || { echo "FAIL: $prog --format=$fmt exits $rc"; cat check-formats.err; fail=1; }
        valid "$fmt" "$f" "$prog" || { echo "FAIL: $prog --format=$fmt is not valid:"; cat $f; fail=1; }
    done
done

# Not UTF-8: a file name in Latin-1 and a program printing a stray byte.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-formats.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
bad="$tmp/$(printf 'na\377ve')-fail.py"
{ printf 'print("caf\351 \377")\n'; cat "$dir/grade-me-fail.py"; } >"$bad"
for fmt in json junit tap gradescope; do
    f=check-formats.bytes.$fmt
    $bin check --lessons="$pack" --format=$fmt grade-me "$bad" >$f 2>check-formats.err
    valid "$fmt" "$f" "bytes-fail" ||
        { echo "FAIL: a non-UTF-8 name and output: --format=$fmt is not valid"; fail=1; }
done
cp "$dir/grade-me-pass.py" "$tmp/ok-pass.py"
$bin grade --lessons="$pack" --format=json grade-me "$tmp" >check-formats.grade.json 2>check-formats.err
$bin grade --lessons="$pack" --format=csv grade-me "$tmp" >check-formats.grade.csv 2>check-formats.err
python3 - check-formats.grade.json check-formats.grade.csv <<'PY' ||
import csv, json, sys
d = json.loads(open(sys.argv[1], encoding="utf-8").read())
assert "na\ufffdve-fail.py" in json.dumps(d, ensure_ascii=False), d
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
assert any(r[0].endswith("na\ufffdve-fail.py") for r in rows[1:]), rows
PY
    { echo "FAIL: grade's json or csv with a non-UTF-8 file name:"; cat check-formats.grade.*; fail=1; }
[ $fail -eq 0 ] && rm -f check-formats.*
exit $fail
