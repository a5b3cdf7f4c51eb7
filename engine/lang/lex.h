/* lex: the lesson language's tokenizer, and token spans for highlighting.
 *
 * Two users:
 *   - the parser (parse.c) tokenizes a whole program with lex_tokenize():
 *     Python 3 tokens with NEWLINE, INDENT and DEDENT by Python's rules
 *     (tabs to the next multiple of 8, inconsistent mixing is a TabError),
 *     implicit joining inside brackets, backslash continuation. Strings are
 *     one token each, prefix and quotes included, undecoded (the parser
 *     decodes escapes and f-strings). Errors come back as a LexError worded
 *     as CPython 3.11's tokenizer words them.
 *   - the terminal UI highlights code with lex_spans(), which never fails
 *     on incomplete or broken code.
 *
 * Columns are 0-based byte offsets in the line; lines are 1-based.
 */
#ifndef AIO_LANG_LEX_H
#define AIO_LANG_LEX_H

#include <stddef.h>

#include "engine/mem.h"

/* X(ENUM, text). Keywords first (text is the keyword), then operators. */
#define LEX_KEYWORDS(X)                                                        \
    X(LEX_FALSE, "False") X(LEX_NONE, "None") X(LEX_TRUE, "True")              \
    X(LEX_AND, "and") X(LEX_AS, "as") X(LEX_ASSERT, "assert")                  \
    X(LEX_ASYNC, "async") X(LEX_AWAIT, "await") X(LEX_BREAK, "break")          \
    X(LEX_CLASS, "class") X(LEX_CONTINUE, "continue") X(LEX_DEF, "def")        \
    X(LEX_DEL, "del") X(LEX_ELIF, "elif") X(LEX_ELSE, "else")                  \
    X(LEX_EXCEPT, "except") X(LEX_FINALLY, "finally") X(LEX_FOR, "for")        \
    X(LEX_FROM, "from") X(LEX_GLOBAL, "global") X(LEX_IF, "if")                \
    X(LEX_IMPORT, "import") X(LEX_IN, "in") X(LEX_IS, "is")                    \
    X(LEX_LAMBDA, "lambda") X(LEX_NONLOCAL, "nonlocal") X(LEX_NOT, "not")      \
    X(LEX_OR, "or") X(LEX_PASS, "pass") X(LEX_RAISE, "raise")                  \
    X(LEX_RETURN, "return") X(LEX_TRY, "try") X(LEX_WHILE, "while")            \
    X(LEX_WITH, "with") X(LEX_YIELD, "yield")

/* Longest first within a common prefix is handled by the scanner, not by
 * this order. */
#define LEX_OPERATORS(X)                                                       \
    X(LEX_LPAR, "(") X(LEX_RPAR, ")") X(LEX_LSQB, "[") X(LEX_RSQB, "]")        \
    X(LEX_LBRACE, "{") X(LEX_RBRACE, "}") X(LEX_COMMA, ",")                    \
    X(LEX_COLON, ":") X(LEX_DOT, ".") X(LEX_SEMI, ";") X(LEX_AT, "@")          \
    X(LEX_EQUAL, "=") X(LEX_ARROW, "->") X(LEX_COLONEQUAL, ":=")               \
    X(LEX_ELLIPSIS, "...") X(LEX_PLUS, "+") X(LEX_MINUS, "-")                  \
    X(LEX_STAR, "*") X(LEX_SLASH, "/") X(LEX_DSLASH, "//")                     \
    X(LEX_PERCENT, "%") X(LEX_DSTAR, "**") X(LEX_LSHIFT, "<<")                 \
    X(LEX_RSHIFT, ">>") X(LEX_AMPER, "&") X(LEX_VBAR, "|")                     \
    X(LEX_CIRCUMFLEX, "^") X(LEX_TILDE, "~") X(LEX_LESS, "<")                  \
    X(LEX_GREATER, ">") X(LEX_LESSEQ, "<=") X(LEX_GREATEREQ, ">=")             \
    X(LEX_EQEQUAL, "==") X(LEX_NOTEQUAL, "!=") X(LEX_EXCLAMATION, "!")         \
    X(LEX_PLUSEQ, "+=") X(LEX_MINUSEQ, "-=") X(LEX_STAREQ, "*=")               \
    X(LEX_SLASHEQ, "/=") X(LEX_DSLASHEQ, "//=") X(LEX_PERCENTEQ, "%=")         \
    X(LEX_DSTAREQ, "**=") X(LEX_ATEQ, "@=") X(LEX_AMPEREQ, "&=")               \
    X(LEX_VBAREQ, "|=") X(LEX_CIRCUMFLEXEQ, "^=") X(LEX_LSHIFTEQ, "<<=")       \
    X(LEX_RSHIFTEQ, ">>=")

