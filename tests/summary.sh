#!/usr/bin/env bash
# Prints "N passed, M failed" from the automake test harness's .trs files
# under the build directory given (default: .), the line CI reads.
dir=${1:-.}
pass=$(grep -rh --include='*.trs' '^:test-result: PASS' "$dir" 2>/dev/null | wc -l)
fail=$(grep -rh --include='*.trs' -E '^:test-result: (FAIL|ERROR|XPASS)' "$dir" 2>/dev/null | wc -l)
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
