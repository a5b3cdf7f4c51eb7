# app/course.mk: lesson loading and validate.
app_aiotutor_SOURCES += app/lesson.c app/lesson.h app/cmd_validate.c

# The lesson model and loader, tested without a terminal or an interpreter.
check_PROGRAMS += tests/unit/check_lesson
tests_unit_check_lesson_SOURCES = tests/unit/check_lesson.c app/lesson.c app/lesson.h app/datadir.c app/datadir.h
tests_unit_check_lesson_CFLAGS = $(UNIT_CFLAGS) $(CJSON_CFLAGS)
tests_unit_check_lesson_LDADD = $(CHECK_LIBS) $(CJSON_LIBS) -lm

# `aiotutor validate` on the built-in course (must be clean) and on the
# broken packs (must report each problem).
TESTS += tests/unit/check_lesson tests/validate-lessons.sh

# The course against CPython: every stated output and time (skips without
# python3.11 and shared/tools/oracle.py).
TESTS += tests/oracle-lessons.sh
EXTRA_DIST += tests/validate-lessons.sh tests/oracle-lessons.sh tests/lessons-bad \
	tests/oracle-fakes/_net.py tests/oracle-fakes/aiohttp.py tests/oracle-fakes/requests.py \
	tests/oracle-fakes/sitecustomize.py tests/oracle-fakes/check_lessons.py
