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
TESTS += tests/hostile/run.sh tests/sandbox/run.sh
# The folders whole: the programs, the runners and known/.
EXTRA_DIST += tests/hostile tests/sandbox
