# engine/: the coroutine engine, a library with no curses and no cJSON.
noinst_LIBRARIES += engine/libengine.a
engine_libengine_a_SOURCES = \
	engine/mem.c engine/mem.h \
	engine/loop.h
