# tests/hostile/hostile.mk: hostile programs.
