# app/ui.mk: the terminal UI. Only app/ui_curses.c includes curses; the
# rest is plain C that the unit tests link without a terminal.
UI_MODEL_SOURCES = \
	app/theme.c app/theme.h \
	app/layout.c app/layout.h \
	app/tlmodel.c app/tlmodel.h \
	app/progress.c app/progress.h \
	app/prose.c app/prose.h \
	app/ui_canvas.c app/ui_canvas.h

app_aiotutor_SOURCES += app/tutor.c \
	$(UI_MODEL_SOURCES) app/ui_run.c app/ui_run.h \
	app/ui.c app/ui.h app/ui_code.c app/ui_code.h app/ui_code_lex.c \
	app/ui_curses.c app/ui_curses.h

# Unit tests: the plain-C parts, no terminal needed.
UI_TEST_LIBS = $(CHECK_LIBS) -lm
check_PROGRAMS += tests/unit/check_tlmodel tests/unit/check_layout \
	tests/unit/check_progress tests/unit/check_prose
# check_tlmodel also runs a program through ui_run, the adapter from the
# engine's trace, so it links the interpreter.
tests_unit_check_tlmodel_SOURCES = tests/unit/check_tlmodel.c app/tlmodel.c app/tlmodel.h \
	app/ui_run.c app/ui_run.h app/utext.c app/utext.h
tests_unit_check_tlmodel_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_tlmodel_LDADD = $(LANG_LIBS) $(UI_TEST_LIBS)
tests_unit_check_layout_SOURCES = tests/unit/check_layout.c app/layout.c app/layout.h
tests_unit_check_layout_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_layout_LDADD = $(UI_TEST_LIBS)
tests_unit_check_progress_SOURCES = tests/unit/check_progress.c app/progress.c app/progress.h
tests_unit_check_progress_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_progress_LDADD = $(UI_TEST_LIBS)
tests_unit_check_prose_SOURCES = tests/unit/check_prose.c app/prose.c app/prose.h \
	app/ui_canvas.c app/ui_canvas.h app/theme.c app/theme.h app/utext.c app/utext.h
tests_unit_check_prose_CFLAGS = $(UNIT_CFLAGS) $(MD4C_CFLAGS)
tests_unit_check_prose_LDADD = $(MD4C_LIBS) $(UI_TEST_LIBS)
TESTS += tests/unit/check_tlmodel tests/unit/check_layout \
	tests/unit/check_progress tests/unit/check_prose

# End-to-end: the real binary driven in tmux (fails without tmux).
TESTS += tests/e2e/tutor.sh tests/e2e/demo.sh tests/e2e/course.sh tests/e2e/mouse.py
EXTRA_DIST += tests/e2e/lsan.supp tests/e2e/lib.sh tests/e2e/tutor.sh tests/e2e/demo.sh tests/e2e/course.sh tests/e2e/measure.sh tests/e2e/mouse.py \
	tests/e2e/fixtures

# Theme files (--theme NAME finds NAME.theme here, installed or in the
# source tree); the built-in ones are tables in app/theme.c.
themedir = $(pkgdatadir)/themes
dist_theme_DATA = assets/themes/solarized.theme assets/themes/amber.theme
