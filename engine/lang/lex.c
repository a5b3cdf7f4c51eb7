/* lex: the tokenizer. See lex.h.
 *
 * Modelled on CPython's Parser/tokenizer.c (tok_get), which decides what is
 * an error and where: indentation is measured twice, with tabs to the next
 * multiple of 8 and with tabs as 1 column; the two must order the lines the
 * same way or the file mixes tabs and spaces inconsistently (TabError).
 * Blank and comment-only lines and lines inside brackets take no part in
 * indentation.
 *
 * The same scanner serves lex_spans() in "tolerant" mode, where nothing is
 * an error and comments become tokens.
 */
#include "engine/lang/lex.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LEX_MAXINDENT 100 /* CPython's MAXINDENT */
#define LEX_MAXLEVEL 200  /* CPython's MAXLEVEL: nested brackets */

typedef struct Lexer {
    const char *src;
    size_t len, pos;
    int line;          /* current line, 1-based */
    size_t line_start; /* byte offset of the current line */
    int indstack[LEX_MAXINDENT + 1], altstack[LEX_MAXINDENT + 1];
    int indent;        /* top of the stacks */
    int pendin;        /* INDENTs (>0) or DEDENTs (<0) still to emit */
    int atbol;         /* at the beginning of a line */
    int cont;          /* the current line continues a backslashed one */
    int blankline;     /* the current line has no tokens */
    int level;         /* bracket depth */
    char parens[LEX_MAXLEVEL];
    int paren_line[LEX_MAXLEVEL], paren_col[LEX_MAXLEVEL];
    int tolerant;      /* lex_spans: never fail, emit comments */
    int done;          /* EOF returned */
    LexError *err;
} Lexer;

static const char *const kind_names[LEX_KIND_COUNT] = {
    [LEX_EOF] = "ENDMARKER", [LEX_NEWLINE] = "NEWLINE",
    [LEX_INDENT] = "INDENT", [LEX_DEDENT] = "DEDENT",
    [LEX_NAME] = "NAME", [LEX_NUMBER] = "NUMBER",
    [LEX_STRING] = "STRING", [LEX_COMMENT] = "COMMENT",
    [LEX_ERROR] = "ERRORTOKEN",
#define LEX_X_NAME(e, s) [e] = s,
    LEX_KEYWORDS(LEX_X_NAME) LEX_OPERATORS(LEX_X_NAME)
#undef LEX_X_NAME
};

const char *lex_kind_name(LexKind k)
{
    return (unsigned)k < LEX_KIND_COUNT && kind_names[k] ? kind_names[k] : "?";
}

static int peekc(const Lexer *lx, size_t ahead)
{
    size_t p = lx->pos + ahead;
    return p < lx->len ? (unsigned char)lx->src[p] : -1;
}

static int is_id_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_id_char(int c)
{
    return is_id_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Decode the UTF-8 code point at p (at most n bytes); *adv gets its length
 * (1 for a bad byte, which decodes as itself). */
static uint32_t utf8_decode(const char *p, size_t n, int *adv)
{
    const unsigned char *s = (const unsigned char *)p;
    uint32_t c = s[0];
    int need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (need < 0 || (size_t)need + 1 > n) {
        *adv = 1;
        return c;
    }
    uint32_t v = need == 0 ? c : need == 1 ? (c & 0x1F) : need == 2 ? (c & 0x0F) : (c & 0x07);
    for (int i = 1; i <= need; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *adv = 1;
            return c;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *adv = need + 1;
    return v;
}

/* Report an error (first one wins). col is a 0-based byte column in the
 * current line; end_col -1 for none. */
static void lex_error(Lexer *lx, LexErrorKind kind, int line, int col, int end_col,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#include <stdarg.h>
static void lex_error(Lexer *lx, LexErrorKind kind, int line, int col, int end_col,
                      const char *fmt, ...)
{
    if (lx->tolerant || lx->err->kind != LEX_OK)
        return;
    lx->err->kind = kind;
    lx->err->line = line;
    lx->err->col = col;
    lx->err->end_line = line;
    lx->err->end_col = end_col;
    /* Errors CPython's tokenizer raises itself (syntaxerror()) show the
     * line without its newline; those it leaves to the parser keep it. */
    lx->err->text_nl = kind != LEX_ERR_SYNTAX || end_col == LEX_END_M1 || end_col == LEX_END_ZERO;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
    va_end(ap);
}

static int cur_col(const Lexer *lx)
{
    return (int)(lx->pos - lx->line_start);
}

/* Consume a newline sequence (\n, \r\n or \r) at pos. */
static void eat_newline(Lexer *lx)
{
    if (peekc(lx, 0) == '\r' && peekc(lx, 1) == '\n')
        lx->pos += 2;
    else
        lx->pos += 1;
    lx->line++;
    lx->line_start = lx->pos;
}

static int at_newline(const Lexer *lx)
{
    int c = peekc(lx, 0);
    return c == '\n' || c == '\r';
}

/* ---- Keywords --------------------------------------------------------- */

static const struct {
    const char *s;
    LexKind k;
} keywords[] = {
#define LEX_X_KW(e, s) {s, e},
    LEX_KEYWORDS(LEX_X_KW)
#undef LEX_X_KW
};

static LexKind keyword_kind(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i].s) == n && memcmp(keywords[i].s, s, n) == 0)
            return keywords[i].k;
    return LEX_NAME;
}

