# engine/lang/obj.mk: values and objects of the lesson language (see lang.mk).
engine_lang_liblang_a_SOURCES += \
	engine/lang/value.h engine/lang/obj.h engine/lang/obj_impl.h \
	engine/lang/obj.c engine/lang/obj_num.c engine/lang/obj_str.c \
	engine/lang/obj_fmt.c engine/lang/obj_list.c engine/lang/obj_dict.c \
	engine/lang/obj_exc.c \
	engine/lang/gc.h engine/lang/gc.c

check_PROGRAMS += tests/unit/check_obj
tests_unit_check_obj_SOURCES = tests/unit/check_obj.c tests/unit/check_obj_tables.h
tests_unit_check_obj_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_obj_LDADD = $(LANG_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/check_obj
EXTRA_DIST += tests/unit/check_obj_gen.py

# The cycle collector: its unit tests, and the corpus's cycle programs
# (tests/corpus/3NN-gc-*.py) under a memory limit they only fit in when
# their cycles are collected.
check_PROGRAMS += tests/unit/check_gc
tests_unit_check_gc_SOURCES = tests/unit/check_gc.c
tests_unit_check_gc_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_gc_LDADD = $(LANG_LIBS) $(UNIT_LIBS)
TESTS += tests/unit/check_gc tests/gc-limits.sh
EXTRA_DIST += tests/gc-limits.sh
