# app/check.mk: exercise checking (check, workspace, watch, grade).
app_aiotutor_SOURCES += app/check.c app/check.h app/check_fmt.c \
	app/cmd_check.c app/cmd_workspace.c app/cmd_watch.c app/cmd_grade.c
