# engine/lang/: the lesson-language interpreter, one library. Its parts keep
# their own fragments: front.mk (lexer, parser, AST), obj.mk (values and
# objects), vm.mk (compiler, VM, built-ins, modules).
noinst_LIBRARIES += engine/lang/liblang.a
engine_lang_liblang_a_SOURCES =
LANG_LIBS = engine/lang/liblang.a engine/libengine.a -lm
