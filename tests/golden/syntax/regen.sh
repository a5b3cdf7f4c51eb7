#!/bin/sh
# Remake the *.err goldens: what python3 (CPython 3.11) prints for each bad
# program. python3 shows the script's absolute path in the File line; the
# goldens keep only its name, which is what the tests pass to the formatter.
cd "$(dirname "$0")" || exit 1
dir=$(pwd)
for f in *.py; do
    python3 "$f" 2>&1 >/dev/null | sed "s|\"$dir/|\"|" > "${f%.py}.err"
done
