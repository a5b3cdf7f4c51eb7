# app/check.mk: exercise checking (check, workspace, watch, grade).
app_aiotutor_SOURCES += app/check.c app/check.h app/check_fmt.c \
	app/cmd_check.c app/cmd_workspace.c app/cmd_watch.c app/cmd_grade.c

# Every check kind passing and failing, the output formats parsed, a batch
# of hostile submissions graded, the workspace and watch round trip.
TESTS += tests/check/kinds.sh tests/check/formats.sh tests/check/grade.sh
EXTRA_DIST += tests/check
