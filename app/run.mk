# app/run.mk: the batch commands (run, ...).
app_aiotutor_SOURCES += app/cmd_run.c app/textline.c app/textline.h
app_aiotutor_SOURCES += app/netcfg.c app/netcfg.h
