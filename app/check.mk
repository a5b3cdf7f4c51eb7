# app/check.mk: exercise checking (check, workspace, watch, grade).
app_aiotutor_SOURCES += app/check.c app/check.h app/check_fmt.c \
	app/cmd_check.c app/cmd_workspace.c app/cmd_watch.c app/cmd_grade.c

# Every check kind passing and failing, the output formats parsed, a batch
# of hostile submissions graded, the workspace and watch round trip.
TESTS += tests/check/kinds.sh tests/check/formats.sh tests/check/grade.sh
EXTRA_DIST += tests/check
TESTS += tests/check/watch.sh tests/check/course.sh
# watch when its workspace goes away and comes back; a pack that does not load.
TESTS += tests/check/watch-gone.sh

# The checker's API without the command line.
check_PROGRAMS += tests/unit/check_checker
tests_unit_check_checker_SOURCES = tests/unit/check_checker.c app/check.c app/check.h \
	app/check_fmt.c app/lesson.c app/lesson.h app/textline.c app/textline.h app/utext.c app/utext.h \
	app/netcfg.c app/netcfg.h app/datadir.c app/datadir.h
tests_unit_check_checker_CFLAGS = $(UNIT_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_checker_LDADD = $(LANG_LIBS) $(CHECK_LIBS) $(CJSON_LIBS) -lm
TESTS += tests/unit/check_checker
