# app/run.mk: the batch commands (run, ...).