/* ---- Numbers ---------------------------------------------------------- */

/* Digits with single underscores between them. Returns 0 and reports at
 * an underscore not followed by a digit. */
static int scan_digits(Lexer *lx, int (*ok)(int), const char *what)
{
    for (;;) {
        while (ok(peekc(lx, 0)))
            lx->pos++;
        if (peekc(lx, 0) != '_')
            return 1;
        lx->pos++;
        if (!ok(peekc(lx, 0))) {
            lex_error(lx, LEX_ERR_SYNTAX, lx->line, cur_col(lx) - 1, LEX_END_SAME, "invalid %s literal", what);
            return 0;
        }
    }
}

static int is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int is_oct(int c)
{
    return c >= '0' && c <= '7';
}
static int is_bin(int c)
{
    return c == '0' || c == '1';
}

/* After a number: a name character glued to it is an error, except the
 * keywords CPython 3.11 still accepts there with a warning (1if x else y). */
static int verify_end(Lexer *lx, int start_col, const char *what)
{
    int c = peekc(lx, 0);
    if (!is_id_char(c))
        return 1;
    static const char *const ok_kw[] = {"and", "else", "for", "if", "in", "is", "not", "or"};
    for (size_t i = 0; i < sizeof ok_kw / sizeof ok_kw[0]; i++) {
        size_t n = strlen(ok_kw[i]);
        if (lx->pos + n <= lx->len && memcmp(lx->src + lx->pos, ok_kw[i], n) == 0)
            return 1;
    }
    (void)start_col;
    lex_error(lx, LEX_ERR_SYNTAX, lx->line, cur_col(lx) - 1, LEX_END_SAME, "invalid %s literal", what);
    return 0;
}

