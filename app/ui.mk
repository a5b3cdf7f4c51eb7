# app/ui.mk: the terminal UI. Only app/ui_curses.c includes curses; the
# rest is plain C that the unit tests link without a terminal.
UI_MODEL_SOURCES = \
	app/theme.c app/theme.h \
	app/layout.c app/layout.h \
	app/tlmodel.c app/tlmodel.h \
	app/progress.c app/progress.h \
	app/prose.c app/prose.h \
	app/ui_canvas.c app/ui_canvas.h

# ui_run_none.c stands in for ui_run.c until engine/lang has the
# interpreter (interp_new and friends) to link against.
UI_RUN_SOURCES = app/ui_run_none.c app/ui_run.h
# Likewise ui_code_plain.c for ui_code_lex.c until the lexer is in liblang.
UI_CODE_HL = app/ui_code_plain.c

app_aiotutor_SOURCES += app/tutor.c \
	$(UI_MODEL_SOURCES) $(UI_RUN_SOURCES) \
	app/ui.c app/ui.h app/ui_code.c app/ui_code.h $(UI_CODE_HL) \
	app/ui_curses.c app/ui_curses.h
EXTRA_DIST += app/ui_run.c app/ui_code_lex.c
