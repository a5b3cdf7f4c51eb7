#!/bin/sh
# oracle-lessons.sh: every output and time the built-in course states is
# what CPython 3.11 prints for the same code under the virtual clock
# (tests/oracle-fakes/check_lessons.py, with shared/tools/oracle.py).
# Skipped (77) when python3 3.11 or the oracle is not on this machine.
srcdir=${srcdir:-.}
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
"$PYTHON3" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
    { echo "SKIP: the oracle needs CPython 3.11"; exit 77; }
PYTHONDONTWRITEBYTECODE=1 exec "$PYTHON3" -B "$srcdir/tests/oracle-fakes/check_lessons.py" "$srcdir/lessons"