static void scan_number(Lexer *lx)
{
    int start_col = cur_col(lx);
    int c = peekc(lx, 0);
    if (c == '0') {
        int x = peekc(lx, 1);
        int (*ok)(int) = NULL;
        const char *what = NULL;
        if (x == 'x' || x == 'X')
            ok = is_hex, what = "hexadecimal";
        else if (x == 'o' || x == 'O')
            ok = is_oct, what = "octal";
        else if (x == 'b' || x == 'B')
            ok = is_bin, what = "binary";
        if (ok) {
            lx->pos += 2;
            if (peekc(lx, 0) == '_')
                lx->pos++;
            if (!ok(peekc(lx, 0))) {
                int d = peekc(lx, 0);
                if (ok != is_hex && is_digit(d))
                    lex_error(lx, LEX_ERR_SYNTAX, lx->line, cur_col(lx), LEX_END_SAME,
                              "invalid digit '%c' in %s literal", d, what);
                else
                    lex_error(lx, LEX_ERR_SYNTAX, lx->line, cur_col(lx) - 1, LEX_END_SAME, "invalid %s literal", what);
                return;
            }
            if (!scan_digits(lx, ok, what))
                return;
            int d = peekc(lx, 0);
            if (ok != is_hex && is_digit(d)) {
                lex_error(lx, LEX_ERR_SYNTAX, lx->line, cur_col(lx), LEX_END_SAME,
                          "invalid digit '%c' in %s literal", d, what);
                return;
            }
            verify_end(lx, start_col, what);
            return;
        }
    }
    int is_float = 0;
    if (c != '.') {
        if (!scan_digits(lx, is_digit, "decimal"))
            return;
    }
    if (peekc(lx, 0) == '.') {
        is_float = 1;
        lx->pos++;
        if (is_digit(peekc(lx, 0)) && !scan_digits(lx, is_digit, "decimal"))
            return;
    }
    int e = peekc(lx, 0);
    if (e == 'e' || e == 'E') {
        size_t save = lx->pos;
        lx->pos++;
        if (peekc(lx, 0) == '+' || peekc(lx, 0) == '-')
            lx->pos++;
        if (!is_digit(peekc(lx, 0))) {
            /* "1e" or "1e+": CPython backs up and reports the literal. */
            lx->pos = save;
            lex_error(lx, LEX_ERR_SYNTAX, lx->line, cur_col(lx) - 1, LEX_END_SAME, "invalid decimal literal");
            return;
        }
        if (!scan_digits(lx, is_digit, "decimal"))
            return;
        is_float = 1;
    }
    if (peekc(lx, 0) == 'j' || peekc(lx, 0) == 'J') {
        lx->pos++;
        verify_end(lx, start_col, "imaginary");
        return;
    }
    if (!is_float) {
        /* 0777: leading zeros (an all-zero literal like 000 is fine). */
        const char *s = lx->src + lx->line_start + start_col;
        size_t n = lx->pos - (lx->line_start + start_col);
        if (n > 1 && s[0] == '0') {
            int nonzero = 0;
            for (size_t i = 0; i < n; i++)
                if (s[i] != '0' && s[i] != '_')
                    nonzero = 1;
            if (nonzero) {
                int z = 0;
                while (s[z] == '0' || s[z] == '_')
                    z++;
                lex_error(lx, LEX_ERR_SYNTAX, lx->line, start_col, start_col + z,
                          "leading zeros in decimal integer literals are not permitted; "
                          "use an 0o prefix for octal integers");
                return;
            }
        }
    }
    verify_end(lx, start_col, "decimal");
}

/* ---- Strings ---------------------------------------------------------- */

static int is_string_prefix(const char *s, size_t n)
{
    char a[3] = {0};
    if (n > 2)
        return 0;
    for (size_t i = 0; i < n; i++)
        a[i] = (char)(s[i] | 0x20); /* lower case */
    if (n == 1)
        return a[0] == 'r' || a[0] == 'u' || a[0] == 'f' || a[0] == 'b';
    return (a[0] == 'b' && a[1] == 'r') || (a[0] == 'r' && a[1] == 'b') ||
           (a[0] == 'f' && a[1] == 'r') || (a[0] == 'r' && a[1] == 'f');
}

/* pos is at the opening quote; start_col/start_line where the token
 * (prefix included) began. */
