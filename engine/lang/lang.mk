# engine/lang/: the lesson-language interpreter (lexer, parser, compiler, VM).
