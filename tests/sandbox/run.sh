#!/bin/sh
# run.sh: the sandbox programs (tests/sandbox/*.py) through tests/hostile/run.sh:
# each tries to reach files, processes, the environment or the interpreter's
# insides, and must be refused with a clear error.
srcdir=${srcdir:-.}
exec sh "$srcdir/tests/hostile/run.sh" "$srcdir/tests/sandbox"