static void scan_string(Lexer *lx, int start_line, int start_col, size_t start_line_off)
{
    int q = peekc(lx, 0);
    int triple = peekc(lx, 1) == q && peekc(lx, 2) == q;
    lx->pos += triple ? 3 : 1;
    for (;;) {
        int c = peekc(lx, 0);
        if (c < 0) {
            if (lx->tolerant)
                return;
            /* at the end of the file, CPython's line count does not
             * include a line after the final newline */
            int at_line = lx->line;
            if (lx->len > 0 && (lx->src[lx->len - 1] == '\n' || lx->src[lx->len - 1] == '\r') && at_line > 1)
                at_line--;
            lex_error(lx, LEX_ERR_SYNTAX, start_line, start_col, LEX_END_SAME,
                      triple ? "unterminated triple-quoted string literal (detected at line %d)"
                             : "unterminated string literal (detected at line %d)",
                      at_line);
            /* CPython shows the string's first line */
            (void)start_line_off;
            return;
        }
        if (c == q) {
            if (!triple) {
                lx->pos++;
                return;
            }
            if (peekc(lx, 1) == q && peekc(lx, 2) == q) {
                lx->pos += 3;
                return;
            }
            lx->pos++;
            continue;
        }
        if (c == '\\') {
            lx->pos++;
            if (peekc(lx, 0) < 0)
                continue;
            if (at_newline(lx))
                eat_newline(lx);
            else
                lx->pos++;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!triple) {
                if (lx->tolerant)
                    return;
                lex_error(lx, LEX_ERR_SYNTAX, start_line, start_col, LEX_END_SAME,
                          "unterminated string literal (detected at line %d)", lx->line);
                return;
            }
            eat_newline(lx);
            continue;
        }
        lx->pos++;
    }
}

/* ---- Operators -------------------------------------------------------- */

static LexKind scan_operator(Lexer *lx)
{
    static const struct {
        const char *s;
        LexKind k;
    } ops[] = {
#define LEX_X_OP(e, s) {s, e},
        LEX_OPERATORS(LEX_X_OP)
#undef LEX_X_OP
    };
    size_t best = 0;
    LexKind kind = LEX_ERROR;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        size_t n = strlen(ops[i].s);
        if (n > best && lx->pos + n <= lx->len && memcmp(lx->src + lx->pos, ops[i].s, n) == 0) {
            best = n;
            kind = ops[i].k;
        }
    }
    lx->pos += best;
    return kind;
}

/* ---- The token loop --------------------------------------------------- */

static void set_tok(const Lexer *lx, LexToken *t, LexKind k, int line, int col, size_t start)
{
    t->kind = k;
    t->line = line;
    t->col = col;
    t->start = start;
    t->len = lx->pos - start;
    t->end_line = lx->line;
    t->end_col = cur_col(lx);
}

/* Indentation at the beginning of a line. Returns 0 on an error. */
static int do_indent(Lexer *lx)
{
    int col = 0, altcol = 0;
    for (;;) {
        int c = peekc(lx, 0);
        if (c == ' ')
            col++, altcol++;
        else if (c == '\t')
            col = (col / 8 + 1) * 8, altcol++;
        else if (c == '\014')
            col = altcol = 0;
        else
            break;
        lx->pos++;
    }
    int c = peekc(lx, 0);
    lx->blankline = (c == '#' || c == '\n' || c == '\r');
    if (c < 0) {
        /* End of file: dedent everything (a last line of spaces is blank). */
        col = altcol = 0;
        lx->blankline = 0;
    }
    if (lx->blankline || lx->level > 0)
        return 1;
    if (col == lx->indstack[lx->indent]) {
        if (altcol != lx->altstack[lx->indent])
            goto tab_error;
    } else if (col > lx->indstack[lx->indent]) {
        if (lx->indent + 1 >= LEX_MAXINDENT) {
            lex_error(lx, LEX_ERR_INDENT, lx->line, 0, LEX_END_ZERO, "too many levels of indentation");
            return 0;
        }
        if (altcol <= lx->altstack[lx->indent])
            goto tab_error;
        lx->pendin++;
        lx->indent++;
        lx->indstack[lx->indent] = col;
        lx->altstack[lx->indent] = altcol;
    } else {
        while (lx->indent > 0 && col < lx->indstack[lx->indent]) {
            lx->pendin--;
            lx->indent--;
        }
        if (col != lx->indstack[lx->indent]) {
            /* CPython points just past the whole line, newline included */
            size_t e = lx->pos;
            while (e < lx->len && lx->src[e] != '\n' && lx->src[e] != '\r')
                e++;
            if (e < lx->len)
                e++;
            lex_error(lx, LEX_ERR_INDENT, lx->line, (int)(e - lx->line_start) - 1, LEX_END_M1,
                      "unindent does not match any outer indentation level");
            return 0;
        }
        if (altcol != lx->altstack[lx->indent])
            goto tab_error;
    }
    return 1;
tab_error:
    lex_error(lx, LEX_ERR_TAB, lx->line, 0, LEX_END_ZERO, "inconsistent use of tabs and spaces in indentation");
    return 0;
}

