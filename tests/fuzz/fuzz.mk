# tests/fuzz/fuzz.mk: fuzz targets for everything that parses or runs
# untrusted text (HARDEN).
#
# Every build makes tests/fuzz/replay_{parse,vm,lesson}: the same harnesses
# with a small main (driver.c) that feeds them files, so `make check`
# replays the seed inputs and every kept crasher (tests/fuzz/regressions/)
# under whatever compiler and sanitizers the build uses.
#
# With ./configure CC=clang --enable-fuzzing the libFuzzer targets
# tests/fuzz/fuzz_{parse,vm,lesson} are built too, over their own copy of
# the engine and interpreter instrumented for coverage, ASan and UBSan
# (so a plain configure is all they need). Run them with tests/fuzz/run.sh.
# FUZZ_SAN can be set on make's command line for a faster build with UBSan
# only (see run.sh); keep an ASan build for a share of the executions.
FUZZ_PARSE_SRC = tests/fuzz/fuzz_parse.c
FUZZ_VM_SRC = tests/fuzz/fuzz_vm.c
FUZZ_LESSON_SRC = tests/fuzz/fuzz_lesson.c app/lesson.c app/lesson.h app/datadir.c app/datadir.h \
	app/prose.c app/prose.h app/ui_canvas.c app/ui_canvas.h app/theme.c app/theme.h app/utext.c app/utext.h
FUZZ_LESSON_CFLAGS = $(CJSON_CFLAGS) $(MD4C_CFLAGS)
FUZZ_LESSON_LIBS = $(CJSON_LIBS) $(MD4C_LIBS) -lm

check_PROGRAMS += tests/fuzz/replay_parse tests/fuzz/replay_vm tests/fuzz/replay_lesson
tests_fuzz_replay_parse_SOURCES = tests/fuzz/driver.c $(FUZZ_PARSE_SRC)
tests_fuzz_replay_parse_LDADD = $(LANG_LIBS)
tests_fuzz_replay_vm_SOURCES = tests/fuzz/driver.c $(FUZZ_VM_SRC)
tests_fuzz_replay_vm_LDADD = $(LANG_LIBS)
tests_fuzz_replay_lesson_SOURCES = tests/fuzz/driver.c $(FUZZ_LESSON_SRC)
tests_fuzz_replay_lesson_CFLAGS = $(AM_CFLAGS) $(FUZZ_LESSON_CFLAGS)
tests_fuzz_replay_lesson_LDADD = $(FUZZ_LESSON_LIBS)

TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/replay.sh tests/fuzz/run.sh tests/fuzz/seeds.sh \
	tests/fuzz/KNOWN.md tests/fuzz/lsan.supp tests/fuzz/regressions tests/fuzz/known \
	tests/fuzz/dict

if FUZZING
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g
FUZZ_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_LINK_FLAGS = -fsanitize=fuzzer $(FUZZ_SAN)

noinst_LIBRARIES += tests/fuzz/libfuzzlang.a
tests_fuzz_libfuzzlang_a_SOURCES = $(engine_lang_liblang_a_SOURCES) $(engine_libengine_a_SOURCES)
tests_fuzz_libfuzzlang_a_CFLAGS = $(FUZZ_CFLAGS)

noinst_PROGRAMS += tests/fuzz/fuzz_parse tests/fuzz/fuzz_vm tests/fuzz/fuzz_lesson
tests_fuzz_fuzz_parse_SOURCES = $(FUZZ_PARSE_SRC)
tests_fuzz_fuzz_parse_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_parse_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_parse_LDADD = tests/fuzz/libfuzzlang.a -lm
tests_fuzz_fuzz_vm_SOURCES = $(FUZZ_VM_SRC)
tests_fuzz_fuzz_vm_CFLAGS = $(FUZZ_CFLAGS)
tests_fuzz_fuzz_vm_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_vm_LDADD = tests/fuzz/libfuzzlang.a -lm
tests_fuzz_fuzz_lesson_SOURCES = $(FUZZ_LESSON_SRC)
tests_fuzz_fuzz_lesson_CFLAGS = $(FUZZ_CFLAGS) $(FUZZ_LESSON_CFLAGS)
tests_fuzz_fuzz_lesson_LDFLAGS = $(FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_lesson_LDADD = $(FUZZ_LESSON_LIBS)
endif
