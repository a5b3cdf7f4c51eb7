# tests/: Check unit tests, the differential corpus, tmux end-to-end tests,
# fuzz targets and benchmarks.
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
UNIT_LIBS = engine/libengine.a $(CHECK_LIBS) -lm

check_PROGRAMS += tests/unit/check_mem
tests_unit_check_mem_SOURCES = tests/unit/check_mem.c
tests_unit_check_mem_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_mem_LDADD = $(UNIT_LIBS)

TESTS += tests/unit/check_mem

# `aiotutor run --timeline`: lanes, names and glyphs as a student reads them.
TESTS += tests/timeline.sh
EXTRA_DIST += tests/timeline.sh tests/lib.sh
# `aiotutor run`'s limit options: each ends its program only when set tighter.
TESTS += tests/run-limits.sh
EXTRA_DIST += tests/run-limits.sh
# `aiotutor run --trace=FILE`: the Chrome trace file as Perfetto reads it.
TESTS += tests/trace.sh
EXTRA_DIST += tests/trace.sh
# Every command's stdout on a full disk or closed: a write error, exit 2.
TESTS += tests/output-errors.sh
EXTRA_DIST += tests/output-errors.sh

# Whole test folders are distributed (tests/check, tests/corpus, ...); a
# tree that ran `make check` in place holds the harness's .log and .trs
# files there, which must not reach the tarball: a VPATH build of it would
# take them for up-to-date results and never run those tests.
dist-hook:
	find $(distdir)/tests \( -name '*.log' -o -name '*.trs' \) -type f -exec rm -f {} +

# The language benchmarks against python3 (not run by make check; see
# tests/bench/RESULTS.md for how to run them), shipped in the tarball.
# cputime, their microsecond CPU timer, is built by make check.
check_PROGRAMS += tests/bench/cputime
tests_bench_cputime_SOURCES = tests/bench/cputime.c
EXTRA_DIST += tests/bench/bench.sh tests/bench/pertask.sh tests/bench/RESULTS.md \
	tests/bench/spawn.py tests/bench/switch.py tests/bench/timers.py tests/bench/fib.py \
	tests/bench/tree.py
