# engine/: the coroutine engine, a library with no curses and no cJSON.
noinst_LIBRARIES += engine/libengine.a
engine_libengine_a_SOURCES = \
	engine/mem.c engine/mem.h \
	engine/host.c engine/host.h engine/coro.h engine/internal.h \
	engine/loop.c engine/loop.h engine/future.c engine/future.h \
	engine/task.c engine/task.h engine/nco.c engine/nco.h \
	engine/trace.c engine/trace.h

# One Check suite per engine module (helpers in tests/unit/engine_test.h).
ENGINE_CHECKS = tests/unit/check_loop tests/unit/check_future tests/unit/check_task \
	tests/unit/check_nco tests/unit/check_trace
check_PROGRAMS += $(ENGINE_CHECKS)
TESTS += $(ENGINE_CHECKS)
EXTRA_DIST += tests/unit/engine_test.h
tests_unit_check_loop_SOURCES = tests/unit/check_loop.c tests/unit/engine_test.h
tests_unit_check_loop_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_loop_LDADD = $(UNIT_LIBS)
tests_unit_check_task_SOURCES = tests/unit/check_task.c tests/unit/engine_test.h
tests_unit_check_task_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_task_LDADD = $(UNIT_LIBS)
tests_unit_check_nco_SOURCES = tests/unit/check_nco.c tests/unit/engine_test.h
tests_unit_check_nco_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_nco_LDADD = $(UNIT_LIBS)
tests_unit_check_future_SOURCES = tests/unit/check_future.c tests/unit/engine_test.h
tests_unit_check_future_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_future_LDADD = $(UNIT_LIBS)
tests_unit_check_trace_SOURCES = tests/unit/check_trace.c tests/unit/engine_test.h
tests_unit_check_trace_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_trace_LDADD = $(UNIT_LIBS)

# The engine benchmark: built by `make check` (so it keeps compiling) but not
# run by it. Run: make tests/bench/bench_engine && tests/bench/bench_engine
check_PROGRAMS += tests/bench/bench_engine
tests_bench_bench_engine_SOURCES = tests/bench/bench_engine.c
tests_bench_bench_engine_LDADD = engine/libengine.a -lm