typedef enum LexKind {
    LEX_EOF,      /* ENDMARKER */
    LEX_NEWLINE,  /* end of a logical line */
    LEX_INDENT,
    LEX_DEDENT,
    LEX_NAME,     /* identifier (soft keywords like match are names) */
    LEX_NUMBER,   /* int or float literal text, e.g. 1_000, 0x1f, 1.5e3 */
    LEX_STRING,   /* one string literal with prefix and quotes: f'{x}' */
    LEX_COMMENT,  /* only from lex_spans() */
    LEX_ERROR,    /* only from lex_spans(): a byte that starts no token */
#define LEX_X_ENUM(e, s) e,
    LEX_KEYWORDS(LEX_X_ENUM) LEX_OPERATORS(LEX_X_ENUM)
#undef LEX_X_ENUM
    LEX_KIND_COUNT
} LexKind;

typedef struct LexToken {
    LexKind kind;
    int line, col;         /* start */
    int end_line, end_col; /* just past the end */
    size_t start, len;     /* byte range in the source */
} LexToken;

typedef enum LexErrorKind {
    LEX_OK = 0,
    LEX_ERR_SYNTAX,      /* SyntaxError */
    LEX_ERR_INDENT,      /* IndentationError */
    LEX_ERR_TAB,         /* TabError */
    LEX_ERR_UNCLOSED,    /* end of file inside brackets: a SyntaxError
                            "'(' was never closed", which the parser reports
                            only when its own error comes after the bracket's
                            line (CPython's rule) */
    LEX_ERR_NOMEM
} LexErrorKind;

/* end_col values other than a column: CPython's end_offset is the same as
 * its offset, -1, or 0 (each error has its own, and the caret line shows
 * the difference). */
enum { LEX_END_SAME = -2, LEX_END_M1 = -1, LEX_END_ZERO = -3 };

/* A tokenizer error. col is a 0-based BYTE column (the caret goes under
 * it); end_col an exclusive 0-based byte column or a LEX_END_ value. The
 * parser converts them to CPython's 1-based character offsets. */
typedef struct LexError {
    LexErrorKind kind;
    char msg[160];
    int line, col;
    int end_line, end_col;
    int text_nl; /* CPython's `text` keeps the line's newline (errors it
                    raises from the parser) or not (from the tokenizer) */
} LexError;

/* Tokenize src[0..len). On success returns an array of *ntokens tokens,
 * allocated through m (free with lex_tokens_free), ending with LEX_EOF.
 * On a tokenizer error returns the tokens read before the error, still
 * ending with LEX_EOF, and fills *err (err->kind LEX_OK otherwise): the
 * parser decides whose error wins, as CPython does. NULL only when out of
 * memory (err->kind LEX_ERR_NOMEM). */
LexToken *lex_tokenize(Mem *m, const char *src, size_t len, size_t *ntokens,
                       LexError *err);
void lex_tokens_free(Mem *m, LexToken *toks, size_t ntokens);

const char *lex_kind_name(LexKind k); /* "NAME", "if", "+=" */

/* ---- Highlighting ----------------------------------------------------- */

typedef enum LexSpanKind {
    LEX_SPAN_KEYWORD,  /* if, async, await, True, None, ... */
    LEX_SPAN_BUILTIN,  /* print, len, range, ... and exception names */
    LEX_SPAN_NAME,     /* other identifiers */
    LEX_SPAN_DEFNAME,  /* the name right after def */
    LEX_SPAN_NUMBER,
    LEX_SPAN_STRING,   /* whole literal, prefix and quotes too; an
                          unterminated one runs to the end of its line (or
                          of the text, if triple-quoted) */
    LEX_SPAN_COMMENT,
    LEX_SPAN_OPERATOR, /* operators and brackets */
    LEX_SPAN_ERROR     /* a byte that starts no token */
} LexSpanKind;

/* A span never crosses a line: a triple-quoted string over three lines
 * is three spans. col and len are in bytes. */
typedef struct LexSpan {
    int line, col, len;
    LexSpanKind kind;
} LexSpan;

/* Spans of src in order, allocated through m (*nspans of them; free with
 * mem_free(m, p, *nspans * sizeof *p), NULL with *nspans 0 when there
 * are none or memory ran out). Whitespace gets no span. Never fails on
 * bad input. */
LexSpan *lex_spans(Mem *m, const char *src, size_t len, size_t *nspans);

/* Is s (n bytes) a name the highlighter calls a builtin? */
int lex_is_builtin(const char *s, size_t n);

#endif
