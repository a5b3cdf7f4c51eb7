# app/ui.mk: the terminal UI.
app_aiotutor_SOURCES += app/tutor.c
