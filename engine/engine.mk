# engine/: the coroutine engine, a library with no curses and no cJSON.
noinst_LIBRARIES += engine/libengine.a
engine_libengine_a_SOURCES = \
	engine/mem.c engine/mem.h \
	engine/host.h engine/coro.h engine/loop.h engine/future.h \
	engine/task.h engine/nco.h engine/trace.h
