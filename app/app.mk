# app/: the aiotutor executable. Areas add their sources in their own
# fragments: run.mk (run and the other batch commands), ui.mk (the terminal
# UI), course.mk (lesson loading and validate).
bin_PROGRAMS += app/aiotutor
app_aiotutor_SOURCES = \
	app/main.c app/cli.h app/commands.c app/datadir.c app/datadir.h \
	app/utext.c app/utext.h
app_aiotutor_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(CJSON_CFLAGS) $(MD4C_CFLAGS)
app_aiotutor_LDADD = $(LANG_LIBS) $(NCURSES_LIBS) $(CJSON_LIBS) $(MD4C_LIBS) -lm
