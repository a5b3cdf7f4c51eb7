# app/: the aiotutor executable.
bin_PROGRAMS += app/aiotutor
app_aiotutor_SOURCES = \
	app/main.c app/cli.h app/commands.c app/tutor.c
app_aiotutor_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS) $(CJSON_CFLAGS) $(MD4C_CFLAGS)
app_aiotutor_LDADD = engine/libengine.a $(NCURSES_LIBS) $(CJSON_LIBS) $(MD4C_LIBS) -lm
