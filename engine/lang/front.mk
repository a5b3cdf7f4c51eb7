# engine/lang/front.mk: see lang.mk. The front end of the lesson language:
# lexer, AST (with its walk and dumper) and parser.
engine_lang_liblang_a_SOURCES += \
	engine/lang/lex.c engine/lang/lex.h \
	engine/lang/ast.c engine/lang/ast.h \
	engine/lang/parse.c engine/lang/parse.h

FRONT_TEST_LIBS = engine/lang/liblang.a engine/libengine.a $(CHECK_LIBS) -lm

check_PROGRAMS += tests/unit/check_lex tests/unit/check_parse
tests_unit_check_lex_SOURCES = tests/unit/check_lex.c
tests_unit_check_lex_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_lex_LDADD = $(FRONT_TEST_LIBS)
tests_unit_check_parse_SOURCES = tests/unit/check_parse.c
tests_unit_check_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_parse_LDADD = $(FRONT_TEST_LIBS)

TESTS += tests/unit/check_lex tests/unit/check_parse

# Goldens: trees from CPython's ast module (regen.sh, pydump) and the error
# blocks python3 prints for bad programs.
EXTRA_DIST += tests/golden/parse tests/golden/syntax