/* The next token into *t. Returns 0 after an error (strict mode). */
static int next_token(Lexer *lx, LexToken *t)
{
again:
    if (lx->atbol) {
        lx->atbol = 0;
        if (!lx->cont && !lx->tolerant) {
            if (!do_indent(lx))
                return 0;
        }
        lx->cont = 0;
    }
    if (lx->pendin != 0) {
        size_t p = lx->pos;
        if (lx->pendin < 0) {
            lx->pendin++;
            set_tok(lx, t, LEX_DEDENT, lx->line, cur_col(lx), p);
        } else {
            lx->pendin--;
            set_tok(lx, t, LEX_INDENT, lx->line, 0, lx->line_start);
            t->start = lx->line_start;
            t->len = p - lx->line_start;
        }
        return 1;
    }
    /* Skip spaces */
    while (peekc(lx, 0) == ' ' || peekc(lx, 0) == '\t' || peekc(lx, 0) == '\014')
        lx->pos++;
    int line = lx->line, col = cur_col(lx);
    size_t start = lx->pos;
    int c = peekc(lx, 0);

    if (c == '#') {
        while (peekc(lx, 0) >= 0 && !at_newline(lx))
            lx->pos++;
        if (lx->tolerant) {
            set_tok(lx, t, LEX_COMMENT, line, col, start);
            return 1;
        }
        c = peekc(lx, 0);
    }
    if (c < 0) {
        if (lx->level > 0 && !lx->tolerant) {
            int i = lx->level - 1;
            lex_error(lx, LEX_ERR_UNCLOSED, lx->paren_line[i], lx->paren_col[i], LEX_END_ZERO,
                      "'%c' was never closed", lx->parens[i]);
            set_tok(lx, t, LEX_EOF, line, col, start);
            lx->done = 1;
            return 1;
        }
        if (!lx->blankline && !lx->done && lx->pos > 0 && !lx->atbol) {
            /* Implicit NEWLINE at the end of a last line without one:
             * emitted by the caller's bookkeeping below. */
        }
        if (lx->indent > 0) {
            lx->indent--;
            set_tok(lx, t, LEX_DEDENT, line, col, start);
            return 1;
        }
        set_tok(lx, t, LEX_EOF, line, col, start);
        lx->done = 1;
        return 1;
    }
    if (c == '\n' || c == '\r') {
        /* After a comment, CPython's NEWLINE token spans the comment
         * (its start was set before the comment was skipped). */
        int ncol = cur_col(lx);
        int blank = lx->blankline || lx->level > 0;
        eat_newline(lx);
        lx->atbol = lx->level == 0;
        if (blank)
            goto again;
        t->kind = LEX_NEWLINE;
        t->line = line;
        t->col = col;
        t->start = start;
        t->len = lx->pos - start;
        t->end_line = line;
        t->end_col = ncol; /* zero width unless after a comment, as CPython's */
        lx->blankline = 0;
        return 1;
    }
    lx->blankline = 0;
    if (is_id_start(c)) {
        while (is_id_char(peekc(lx, 0)))
            lx->pos++;
        int q = peekc(lx, 0);
        if ((q == '"' || q == '\'') && is_string_prefix(lx->src + start, lx->pos - start)) {
            scan_string(lx, line, col, lx->line_start);
            set_tok(lx, t, LEX_STRING, line, col, start);
            return lx->tolerant || lx->err->kind == LEX_OK;
        }
        /* Non-ASCII bytes are accepted as identifier characters, but a
         * lone symbol such as '€' is no letter: CPython says so. */
        if (c >= 0x80 && !lx->tolerant) {
            for (size_t p = start; p < lx->pos;) {
                int adv;
                uint32_t cp = utf8_decode(lx->src + p, lx->len - p, &adv);
                int letter = (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7) && !(cp >= 0x2000 && cp <= 0x2BFF) &&
                             !(cp >= 0x3000 && cp <= 0x303F) && !(cp >= 0xE000 && cp <= 0xF8FF);
                if (cp >= 0x80 && !letter) {
                    int pcol = (int)(p - lx->line_start);
                    if (cp == 0xA0 || cp < 0xA0 || cp == 0xAD || (cp >= 0x2000 && cp <= 0x200F) ||
                        (cp >= 0x2028 && cp <= 0x202F) || cp == 0xFEFF)
                        lex_error(lx, LEX_ERR_SYNTAX, line, pcol, LEX_END_SAME,
                                  "invalid non-printable character U+%04X", (unsigned)cp);
                    else
                        lex_error(lx, LEX_ERR_SYNTAX, line, pcol, LEX_END_SAME,
                                  "invalid character '%.*s' (U+%04X)", adv, lx->src + p, (unsigned)cp);
                    return 0;
                }
                p += (size_t)adv;
            }
        }
        set_tok(lx, t, keyword_kind(lx->src + start, lx->pos - start), line, col, start);
        return 1;
    }
    if (is_digit(c) || (c == '.' && is_digit(peekc(lx, 1)))) {
        scan_number(lx);
        if (lx->tolerant) {
            while (is_id_char(peekc(lx, 0)))
                lx->pos++;
        } else if (lx->err->kind != LEX_OK)
            return 0;
        set_tok(lx, t, LEX_NUMBER, line, col, start);
        return 1;
    }
    if (c == '"' || c == '\'') {
        scan_string(lx, line, col, lx->line_start);
        set_tok(lx, t, LEX_STRING, line, col, start);
        return lx->tolerant || lx->err->kind == LEX_OK;
    }
    if (c == '\\') {
        lx->pos++;
        if (!at_newline(lx)) {
            if (peekc(lx, 0) < 0 && !lx->tolerant) {
                lex_error(lx, LEX_ERR_SYNTAX, line, col + 1, LEX_END_M1, "unexpected EOF while parsing");
                return 0;
            }
            if (lx->tolerant) {
                set_tok(lx, t, LEX_ERROR, line, col, start);
                return 1;
            }
            lex_error(lx, LEX_ERR_SYNTAX, line, col + 1, LEX_END_ZERO,
                      "unexpected character after line continuation character");
            return 0;
        }
        eat_newline(lx);
        if (peekc(lx, 0) < 0 && !lx->tolerant) {
            lex_error(lx, LEX_ERR_SYNTAX, line, col + 1, LEX_END_M1, "unexpected EOF while parsing");
            return 0;
        }
        lx->atbol = 1;
        lx->cont = 1;
        goto again;
    }
    LexKind k = scan_operator(lx);
    if (k == LEX_ERROR) {
        int adv = 1;
        uint32_t cp = utf8_decode(lx->src + lx->pos, lx->len - lx->pos, &adv);
        lx->pos += (size_t)adv;
        if (lx->tolerant || cp == '$' || cp == '?' || cp == '`') {
            /* CPython's parser, not its tokenizer, rejects these:
             * "invalid syntax" at the character. */
            set_tok(lx, t, LEX_ERROR, line, col, start);
            return 1;
        }
        if (cp < 0x20 || cp == 0x7f)
            lex_error(lx, LEX_ERR_SYNTAX, line, col, LEX_END_SAME, "invalid non-printable character U+%04X",
                      (unsigned)cp);
        else
            lex_error(lx, LEX_ERR_SYNTAX, line, col, LEX_END_SAME, "invalid character '%.*s' (U+%04X)", adv,
                      lx->src + start, (unsigned)cp);
        return 0;
    }
    if (k == LEX_LPAR || k == LEX_LSQB || k == LEX_LBRACE) {
        if (lx->level >= LEX_MAXLEVEL) {
            if (lx->tolerant) {
                set_tok(lx, t, k, line, col, start);
                return 1;
            }
            lex_error(lx, LEX_ERR_SYNTAX, line, col, LEX_END_SAME, "too many nested parentheses");
            return 0;
        }
        lx->parens[lx->level] = (char)c;
        lx->paren_line[lx->level] = line;
        lx->paren_col[lx->level] = col;
        lx->level++;
    } else if (k == LEX_RPAR || k == LEX_RSQB || k == LEX_RBRACE) {
        if (lx->level == 0) {
            if (!lx->tolerant) {
                lex_error(lx, LEX_ERR_SYNTAX, line, col, LEX_END_SAME, "unmatched '%c'", c);
                return 0;
            }
        } else {
            lx->level--;
            int open = lx->parens[lx->level];
            int want = open == '(' ? ')' : open == '[' ? ']' : '}';
            if (c != want && !lx->tolerant) {
                if (lx->paren_line[lx->level] != line)
                    lex_error(lx, LEX_ERR_SYNTAX, line, col, LEX_END_SAME,
                              "closing parenthesis '%c' does not match opening parenthesis '%c' on line %d",
                              c, open, lx->paren_line[lx->level]);
                else
                    lex_error(lx, LEX_ERR_SYNTAX, line, col, LEX_END_SAME,
                              "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open);
                return 0;
            }
        }
    }
    set_tok(lx, t, k, line, col, start);
    return 1;
}

static void lexer_init(Lexer *lx, const char *src, size_t len, LexError *err, int tolerant)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->line = 1;
    lx->atbol = 1;
    lx->tolerant = tolerant;
    lx->err = err;
    err->kind = LEX_OK;
    err->msg[0] = 0;
}

