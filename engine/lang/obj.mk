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
