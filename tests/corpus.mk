# tests/corpus.mk: the differential corpus (owned by VM). Every program of
# tests/corpus runs through `aiotutor run --clock=virtual`; stdout, the exit
# status and the last stderr line must match CPython's. PART2 lists the
# programs that wait for the rest of asyncio (expected failures).
TESTS += tests/corpus/run.sh
EXTRA_DIST += tests/corpus