typedef struct TokBuf {
    Mem *m;
    LexToken *v;
    size_t n, cap;
} TokBuf;

static int tokbuf_push(TokBuf *b, const LexToken *t)
{
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        LexToken *v = mem_realloc(b->m, b->v, b->cap * sizeof *v, nc * sizeof *v);
        if (!v)
            return 0;
        b->v = v;
        b->cap = nc;
    }
    b->v[b->n++] = *t;
    return 1;
}

LexToken *lex_tokenize(Mem *m, const char *src, size_t len, size_t *ntokens, LexError *err)
{
    Lexer lx;
    lexer_init(&lx, src, len, err, 0);
    TokBuf b = {m, NULL, 0, 0};
    LexToken t;
    int ok = 1;
    int line_has_tokens = 0;
    for (;;) {
        if (!next_token(&lx, &t)) {
            ok = 0;
            break;
        }
        if (t.kind == LEX_EOF || (t.kind == LEX_DEDENT && lx.pos >= lx.len)) {
            /* CPython ends a last line that lacks '\n' with a NEWLINE. */
            if (line_has_tokens && err->kind == LEX_OK) {
                LexToken nl = t;
                nl.kind = LEX_NEWLINE;
                nl.len = 0;
                nl.end_col = nl.col;
                if (!tokbuf_push(&b, &nl))
                    goto nomem;
                line_has_tokens = 0;
            }
        }
        if (!tokbuf_push(&b, &t))
            goto nomem;
        if (t.kind == LEX_EOF)
            break;
        line_has_tokens = t.kind != LEX_NEWLINE && t.kind != LEX_INDENT && t.kind != LEX_DEDENT;
    }
    if (!ok) {
        /* Terminate what was read with an EOF at the error. */
        LexToken e = {LEX_EOF, err->line, err->col, err->line, err->col, lx.pos, 0};
        if (!tokbuf_push(&b, &e))
            goto nomem;
    }
    LexToken *v = mem_realloc(m, b.v, b.cap * sizeof *b.v, b.n * sizeof *b.v);
    if (!v)
        goto nomem;
    *ntokens = b.n;
    return v;
nomem:
    mem_free(m, b.v, b.cap * sizeof *b.v);
    err->kind = LEX_ERR_NOMEM;
    snprintf(err->msg, sizeof err->msg, "out of memory");
    *ntokens = 0;
    return NULL;
}

