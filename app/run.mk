# app/run.mk: the batch commands (run, ...).
app_aiotutor_SOURCES += app/cmd_run.c app/textline.c app/textline.h app/chrometrace.c app/chrometrace.h
app_aiotutor_SOURCES += app/netcfg.c app/netcfg.h

# The simulated network: --net tables (app/netcfg.c) and requests/aiohttp.
check_PROGRAMS += tests/unit/check_net
tests_unit_check_net_SOURCES = tests/unit/check_net.c app/netcfg.c app/netcfg.h app/lesson.c app/lesson.h \
	app/datadir.c app/datadir.h
tests_unit_check_net_CFLAGS = $(UNIT_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_net_LDADD = $(LANG_LIBS) $(CHECK_LIBS) $(CJSON_LIBS) -lm
TESTS += tests/unit/check_net
