# app/check.mk: exercise checking (check, workspace, watch, grade).