void lex_tokens_free(Mem *m, LexToken *toks, size_t ntokens)
{
    mem_free(m, toks, ntokens * sizeof *toks);
}

/* ---- Highlighting ----------------------------------------------------- */

static const char *const builtins[] = {
    "print", "len", "range", "str", "repr", "int", "float", "bool", "list", "tuple",
    "dict", "round", "abs", "min", "max", "sum", "sorted", "reversed", "enumerate",
    "zip", "any", "all", "isinstance", "type", "BaseException", "Exception",
    "ValueError", "TypeError", "KeyError", "IndexError", "ZeroDivisionError",
    "RuntimeError", "NameError", "AttributeError", "AssertionError", "TimeoutError",
    "RecursionError", "OverflowError", "ExceptionGroup", "ImportError", "MemoryError",
    "StopIteration", "KeyboardInterrupt", "input", "open", "set", "super", "object",
    "map", "filter", "hash", "id", "iter", "next", "callable", "getattr", "setattr",
    "hasattr", "divmod", "pow", "chr", "ord", "hex", "oct", "bin", "format",
};

int lex_is_builtin(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strlen(builtins[i]) == n && memcmp(builtins[i], s, n) == 0)
            return 1;
    return 0;
}

typedef struct SpanBuf {
    Mem *m;
    LexSpan *v;
    size_t n, cap;
    int failed;
} SpanBuf;

