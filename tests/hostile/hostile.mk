# tests/hostile/hostile.mk: hostile programs and the sandbox (HARDEN).
#
# tests/hostile/run.sh runs every tests/hostile/*.py through
# `app/aiotutor run --clock=virtual` under a wall-clock timeout and checks
# the exit status and last stderr line each program states in its header;
# tests/sandbox/run.sh does the same for tests/sandbox/*.py (files,
# processes, the environment and the interpreter's insides must be out of
# reach). Programs that fail today live in tests/hostile/known/ (listed in
# tests/fuzz/KNOWN.md) and are not run by `make check`:
#     tests/hostile/run.sh tests/hostile/known     (from the build dir)
TESTS += tests/hostile/run.sh tests/sandbox/run.sh tests/hostile/workspace-full.sh
# The folders whole: the programs, the runners and known/.
EXTRA_DIST += tests/hostile tests/sandbox

# Saving progress when the disk says no: a write error and a full disk keep
# the previous file and say why; an unwritable home is reported.
check_PROGRAMS += tests/unit/check_savefail
tests_unit_check_savefail_SOURCES = tests/unit/check_savefail.c app/progress.c app/progress.h
tests_unit_check_savefail_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_savefail_LDADD = $(CHECK_LIBS)
TESTS += tests/unit/check_savefail

# CI runs the unit tests under valgrind once (.ci/run); the runner:
EXTRA_DIST += tests/valgrind
