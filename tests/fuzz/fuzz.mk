# tests/fuzz/fuzz.mk: libFuzzer targets (./configure --enable-fuzzing CC=clang).