static void span_push(SpanBuf *b, int line, int col, int len, LexSpanKind k)
{
    if (b->failed || len <= 0)
        return;
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 64;
        LexSpan *v = mem_realloc(b->m, b->v, b->cap * sizeof *v, nc * sizeof *v);
        if (!v) {
            b->failed = 1;
            return;
        }
        b->v = v;
        b->cap = nc;
    }
    b->v[b->n++] = (LexSpan){line, col, len, k};
}

LexSpan *lex_spans(Mem *m, const char *src, size_t len, size_t *nspans)
{
    Lexer lx;
    LexError err;
    lexer_init(&lx, src, len, &err, 1);
    SpanBuf b = {m, NULL, 0, 0, 0};
    LexToken t;
    LexKind prev = LEX_NEWLINE;
    size_t guard = 0;
    while (next_token(&lx, &t) && t.kind != LEX_EOF) {
        if (++guard > len * 4 + 16)
            break; /* cannot happen; a bound all the same */
        LexSpanKind k;
        switch (t.kind) {
        case LEX_NEWLINE:
        case LEX_INDENT:
        case LEX_DEDENT:
            continue;
        case LEX_NAME:
            k = prev == LEX_DEF ? LEX_SPAN_DEFNAME
                : lex_is_builtin(src + t.start, t.len) ? LEX_SPAN_BUILTIN
                                                       : LEX_SPAN_NAME;
            break;
        case LEX_NUMBER: k = LEX_SPAN_NUMBER; break;
        case LEX_STRING: k = LEX_SPAN_STRING; break;
        case LEX_COMMENT: k = LEX_SPAN_COMMENT; break;
        case LEX_ERROR: k = LEX_SPAN_ERROR; break;
        default:
            k = t.kind >= LEX_FALSE && t.kind <= LEX_YIELD ? LEX_SPAN_KEYWORD : LEX_SPAN_OPERATOR;
            break;
        }
        prev = t.kind;
        /* Split multi-line tokens (strings) at line ends. */
        size_t p = t.start, e = t.start + t.len;
        int line = t.line, col = t.col;
        while (p < e) {
            size_t q = p;
            while (q < e && src[q] != '\n' && src[q] != '\r')
                q++;
            span_push(&b, line, col, (int)(q - p), k);
            if (q < e && src[q] == '\r' && q + 1 < e && src[q + 1] == '\n')
                q++;
            p = q + 1;
            line++;
            col = 0;
        }
    }
    if (b.failed) {
        mem_free(m, b.v, b.cap * sizeof *b.v);
        *nspans = 0;
        return NULL;
    }
    /* Shrink to the exact size so the caller can free with n * size. */
    if (b.n == 0) {
        mem_free(m, b.v, b.cap * sizeof *b.v);
        *nspans = 0;
        return NULL;
    }
    LexSpan *v = mem_realloc(m, b.v, b.cap * sizeof *b.v, b.n * sizeof *b.v);
    if (!v)
        v = b.v; /* shrinking cannot really fail; keep the bigger block */
    *nspans = b.n;
    return v;
}
