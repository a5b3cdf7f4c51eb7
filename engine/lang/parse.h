/* parse: lesson-language source text to an Ast (ast.h), or a SyntaxError.
 *
 * A recursive-descent parser with Python's full precedence. It never prints:
 * a failure comes back as a ParseError, worded as CPython 3.11 words it
 * (message, line, 1-based column offset, source line), and
 * parse_error_format() renders the block `python3 f.py` prints:
 *
 *     File "f.py", line 2
 *       if x
 *           ^
 *   SyntaxError: expected ':'
 *
 * Constructs outside the subset (language.md) are SyntaxErrors that name the
 * construct: "classes are not supported in the lesson language".
 * Imports of unknown modules are NOT syntax errors (the VM raises ImportError).
 * The errors CPython's compiler adds after parsing are reported too (only
 * when the whole file parsed, as CPython does): 'return' outside function,
 * 'break' outside loop, 'continue' not properly in loop, 'await' outside
 * function / async function, 'async with' outside async function, nonlocal
 * at module level, duplicate argument, keyword argument repeated.
 * The parser accepts any bytes: it never crashes, never loops, and bounds its
 * recursion ("too many nested parentheses").
 */
#ifndef AIO_LANG_PARSE_H
#define AIO_LANG_PARSE_H

#include <stddef.h>

#include "engine/lang/ast.h"
#include "engine/mem.h"

typedef enum ParseErrorKind {
    PARSE_OK = 0,
    PARSE_SYNTAX_ERROR,      /* SyntaxError */
    PARSE_INDENTATION_ERROR, /* IndentationError (a SyntaxError subclass) */
    PARSE_TAB_ERROR,         /* TabError (an IndentationError subclass) */
    PARSE_NO_MEMORY,         /* the Mem refused: the caller raises MemoryError */
    PARSE_RECURSION_ERROR    /* the compiler's nesting limit: RecursionError
                                (no line; msg is CPython's wording) */
} ParseErrorKind;

typedef struct ParseError {
    ParseErrorKind kind;
    char msg[256];    /* "expected ':'", without the "SyntaxError: " */
    int line;         /* 1-based; 0 when there is no line (empty source) */
    int col;          /* CPython's `offset`: 1-based, in characters (UTF-8
                         code points) of `text`; 0 = no caret */
    int end_line;     /* CPython's end_lineno/end_offset, or 0 */
    int end_col;
    char text[512];   /* the offending source line as CPython's `text`:
                         with its newline for errors CPython's parser
                         raises, without for its tokenizer's (truncated
                         if longer), "" when there is none.
                         parse_error_format() handles both. */
} ParseError;

/* Parse a whole program (a module). src need not be NUL-terminated and may
 * hold any bytes. filename is copied into the tree (for tracebacks).
 * On success returns the tree (free with ast_free) and sets err->kind to
 * PARSE_OK; on failure returns NULL and fills *err. err may not be NULL. */
Ast *parse_module(Mem *m, const char *src, size_t len, const char *filename,
                  ParseError *err);

/* The name CPython gives the error's class: "SyntaxError",
 * "IndentationError", "TabError" or "MemoryError". */
const char *parse_error_class(const ParseError *err);

/* Render the error exactly as CPython 3.11 prints an uncaught SyntaxError
 * (the lines after "Traceback" is absent for syntax errors):
 *   '  File "NAME", line N\n    <source line stripped of leading spaces>\n
 *    <spaces>^...\nSyntaxError: msg\n'
 * Writes at most cap bytes (always NUL-terminated when cap > 0) and returns
 * the length the full text needs, like snprintf. */
size_t parse_error_format(const ParseError *err, const char *filename,
                          char *buf, size_t cap);

/* The same, with the source the error came from: a line longer than
 * err->text holds is printed whole, as python3 prints it. */
size_t parse_error_format_src(const ParseError *err, const char *filename,
                              const char *src, size_t len, char *buf, size_t cap);

#endif
