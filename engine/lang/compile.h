/* compile: the AST of a lesson program (ast.h) to bytecode (code.h).
 *
 * Two passes: a symbol table pass decides for every name of every scope
 * whether it is a local, a cell (captured by an inner function), a free
 * variable (read from an enclosing function) or a global; then a code
 * generation pass walks the tree once per scope. Comprehensions and lambdas
 * are scopes of their own, as in CPython 3.11 (tracebacks show <listcomp>).
 *
 * Compile-time errors are SyntaxErrors reported in a ParseError (parse.h),
 * worded as CPython: "'return' outside function", "no binding for nonlocal
 * 'x' found", "'await' outside async function", "'break' outside loop".
 */
#ifndef AIO_LANG_COMPILE_H
#define AIO_LANG_COMPILE_H

#include "engine/lang/ast.h"
#include "engine/lang/code.h"
#include "engine/lang/parse.h"

/* A compile-time warning as python3 prints it on stderr, whole:
 * `FILE:LINE: SyntaxWarning: "is" with a literal. Did you mean "=="?`, a
 * newline, and the source line indented by two spaces (none for a
 * "<stdin>"-like name). Called in compile order, as CPython warns. */
typedef void (*CompileWarnFn)(void *host, const char *text, size_t len);

/* Compiles the module `ast`. Returns its Code (free with code_free) or NULL
 * with *err filled (PARSE_NO_MEMORY when the Mem refused). The Code borrows
 * ast->source for tracebacks: keep the Ast alive as long as the Code.
 * Warnings go to warn(host, ...) as they are found (warn may be NULL);
 * those found before a compile error are given too, as in CPython. */
Code *compile_module(Rt *rt, const Ast *ast, ParseError *err, CompileWarnFn warn, void *host);

#endif
