/* parse: tokens to an Ast, and CPython-worded SyntaxErrors. See parse.h.
 *
 * Recursive descent over the whole token array (lex_tokenize), one
 * function per precedence level as in CPython's grammar. The first error
 * ends the parse with a longjmp back to parse_module(): every node lives in
 * the tree's arena, so nothing leaks, and ast_free() drops the lot.
 *
 * Whose error wins follows CPython: a tokenizer error anywhere in the file
 * beats the parser's (CPython re-tokenizes to the end after a parse error),
 * except "'(' was never closed", which wins only when the parser's error
 * lies on a later line than the bracket. Errors CPython finds after parsing
 * (its symbol table and compiler: 'return' outside function, 'await'
 * outside async function, duplicate arguments, ...) are kept aside and
 * reported only when the whole file parsed.
 *
 * Positions: CPython reports 1-based character offsets; tokens carry
 * 0-based byte columns. err_set() converts.
 */
#include "engine/lang/parse.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lang/lex.h"

/* Nesting (blocks, and expressions inside expressions: each `not`, unary
 * operator, if-else, lambda body, call or subscript) before we give up, as
 * CPython 3.11's parser does when its stack of 6000 rule levels runs out: a
 * bare MemoryError. Its rules spend about 32 levels before the first of a
 * chain in `x = not not ... 1` and one per link (two per lambda, as per
 * `**`), so a chain of 5968 is where it fails; ours spends 2 before it.
 * Chains of 2999 and more already fail in the compiler (RecursionError,
 * COMPILE_MAX_DEPTH), and brackets in the lexer (200), so this is also what
 * keeps the recursive descent off the end of the C stack: ~1 MB at -O2 for
 * 6000 levels of `1 if 1 else ...`, the deepest kind. */
#define PARSE_MAX_DEPTH 5969
#define FSTRING_MAX_NEST 2  /* CPython: format specs nest two deep */

/* A kept-aside position for an error: 0-based byte columns; end_col may
 * be one of the LEX_END_ values. eof: the error is at the end of file. */
typedef struct ErrPos {
    int line, col, end_line, end_col;
} ErrPos;

/* The f-string whose expression is being parsed, for error positions. */
typedef struct FExpr {
    size_t start, end; /* byte range of the expression text in src */
} FExpr;

typedef struct P {
    jmp_buf jb;
    Ast *ast;
    Mem *m;
    const char *src;
    size_t len;
    LexToken *toks;
    size_t ntoks, i;
    ParseError *err;
    LexError lexerr;
    int depth;
    /* Context for the checks CPython makes after parsing. */
    int in_func;   /* inside a def (or lambda for await) */
    int in_async;  /* directly in an async def */
    int in_loop;   /* inside a loop of the current function */
    int level;     /* bracket depth of the current position (for "forgot a comma") */
    ParseError sem; /* first post-parse error, kind PARSE_OK if none */
    const FExpr *fexpr; /* non-NULL while parsing inside an f-string */
    int in_lookahead;
    size_t far;         /* the furthest token index looked at (CPython's
                           p->fill - 1), for the unclosed-bracket rule */
    int fnest;
    int pow_chain; /* nested `**` operators of the expression being parsed */
    /* > 0 while parsing speculatively: whatever fails there is caught and
     * forgotten, so fail_pos() does not spend time wording the error. */
    int spec;
    /* The reach (furthest token + 1, 0: not yet known) of a comma hint
     * tried at token i inside a speculation, [2 * i + in_lookahead]: see
     * check_no_juxtaposed(). Lives in the tree's arena; made on first use,
     * which is always on the way to a syntax error. */
    uint32_t *juxt_reach;
} P;

/* CPython 3.11's parser runs out of its stack (6000 levels, two per `**`)
 * on a chain of about 2985 `**` and prints a bare MemoryError; a longer
 * chain here would only recurse deeper. */
#define PARSE_MAX_POW_CHAIN 2984

/* ---- Errors ----------------------------------------------------------- */

/* Start offset of line `line` (1-based) in src, and its length without
 * the newline; *has_nl whether a newline follows. */
static size_t line_bounds(const char *src, size_t len, int line, size_t *n, int *has_nl)
{
    size_t p = 0;
    for (int l = 1; l < line && p < len; p++) {
        if (src[p] == '\n' || (src[p] == '\r' && (p + 1 >= len || src[p + 1] != '\n')))
            l++;
    }
    size_t e = p;
    while (e < len && src[e] != '\n' && src[e] != '\r')
        e++;
    *n = e - p;
    *has_nl = e < len;
    return p;
}

/* Characters (UTF-8 code points) in s[0..n). */
static int count_chars(const char *s, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* CPython's byte_offset_to_character_offset for a 0-based byte column:
 * the 1-based character offset. */
static int char_offset(const char *line, size_t n, int col)
{
    if (col < 0)
        return 0; /* no position: CPython's offset 0, no caret */
    if ((size_t)col > n)
        col = (int)n + (col > (int)n ? 1 : 0) - 1 + 1; /* clamp to len + 1 */
    if ((size_t)col > n + 1)
        col = (int)n + 1;
    return count_chars(line, (size_t)col < n ? (size_t)col : n) + 1 + ((size_t)col > n ? 1 : 0);
}

/* text_nl: CPython's text keeps the newline. Errors its tokenizer raises
 * itself (text_nl 0) count offsets in characters; those its parser and
 * compiler raise, reading a file, count bytes (visible as a shifted caret
 * after non-ASCII text, which python3 shows and so do we). */
static void err_fill(P *p, ParseError *e, ParseErrorKind kind, const ErrPos *pos, int text_nl,
                     const char *msg)
{
    memset(e, 0, sizeof *e);
    e->kind = kind;
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    e->line = pos->line;
    size_t n;
    int has_nl;
    size_t start = line_bounds(p->src, p->len, pos->line, &n, &has_nl);
    const char *text = p->src + start;
    size_t tn = n < sizeof e->text - 2 ? n : sizeof e->text - 2;
    memcpy(e->text, text, tn);
    if (text_nl && has_nl)
        e->text[tn++] = '\n';
    e->text[tn] = 0;
    int chars = !text_nl;
    e->col = chars ? char_offset(text, n, pos->col) : pos->col < 0 ? 0 : pos->col + 1;
    e->end_line = pos->end_line;
    if (!chars && pos->end_col >= 0) {
        e->end_col = pos->end_col + 1;
    } else if (pos->end_col == LEX_END_SAME) {
        e->end_col = e->col;
    } else if (pos->end_col == LEX_END_M1) {
        e->end_col = -1;
    } else if (pos->end_col == LEX_END_ZERO) {
        e->end_col = 0;
    } else if (pos->end_line == pos->line) {
        e->end_col = char_offset(text, n, pos->end_col);
    } else {
        size_t n2;
        size_t s2 = line_bounds(p->src, p->len, pos->end_line, &n2, &has_nl);
        e->end_col = char_offset(p->src + s2, n2, pos->end_col);
    }
}

/* Inside an f-string, CPython 3.11 compiles "(expr)" on its own: the
 * message gets an "f-string: " prefix and positions are relative to that
 * text. */
static void err_fstring_adjust(P *p, ParseError *e, const ErrPos *pos, int prefix)
{
    const FExpr *f = p->fexpr;
    char msg[sizeof e->msg + 16];
    if (prefix) {
        /* the parser's messages get the prefix, the tokenizer's do not */
        snprintf(msg, sizeof msg, "f-string: %s", e->msg);
        memcpy(e->msg, msg, sizeof e->msg - 1);
        e->msg[sizeof e->msg - 1] = 0;
    }
    /* Byte offset of the error in src, then in "(" expr ")" */
    size_t n;
    int has_nl;
    size_t ls = line_bounds(p->src, p->len, pos->line, &n, &has_nl);
    size_t at = ls + (size_t)(pos->col < 0 ? 0 : pos->col);
    if (at < f->start)
        at = f->start;
    if (at > f->end)
        at = f->end;
    size_t rel = at - f->start + 1; /* index in the wrapped text */
    /* Line of the wrapped text holding rel */
    size_t wlen = f->end - f->start + 2;
    char *w = malloc(wlen + 2);
    if (!w)
        return;
    w[0] = '(';
    memcpy(w + 1, p->src + f->start, f->end - f->start);
    w[wlen - 1] = ')';
    w[wlen] = 0;
    size_t bol = 0;
    for (size_t i = 0; i < rel; i++)
        if (w[i] == '\n')
            bol = i + 1;
    size_t eol = bol;
    while (eol < wlen && w[eol] != '\n')
        eol++;
    size_t tn = eol - bol < sizeof e->text - 2 ? eol - bol : sizeof e->text - 2;
    memcpy(e->text, w + bol, tn);
    e->text[tn++] = '\n';
    e->text[tn] = 0;
    int col = count_chars(w + bol, rel - bol) + 1;
    int span = e->end_col > 0 && e->end_line == e->line ? e->end_col - e->col : 0;
    e->col = col;
    e->end_col = span > 0 ? col + span : col;
    e->end_line = e->line;
    free(w);
}

static _Noreturn void fail_pos(P *p, ParseErrorKind kind, const ErrPos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static _Noreturn void fail_pos(P *p, ParseErrorKind kind, const ErrPos *pos, const char *fmt, ...)
{
    if (p->spec) /* the catcher restores p->err: nothing to word */
        longjmp(p->jb, 1);
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    err_fill(p, p->err, kind, pos, 1, msg);
    if (p->fexpr)
        err_fstring_adjust(p, p->err, pos, 1);
    longjmp(p->jb, 1);
}

static ErrPos tok_pos(const LexToken *t)
{
    ErrPos e = {t->line, t->col, t->end_line, t->end_col};
    return e;
}

static ErrPos node_pos(const AstPos *a)
{
    ErrPos e = {a->line, a->col, a->end_line, a->end_col};
    return e;
}

static ErrPos range_pos(const AstPos *a, const AstPos *b)
{
    ErrPos e = {a->line, a->col, b->end_line, b->end_col};
    return e;
}

/* Keep aside the first post-parse (compiler) error. */
static void sem_error(P *p, const AstPos *a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sem_error(P *p, const AstPos *a, const char *fmt, ...)
{
    if (p->sem.kind != PARSE_OK)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ErrPos pos = node_pos(a);
    err_fill(p, &p->sem, PARSE_SYNTAX_ERROR, &pos, 1, msg);
}

static _Noreturn void nomem(P *p)
{
    memset(p->err, 0, sizeof *p->err);
    p->err->kind = PARSE_NO_MEMORY;
    snprintf(p->err->msg, sizeof p->err->msg, "out of memory while parsing");
    longjmp(p->jb, 1);
}

/* ---- Tokens ----------------------------------------------------------- */

static const LexToken *cur(P *p)
{
    return &p->toks[p->i];
}

static void touch(P *p, size_t j)
{
    if (!p->fexpr && j > p->far && j < p->ntoks)
        p->far = j;
}

static const LexToken *peek(P *p, size_t k)
{
    size_t j = p->i + k;
    touch(p, j);
    return &p->toks[j < p->ntoks ? j : p->ntoks - 1];
}

static LexKind kind(P *p)
{
    return p->toks[p->i].kind;
}

static const LexToken *advance(P *p)
{
    const LexToken *t = &p->toks[p->i];
    if (p->i + 1 < p->ntoks)
        p->i++;
    touch(p, p->i);
    return t;
}

static int accept(P *p, LexKind k)
{
    if (kind(p) == k) {
        advance(p);
        return 1;
    }
    return 0;
}

static const LexToken *prev(P *p)
{
    return &p->toks[p->i > 0 ? p->i - 1 : 0];
}

static int starts_expression(LexKind k);
static void lookahead_expression(P *p);

/* "invalid syntax" (or what CPython says instead) at the current token. */
static _Noreturn void fail_here(P *p)
{
    const LexToken *t = cur(p);
    if (t->kind == LEX_INDENT) {
        ErrPos pos = {t->line, t->end_col - 1, t->line, LEX_END_M1};
        fail_pos(p, PARSE_INDENTATION_ERROR, &pos, "unexpected indent");
    }
    if (t->kind == LEX_DEDENT) {
        ErrPos pos = {t->line, t->col, t->line, LEX_END_M1};
        fail_pos(p, PARSE_INDENTATION_ERROR, &pos, "unexpected unindent");
    }
    if (t->kind == LEX_EOF) {
        if (p->fexpr) {
            ErrPos pos = tok_pos(t);
            fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "invalid syntax");
        }
        /* CPython, reading a file: the last line, offset 0 (no caret). */
        const LexToken *q = prev(p);
        ErrPos pos = {q->line, -1, q->line, LEX_END_M1};
        fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "invalid syntax");
    }
    /* After an expression, CPython's second pass tries to read another
     * one (invalid_expression); that only moves p->far here. */
    LexKind pk = p->i > 0 ? p->toks[p->i - 1].kind : LEX_EOF;
    if (starts_expression(t->kind) &&
        (pk == LEX_NAME || pk == LEX_NUMBER || pk == LEX_STRING || pk == LEX_RPAR || pk == LEX_RSQB ||
         pk == LEX_RBRACE || pk == LEX_TRUE || pk == LEX_FALSE || pk == LEX_NONE))
        lookahead_expression(p);
    ErrPos pos = tok_pos(t);
    fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "invalid syntax");
}

/* "expected ':'" and friends: at the current token when it is a NEWLINE
 * (CPython's invalid_* rules match `header NEWLINE`), else invalid syntax. */
static void expect_colon(P *p)
{
    if (accept(p, LEX_COLON))
        return;
    if (kind(p) == LEX_NEWLINE) {
        ErrPos pos = tok_pos(cur(p));
        fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "expected ':'");
    }
    fail_here(p);
}

/* CPython's forced tokens (&&':' in its grammar): "expected ':'" at
 * whatever token stands there. */
static void expect_forced(P *p, LexKind k)
{
    if (accept(p, k))
        return;
    if (kind(p) == LEX_INDENT || kind(p) == LEX_DEDENT || kind(p) == LEX_EOF)
        fail_here(p);
    ErrPos pos = tok_pos(cur(p));
    fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "expected '%s'", lex_kind_name(k));
}

static void expect(P *p, LexKind k)
{
    if (!accept(p, k))
        fail_here(p);
}

/* ---- Node construction ------------------------------------------------ */

static void *alloc(P *p, size_t n)
{
    void *x = ast_alloc(p->ast, n);
    if (!x)
        nomem(p);
    return x;
}

static AstPos pos_of(const LexToken *t)
{
    AstPos a = {t->line, t->col, t->end_line, t->end_col};
    return a;
}

/* The end of the previous token: where a node just parsed ends. */
static AstPos pos_to_prev(P *p, const AstPos *start)
{
    const LexToken *t = prev(p);
    AstPos r = {start->line, start->col, t->end_line, t->end_col};
    return r;
}

static AstExpr *mk_expr(P *p, AstExprKind k, AstPos pos)
{
    AstExpr *e = alloc(p, sizeof *e);
    e->kind = k;
    e->pos = pos;
    return e;
}

static AstStmt *mk_stmt(P *p, AstStmtKind k, AstPos pos)
{
    AstStmt *s = alloc(p, sizeof *s);
    s->kind = k;
    s->pos = pos;
    return s;
}

static char *tok_str(P *p, const LexToken *t)
{
    char *s = ast_strndup(p->ast, p->src + t->start, t->len);
    if (!s)
        nomem(p);
    return s;
}

/* Growable arrays in the arena: cheap enough for lesson programs (old
 * blocks stay in the arena until ast_free). */
typedef struct Vec {
    void **v;
    int n, cap;
} Vec;

static void vec_push(P *p, Vec *vec, void *x)
{
    if (vec->n == vec->cap) {
        int nc = vec->cap ? vec->cap * 2 : 4;
        void **v = alloc(p, (size_t)nc * sizeof *v);
        if (vec->n)
            memcpy(v, vec->v, (size_t)vec->n * sizeof *v);
        vec->v = v;
        vec->cap = nc;
    }
    vec->v[vec->n++] = x;
}

static AstExprList vec_exprs(Vec *v)
{
    AstExprList l = {(AstExpr **)v->v, v->n};
    if (!v->n)
        l.items = NULL;
    return l;
}

static AstStmtList vec_stmts(Vec *v)
{
    AstStmtList l = {(AstStmt **)v->v, v->n};
    if (!v->n)
        l.items = NULL;
    return l;
}

/* enter_n: k levels of CPython's parser at once (a block spends several). */
static void enter_n(P *p, int k)
{
    if ((p->depth += k) > PARSE_MAX_DEPTH) {
        memset(p->err, 0, sizeof *p->err);
        p->err->kind = PARSE_NO_MEMORY;
        snprintf(p->err->msg, sizeof p->err->msg, "parser stack overflow (nesting)");
        longjmp(p->jb, 1);
    }
}

static void enter(P *p)
{
    enter_n(p, 1);
}

static void leave(P *p)
{
    p->depth--;
}

/* ---- Unsupported constructs ------------------------------------------- */

static _Noreturn void unsupported(P *p, const LexToken *t, const char *what)
{
    ErrPos pos = tok_pos(t);
    fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "%s not supported in the lesson language", what);
}

static _Noreturn void unsupported_at(P *p, const AstPos *a, const char *what)
{
    ErrPos pos = node_pos(a);
    fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "%s not supported in the lesson language", what);
}

/* ---- Expressions ------------------------------------------------------ */

static AstExpr *expression(P *p);
static AstExpr *star_expressions(P *p, int allow_star);
static AstExpr *disjunction(P *p);
static AstExpr *bitwise_or(P *p);
static AstExpr *atom_strings(P *p);
static void check_no_juxtaposed(P *p, AstExpr *a);
static int bitwise_or_level(const AstExpr *e);
static const char *expr_name(const AstExpr *e);
static AstExpr *primary(P *p);
static void lookahead_expression(P *p);
static AstExpr *parse_comp_tail(P *p, AstExpr *elt, AstExprKind k, AstPos pos);

static int starts_expression(LexKind k)
{
    switch (k) {
    case LEX_NAME: case LEX_NUMBER: case LEX_STRING: case LEX_LPAR: case LEX_LSQB:
    case LEX_LBRACE: case LEX_MINUS: case LEX_PLUS: case LEX_TILDE: case LEX_NOT:
    case LEX_LAMBDA: case LEX_AWAIT: case LEX_TRUE: case LEX_FALSE: case LEX_NONE:
    case LEX_ELLIPSIS:
        return 1;
    default:
        return 0;
    }
}

static int64_t parse_int_text(P *p, const LexToken *t, int allow_min, int *is_min)
{
    char buf[128];
    size_t n = 0;
    for (size_t i = 0; i < t->len && n + 1 < sizeof buf; i++)
        if (p->src[t->start + i] != '_')
            buf[n++] = p->src[t->start + i];
    buf[n] = 0;
    int base = 10;
    const char *s = buf;
    if (n > 1 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
        base = 16, s += 2;
    else if (n > 1 && buf[0] == '0' && (buf[1] == 'o' || buf[1] == 'O'))
        base = 8, s += 2;
    else if (n > 1 && buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'B'))
        base = 2, s += 2;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, base);
    if (t->len >= sizeof buf - 1 || errno == ERANGE || v > (unsigned long long)INT64_MAX) {
        if (allow_min && errno != ERANGE && v == (unsigned long long)INT64_MAX + 1) {
            *is_min = 1;
            return INT64_MIN;
        }
        ErrPos pos = tok_pos(t);
        fail_pos(p, PARSE_SYNTAX_ERROR, &pos,
                 "integer literal too large for the lesson language (ints are 64-bit)");
    }
    return (int64_t)v;
}

static AstExpr *number(P *p, const LexToken *t)
{
    const char *s = p->src + t->start;
    char last = s[t->len - 1];
    if (last == 'j' || last == 'J')
        unsupported(p, t, "complex numbers are");
    int is_hex = t->len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    int is_float = 0;
    if (!is_hex)
        for (size_t i = 0; i < t->len; i++)
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
                is_float = 1;
    if (is_float) {
        char buf[512];
        size_t n = 0;
        for (size_t i = 0; i < t->len && n + 1 < sizeof buf; i++)
            if (s[i] != '_')
                buf[n++] = s[i];
        buf[n] = 0;
        AstExpr *e = mk_expr(p, AST_FLOAT, pos_of(t));
        e->u.fval = strtod(buf, NULL);
        return e;
    }
    int dummy = 0;
    AstExpr *e = mk_expr(p, AST_INT, pos_of(t));
    e->u.ival = parse_int_text(p, t, 0, &dummy);
    return e;
}

/* Mark an expression as an assignment (or del) target, or report what
 * CPython reports. `here` asks for the "Maybe you meant '=='" wording. */
static const char *expr_name(const AstExpr *e)
{
    switch (e->kind) {
    case AST_LAMBDA: return "lambda";
    case AST_CALL: return "function call";
    case AST_BOOLOP: case AST_BINOP: case AST_UNARYOP: return "expression";
    case AST_GENEXP: return "generator expression";
    case AST_AWAIT: return "await expression";
    case AST_LISTCOMP: return "list comprehension";
    case AST_DICTCOMP: return "dict comprehension";
    case AST_DICT: return "dict literal";
    case AST_JOINEDSTR: case AST_FORMATTED: return "f-string expression";
    case AST_TRUE: return "True";
    case AST_FALSE: return "False";
    case AST_NONE: return "None";
    case AST_INT: case AST_FLOAT: case AST_STR: return "literal";
    case AST_COMPARE: return "comparison";
    case AST_IFEXP: return "conditional expression";
    case AST_TUPLE: return "tuple";
    case AST_LIST: return "list";
    case AST_STARRED: return "starred";
    case AST_SLICE: return "slice";
    default: return "expression";
    }
}

typedef enum { T_STORE, T_FOR, T_DEL } TargetKind;

/* The first sub-expression that cannot be a target, or NULL. */
static const AstExpr *invalid_target(const AstExpr *e, TargetKind tk)
{
    switch (e->kind) {
    case AST_NAME: case AST_ATTRIBUTE: case AST_SUBSCRIPT:
        return NULL;
    case AST_TUPLE: case AST_LIST:
        for (int i = 0; i < e->u.seq.len; i++) {
            const AstExpr *x = invalid_target(e->u.seq.items[i], tk);
            if (x)
                return x;
        }
        return NULL;
    case AST_STARRED:
        return tk == T_DEL ? e : invalid_target(e->u.value, tk);
    case AST_COMPARE:
        if (tk == T_FOR && e->u.compare.ops[0] == AST_IN)
            return invalid_target(e->u.compare.left, tk);
        return e;
    default:
        return e;
    }
}

static void set_ctx(P *p, AstExpr *e, AstCtx ctx)
{
    e->ctx = ctx;
    if (e->kind == AST_TUPLE || e->kind == AST_LIST)
        for (int i = 0; i < e->u.seq.len; i++)
            set_ctx(p, e->u.seq.items[i], ctx);
    if (e->kind == AST_STARRED) {
        if (ctx == AST_STORE)
            unsupported_at(p, &e->pos, "starred assignment targets are");
        set_ctx(p, e->u.value, ctx);
    }
}

static void make_target(P *p, AstExpr *e, TargetKind tk)
{
    const AstExpr *bad = invalid_target(e, tk);
    if (bad) {
        ErrPos pos = node_pos(&bad->pos);
        fail_pos(p, PARSE_SYNTAX_ERROR, &pos, tk == T_DEL ? "cannot delete %s" : "cannot assign to %s",
                 expr_name(bad));
    }
    set_ctx(p, e, tk == T_DEL ? AST_DEL : AST_STORE);
}

/* Arguments of a call, after '('. */
static void call_args(P *p, AstExpr *call)
{
    Vec args = {0}, kws = {0};
    const LexToken *lpar = prev(p);
    int bare_genexp = 0, positional_after_kw = 0;
    const AstExpr *first_kw = NULL;
    p->level++;
    while (kind(p) != LEX_RPAR) {
        const LexToken *st = cur(p);
        if (accept(p, LEX_STAR)) {
            AstExpr *v = expression(p);
            AstExpr *s = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
            s->u.value = v;
            vec_push(p, &args, s);
        } else if (kind(p) == LEX_DSTAR) {
            unsupported(p, st, "'**' argument unpacking is");
        } else if (kind(p) == LEX_NAME && peek(p, 1)->kind == LEX_EQUAL) {
            const LexToken *nt = advance(p);
            advance(p);
            AstExpr *v = expression(p);
            check_no_juxtaposed(p, v);
            AstKeyword *k = alloc(p, sizeof *k);
            k->name = tok_str(p, nt);
            k->value = v;
            k->pos = pos_to_prev(p, &(AstPos){nt->line, nt->col, 0, 0});
            for (int i = 0; i < kws.n; i++) {
                AstKeyword *o = kws.v[i];
                if (strcmp(o->name, k->name) == 0)
                    sem_error(p, &k->pos, "keyword argument repeated: %s", k->name);
            }
            if (!first_kw)
                first_kw = v;
            vec_push(p, &kws, k);
        } else {
            AstExpr *a = expression(p);
            if (kind(p) == LEX_EQUAL) {
                /* f(1=2), f(a.b=1) */
                advance(p);
                AstExpr *b = expression(p);
                ErrPos pos = range_pos(&a->pos, &b->pos);
                (void)pos;
                ErrPos pe = {a->pos.line, a->pos.col, b->pos.end_line, b->pos.end_col};
                pe.end_col = a->pos.end_col + 1; /* CPython spans `a=` */
                pe.end_line = a->pos.end_line;
                fail_pos(p, PARSE_SYNTAX_ERROR, &pe,
                         "expression cannot contain assignment, perhaps you meant \"==\"?");
            }
            if (kind(p) == LEX_FOR) {
                /* f(x for x in y): a generator argument */
                AstExpr *g = parse_comp_tail(p, a, AST_GENEXP, a->pos);
                if (args.n || kws.n || kind(p) != LEX_RPAR) {
                    if (kind(p) == LEX_COMMA || args.n || kws.n) {
                        ErrPos pos = node_pos(&g->pos);
                        fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "Generator expression must be parenthesized");
                    }
                }
                a = g;
                bare_genexp = 1;
            } else {
                check_no_juxtaposed(p, a);
            }
            if (first_kw)
                positional_after_kw = 1;
            vec_push(p, &args, a);
        }
        if (!accept(p, LEX_COMMA))
            break;
    }
    if (kind(p) != LEX_RPAR)
        fail_here(p);
    if (positional_after_kw) {
        /* CPython reports it at the last token it read: the ')' */
        ErrPos pos = tok_pos(cur(p));
        fail_pos(p, PARSE_SYNTAX_ERROR, &pos, "positional argument follows keyword argument");
    }
    p->level--;
    advance(p);
    if (bare_genexp) {
        /* f(x for x in y): the generator's position is the call's parens */
        AstExpr *g = args.v[0];
        g->pos = pos_to_prev(p, &(AstPos){lpar->line, lpar->col, 0, 0});
    }
    call->u.call.args = vec_exprs(&args);
    call->u.call.nkeywords = kws.n;
    if (kws.n) {
        call->u.call.keywords = alloc(p, (size_t)kws.n * sizeof(AstKeyword));
        for (int i = 0; i < kws.n; i++)
            call->u.call.keywords[i] = *(AstKeyword *)kws.v[i];
    }
}

/* One subscript item: an expression or a slice. */
static AstExpr *slice_item(P *p)
{
    const LexToken *st = cur(p);
    AstExpr *lower = NULL;
    if (kind(p) != LEX_COLON)
        lower = expression(p);
    if (kind(p) != LEX_COLON) {
        check_no_juxtaposed(p, lower);
        return lower;
    }
    advance(p);
    AstExpr *s = mk_expr(p, AST_SLICE, pos_of(st));
    s->u.slice.lower = lower;
    if (kind(p) != LEX_COLON && kind(p) != LEX_RSQB && kind(p) != LEX_COMMA)
        s->u.slice.upper = expression(p);
    if (accept(p, LEX_COLON)) {
        if (kind(p) != LEX_RSQB && kind(p) != LEX_COMMA)
            s->u.slice.step = expression(p);
    }
    s->pos = pos_to_prev(p, &s->pos);
    return s;
}

static AstExpr *primary(P *p);

static AstExpr *atom(P *p)
{
    const LexToken *t = cur(p);
    AstPos pos = pos_of(t);
    switch (t->kind) {
    case LEX_NAME: {
        advance(p);
        AstExpr *e = mk_expr(p, AST_NAME, pos);
        e->u.name = tok_str(p, t);
        return e;
    }
    case LEX_TRUE: advance(p); return mk_expr(p, AST_TRUE, pos);
    case LEX_FALSE: advance(p); return mk_expr(p, AST_FALSE, pos);
    case LEX_NONE: advance(p); return mk_expr(p, AST_NONE, pos);
    case LEX_NUMBER: advance(p); return number(p, t);
    case LEX_STRING: return atom_strings(p);
    case LEX_ELLIPSIS: unsupported(p, t, "'...' (Ellipsis) is");
    case LEX_YIELD: unsupported(p, t, "'yield' and generators are");
    case LEX_LPAR: {
        advance(p);
        p->level++;
        if (accept(p, LEX_RPAR)) {
            p->level--;
            AstExpr *e = mk_expr(p, AST_TUPLE, pos_to_prev(p, &pos));
            return e;
        }
        if (kind(p) == LEX_YIELD)
            unsupported(p, cur(p), "'yield' and generators are");
        AstExpr *first;
        const LexToken *st = cur(p);
        if (accept(p, LEX_STAR)) {
            AstExpr *v = bitwise_or(p);
            first = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
            first->u.value = v;
        } else {
            first = expression(p);
        }
        if (kind(p) == LEX_COLONEQUAL)
            unsupported(p, cur(p), "the walrus operator ':=' is");
        if (kind(p) == LEX_FOR && first->kind != AST_STARRED) {
            AstExpr *g = parse_comp_tail(p, first, AST_GENEXP, pos);
            if (kind(p) != LEX_RPAR)
                fail_here(p);
            advance(p);
            p->level--;
            g->pos = pos_to_prev(p, &pos);
            return g;
        }
        if (kind(p) == LEX_COMMA) {
            Vec v = {0};
            vec_push(p, &v, first);
            while (accept(p, LEX_COMMA)) {
                if (kind(p) == LEX_RPAR)
                    break;
                const LexToken *s2 = cur(p);
                if (accept(p, LEX_STAR)) {
                    AstExpr *x = bitwise_or(p);
                    AstExpr *s = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){s2->line, s2->col, 0, 0}));
                    s->u.value = x;
                    vec_push(p, &v, s);
                } else {
                    AstExpr *x = expression(p);
                    check_no_juxtaposed(p, x);
                    vec_push(p, &v, x);
                }
            }
            if (kind(p) != LEX_RPAR)
                fail_here(p);
            advance(p);
            p->level--;
            AstExpr *e = mk_expr(p, AST_TUPLE, pos_to_prev(p, &pos));
            e->u.seq = vec_exprs(&v);
            return e;
        }
        check_no_juxtaposed(p, first);
        if (kind(p) != LEX_RPAR)
            fail_here(p);
        if (first->kind == AST_STARRED) {
            ErrPos ep = node_pos(&first->pos);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot use starred expression here");
        }
        advance(p);
        p->level--;
        /* A parenthesized expression keeps its inner position (as CPython),
         * except that a tuple or genexp includes the parentheses. */
        return first;
    }
    case LEX_LSQB: {
        advance(p);
        p->level++;
        Vec v = {0};
        if (kind(p) != LEX_RSQB) {
            const LexToken *st = cur(p);
            AstExpr *first;
            if (accept(p, LEX_STAR)) {
                AstExpr *x = bitwise_or(p);
                first = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
                first->u.value = x;
            } else {
                first = expression(p);
            }
            if (kind(p) == LEX_FOR && first->kind != AST_STARRED) {
                AstExpr *c = parse_comp_tail(p, first, AST_LISTCOMP, pos);
                if (kind(p) != LEX_RSQB)
                    fail_here(p);
                advance(p);
                p->level--;
                c->pos = pos_to_prev(p, &pos);
                return c;
            }
            if (first->kind != AST_STARRED)
                check_no_juxtaposed(p, first);
            vec_push(p, &v, first);
            while (accept(p, LEX_COMMA)) {
                if (kind(p) == LEX_RSQB)
                    break;
                const LexToken *s2 = cur(p);
                if (accept(p, LEX_STAR)) {
                    AstExpr *x = bitwise_or(p);
                    AstExpr *s = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){s2->line, s2->col, 0, 0}));
                    s->u.value = x;
                    vec_push(p, &v, s);
                } else {
                    AstExpr *x = expression(p);
                    check_no_juxtaposed(p, x);
                    vec_push(p, &v, x);
                }
            }
            if (kind(p) == LEX_FOR) {
                AstExpr *last = v.v[v.n - 1];
                ErrPos ep = range_pos(&first->pos, &last->pos);
                if (v.n == 1)
                    ep = (ErrPos){first->pos.line, first->pos.col, prev(p)->end_line, prev(p)->end_col};
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "did you forget parentheses around the comprehension target?");
            }
        }
        if (kind(p) != LEX_RSQB)
            fail_here(p);
        advance(p);
        p->level--;
        AstExpr *e = mk_expr(p, AST_LIST, pos_to_prev(p, &pos));
        e->u.seq = vec_exprs(&v);
        return e;
    }
    case LEX_LBRACE: {
        advance(p);
        p->level++;
        Vec keys = {0}, vals = {0};
        if (kind(p) != LEX_RBRACE) {
            if (kind(p) == LEX_DSTAR)
                unsupported(p, cur(p), "'**' unpacking in dict displays is");
            if (kind(p) == LEX_STAR)
                unsupported(p, cur(p), "sets are");
            AstExpr *k = expression(p);
            if (kind(p) != LEX_COLON) {
                if (kind(p) == LEX_COMMA || kind(p) == LEX_RBRACE || kind(p) == LEX_FOR)
                    unsupported_at(p, &pos, "sets are");
                check_no_juxtaposed(p, k);
                fail_here(p);
            }
            advance(p);
            AstExpr *v = expression(p);
            if (kind(p) == LEX_FOR) {
                AstExpr *c = parse_comp_tail(p, NULL, AST_DICTCOMP, pos);
                c->u.comp.key = k;
                c->u.comp.value = v;
                if (kind(p) != LEX_RBRACE)
                    fail_here(p);
                advance(p);
                p->level--;
                c->pos = pos_to_prev(p, &pos);
                return c;
            }
            check_no_juxtaposed(p, v);
            vec_push(p, &keys, k);
            vec_push(p, &vals, v);
            while (accept(p, LEX_COMMA)) {
                if (kind(p) == LEX_RBRACE)
                    break;
                if (kind(p) == LEX_DSTAR)
                    unsupported(p, cur(p), "'**' unpacking in dict displays is");
                k = expression(p);
                if (kind(p) != LEX_COLON) {
                    ErrPos ep = {k->pos.end_line, k->pos.end_col - 1, k->pos.end_line, LEX_END_M1};
                    if (kind(p) == LEX_COMMA || kind(p) == LEX_RBRACE)
                        fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "':' expected after dictionary key");
                    fail_here(p);
                }
                advance(p);
                v = expression(p);
                check_no_juxtaposed(p, v);
                vec_push(p, &keys, k);
                vec_push(p, &vals, v);
            }
        }
        if (kind(p) != LEX_RBRACE)
            fail_here(p);
        advance(p);
        p->level--;
        AstExpr *e = mk_expr(p, AST_DICT, pos_to_prev(p, &pos));
        e->u.dict.n = keys.n;
        e->u.dict.keys = (AstExpr **)keys.v;
        e->u.dict.values = (AstExpr **)vals.v;
        return e;
    }
    default:
        if (t->kind == LEX_ERROR) {
            ErrPos ep = tok_pos(t);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "invalid syntax");
        }
        fail_here(p);
    }
}

/* for/if clauses of a comprehension; the element was already parsed. */
static AstExpr *parse_comp_tail(P *p, AstExpr *elt, AstExprKind k, AstPos pos)
{
    AstExpr *c = mk_expr(p, k, pos);
    c->u.comp.elt = elt;
    Vec gens = {0};
    while (kind(p) == LEX_FOR || kind(p) == LEX_ASYNC) {
        if (kind(p) == LEX_ASYNC)
            unsupported(p, cur(p), "asynchronous comprehensions are");
        advance(p);
        AstComprehension *g = alloc(p, sizeof *g);
        /* target: a comma-separated list of bitwise_or-level expressions */
        const LexToken *tt = cur(p);
        AstExpr *t0 = bitwise_or(p);
        if (kind(p) == LEX_COMMA) {
            Vec v = {0};
            vec_push(p, &v, t0);
            while (accept(p, LEX_COMMA)) {
                if (kind(p) == LEX_IN)
                    break;
                vec_push(p, &v, bitwise_or(p));
            }
            t0 = mk_expr(p, AST_TUPLE, pos_to_prev(p, &(AstPos){tt->line, tt->col, 0, 0}));
            t0->u.seq = vec_exprs(&v);
        }
        if (kind(p) != LEX_IN) {
            check_no_juxtaposed(p, t0);
            const AstExpr *bad = invalid_target(t0, T_FOR);
            if (bad) {
                ErrPos ep = node_pos(&bad->pos);
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot assign to %s", expr_name(bad));
            }
            fail_here(p);
        }
        make_target(p, t0, T_FOR);
        advance(p);
        g->target = t0;
        g->iter = disjunction(p);
        Vec ifs = {0};
        while (accept(p, LEX_IF))
            vec_push(p, &ifs, disjunction(p));
        g->ifs = vec_exprs(&ifs);
        vec_push(p, &gens, g);
    }
    c->u.comp.ngens = gens.n;
    c->u.comp.gens = alloc(p, (size_t)gens.n * sizeof(AstComprehension));
    for (int i = 0; i < gens.n; i++)
        c->u.comp.gens[i] = *(AstComprehension *)gens.v[i];
    c->pos = pos_to_prev(p, &pos);
    return c;
}

static AstExpr *primary(P *p)
{
    enter(p);
    AstPos start = pos_of(cur(p));
    AstExpr *e = atom(p);
    for (;;) {
        if (kind(p) == LEX_DOT) {
            advance(p);
            if (kind(p) != LEX_NAME)
                fail_here(p);
            const LexToken *nt = advance(p);
            AstExpr *a = mk_expr(p, AST_ATTRIBUTE, pos_to_prev(p, &start));
            a->u.attr.value = e;
            a->u.attr.attr = tok_str(p, nt);
            e = a;
        } else if (kind(p) == LEX_LPAR) {
            advance(p);
            AstExpr *c = mk_expr(p, AST_CALL, start);
            c->u.call.func = e;
            call_args(p, c);
            c->pos = pos_to_prev(p, &start);
            e = c;
        } else if (kind(p) == LEX_LSQB) {
            const LexToken *lb = advance(p);
            p->level++;
            AstExpr *idx = slice_item(p);
            if (kind(p) == LEX_COMMA) {
                Vec v = {0};
                vec_push(p, &v, idx);
                while (accept(p, LEX_COMMA)) {
                    if (kind(p) == LEX_RSQB)
                        break;
                    vec_push(p, &v, slice_item(p));
                }
                AstExpr *tu = mk_expr(p, AST_TUPLE, pos_to_prev(p, &idx->pos));
                tu->u.seq = vec_exprs(&v);
                idx = tu;
            }
            (void)lb;
            if (kind(p) != LEX_RSQB)
                fail_here(p);
            advance(p);
            p->level--;
            AstExpr *s = mk_expr(p, AST_SUBSCRIPT, pos_to_prev(p, &start));
            s->u.subscript.value = e;
            s->u.subscript.index = idx;
            e = s;
        } else {
            break;
        }
    }
    leave(p);
    return e;
}

static AstExpr *factor(P *p);

static AstExpr *power(P *p)
{
    const LexToken *t = cur(p);
    AstPos sp = pos_of(t);
    AstExpr *e;
    if (t->kind == LEX_AWAIT) {
        advance(p);
        AstExpr *v = primary(p);
        e = mk_expr(p, AST_AWAIT, pos_to_prev(p, &(AstPos){t->line, t->col, 0, 0}));
        e->u.value = v;
        if (!p->in_func)
            sem_error(p, &e->pos, "'await' outside function");
        else if (!p->in_async)
            sem_error(p, &e->pos, "'await' outside async function");
    } else {
        e = primary(p);
    }
    if (kind(p) == LEX_DSTAR) {
        if (++p->pow_chain >= PARSE_MAX_POW_CHAIN) {
            p->err->kind = PARSE_NO_MEMORY;
            snprintf(p->err->msg, sizeof p->err->msg, "parser stack overflow ('**' chain)");
            longjmp(p->jb, 1);
        }
        advance(p);
        AstExpr *r = factor(p);
        p->pow_chain--;
        AstExpr *b = mk_expr(p, AST_BINOP, pos_to_prev(p, &sp));
        b->u.binop.op = AST_POW;
        b->u.binop.left = e;
        b->u.binop.right = r;
        return b;
    }
    return e;
}

static AstExpr *factor(P *p)
{
    const LexToken *t = cur(p);
    AstUnop op;
    if (t->kind == LEX_MINUS)
        op = AST_UNEG;
    else if (t->kind == LEX_PLUS)
        op = AST_UPOS;
    else if (t->kind == LEX_TILDE)
        op = AST_UINVERT;
    else
        return power(p);
    enter(p);
    advance(p);
    /* -9223372036854775808: the one literal that only fits negated */
    if (op == AST_UNEG && kind(p) == LEX_NUMBER) {
        LexKind after = peek(p, 1)->kind;
        if (after != LEX_DSTAR && after != LEX_DOT && after != LEX_LPAR && after != LEX_LSQB) {
            const LexToken *nt = cur(p);
            const char *s = p->src + nt->start;
            int plain = 1;
            for (size_t i = 0; i < nt->len; i++)
                if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
                    plain = 0;
            int is_min = 0;
            if (plain) {
                int64_t v = parse_int_text(p, nt, 1, &is_min);
                (void)v;
                if (is_min) {
                    advance(p);
                    AstExpr *e = mk_expr(p, AST_INT, pos_to_prev(p, &(AstPos){t->line, t->col, 0, 0}));
                    e->u.ival = INT64_MIN;
                    leave(p);
                    return e;
                }
            }
        }
    }
    AstExpr *operand = factor(p);
    AstExpr *e = mk_expr(p, AST_UNARYOP, pos_to_prev(p, &(AstPos){t->line, t->col, 0, 0}));
    e->u.unary.op = op;
    e->u.unary.operand = operand;
    leave(p);
    return e;
}

typedef struct BinLevel {
    LexKind toks[4];
    AstBinop ops[4];
} BinLevel;

static const BinLevel bin_levels[] = {
    {{LEX_VBAR}, {AST_BITOR}},
    {{LEX_CIRCUMFLEX}, {AST_BITXOR}},
    {{LEX_AMPER}, {AST_BITAND}},
    {{LEX_LSHIFT, LEX_RSHIFT}, {AST_LSHIFT, AST_RSHIFT}},
    {{LEX_PLUS, LEX_MINUS}, {AST_ADD, AST_SUB}},
    {{LEX_STAR, LEX_SLASH, LEX_DSLASH, LEX_PERCENT}, {AST_MUL, AST_DIV, AST_FLOORDIV, AST_MOD}},
};
#define N_BIN_LEVELS (int)(sizeof bin_levels / sizeof bin_levels[0])

static AstExpr *binary(P *p, int level)
{
    if (level == N_BIN_LEVELS)
        return factor(p);
    AstPos sp = pos_of(cur(p));
    AstExpr *e = binary(p, level + 1);
    for (;;) {
        LexKind k = kind(p);
        int found = -1;
        for (int i = 0; i < 4; i++)
            if (bin_levels[level].toks[i] == k && k != LEX_EOF)
                found = i;
        if (found < 0 && level == N_BIN_LEVELS - 1 && k == LEX_AT)
            found = 4; /* @ */
        if (found < 0)
            return e;
        advance(p);
        AstExpr *r = binary(p, level + 1);
        AstExpr *b = mk_expr(p, AST_BINOP, pos_to_prev(p, &sp));
        b->u.binop.op = found == 4 ? AST_MATMUL : bin_levels[level].ops[found];
        b->u.binop.left = e;
        b->u.binop.right = r;
        e = b;
    }
}

static AstExpr *bitwise_or(P *p)
{
    return binary(p, 0);
}

static int comp_op(P *p, AstCmpop *op)
{
    switch (kind(p)) {
    case LEX_EQEQUAL: *op = AST_EQ; break;
    case LEX_NOTEQUAL: *op = AST_NE; break;
    case LEX_LESS: *op = AST_LT; break;
    case LEX_LESSEQ: *op = AST_LE; break;
    case LEX_GREATER: *op = AST_GT; break;
    case LEX_GREATEREQ: *op = AST_GE; break;
    case LEX_IN: *op = AST_IN; break;
    case LEX_IS:
        advance(p);
        *op = accept(p, LEX_NOT) ? AST_ISNOT : AST_IS;
        return 1;
    case LEX_NOT:
        if (peek(p, 1)->kind != LEX_IN)
            return 0;
        advance(p);
        *op = AST_NOTIN;
        break;
    default:
        return 0;
    }
    advance(p);
    return 1;
}

static AstExpr *comparison(P *p)
{
    AstPos sp = pos_of(cur(p));
    AstExpr *e = bitwise_or(p);
    AstCmpop op;
    if (!comp_op(p, &op))
        return e;
    Vec ops = {0}, rhs = {0};
    do {
        AstCmpop *o = alloc(p, sizeof *o);
        *o = op;
        vec_push(p, &ops, o);
        vec_push(p, &rhs, bitwise_or(p));
    } while (comp_op(p, &op));
    AstExpr *c = mk_expr(p, AST_COMPARE, pos_to_prev(p, &sp));
    c->u.compare.left = e;
    c->u.compare.ops = alloc(p, (size_t)ops.n * sizeof(AstCmpop));
    for (int i = 0; i < ops.n; i++)
        c->u.compare.ops[i] = *(AstCmpop *)ops.v[i];
    c->u.compare.comparators = vec_exprs(&rhs);
    return c;
}

static AstExpr *inversion(P *p)
{
    const LexToken *t = cur(p);
    if (t->kind != LEX_NOT)
        return comparison(p);
    enter(p);
    advance(p);
    AstExpr *v = inversion(p);
    AstExpr *e = mk_expr(p, AST_UNARYOP, pos_to_prev(p, &(AstPos){t->line, t->col, 0, 0}));
    e->u.unary.op = AST_UNOT;
    e->u.unary.operand = v;
    leave(p);
    return e;
}

static AstExpr *boolop(P *p, LexKind tk, AstBoolop op, AstExpr *(*sub)(P *))
{
    AstPos sp = pos_of(cur(p));
    AstExpr *e = sub(p);
    if (kind(p) != tk)
        return e;
    Vec v = {0};
    vec_push(p, &v, e);
    while (accept(p, tk))
        vec_push(p, &v, sub(p));
    AstExpr *b = mk_expr(p, AST_BOOLOP, pos_to_prev(p, &sp));
    b->u.boolop.op = op;
    b->u.boolop.values = vec_exprs(&v);
    return b;
}

static AstExpr *conjunction(P *p)
{
    return boolop(p, LEX_AND, AST_AND, inversion);
}

static AstExpr *disjunction(P *p)
{
    return boolop(p, LEX_OR, AST_OR, conjunction);
}

/* Parameters of a def (closing token RPAR) or a lambda (COLON). */
static void parameters(P *p, AstParams *out, LexKind close, int is_lambda)
{
    Vec args = {0}, kwonly = {0};
    AstArg *vararg = NULL;
    int star_seen = 0, default_seen = 0;
    while (kind(p) != close) {
        const LexToken *t = cur(p);
        if (t->kind == LEX_SLASH)
            unsupported(p, t, "positional-only parameters ('/') are");
        if (t->kind == LEX_DSTAR)
            unsupported(p, t, "'**' parameters are");
        if (t->kind == LEX_STAR) {
            if (star_seen)
                fail_here(p);
            advance(p);
            star_seen = 1;
            if (kind(p) == LEX_NAME) {
                const LexToken *nt = advance(p);
                vararg = alloc(p, sizeof *vararg);
                vararg->name = tok_str(p, nt);
                vararg->pos = pos_of(nt);
                if (kind(p) == LEX_COLON && !is_lambda)
                    unsupported(p, cur(p), "type annotations are");
            } else if (kind(p) == close || kind(p) != LEX_COMMA) {
                ErrPos ep = tok_pos(t);
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "named arguments must follow bare *");
            }
        } else {
            if (t->kind != LEX_NAME)
                fail_here(p);
            advance(p);
            AstArg *a = alloc(p, sizeof *a);
            a->name = tok_str(p, t);
            a->pos = pos_of(t);
            if (kind(p) == LEX_COLON && !is_lambda)
                unsupported(p, cur(p), "type annotations are");
            if (accept(p, LEX_EQUAL)) {
                a->dflt = expression(p);
                if (!star_seen)
                    default_seen = 1;
            } else if (default_seen && !star_seen) {
                ErrPos ep = tok_pos(t);
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "non-default argument follows default argument");
            }
            vec_push(p, star_seen ? &kwonly : &args, a);
        }
        if (!accept(p, LEX_COMMA))
            break;
    }
    if (kind(p) != close) {
        if (close == LEX_RPAR || kind(p) != LEX_COLON)
            fail_here(p);
    }
    if (star_seen && !vararg && kwonly.n == 0) {
        ErrPos ep = tok_pos(prev(p));
        fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "named arguments must follow bare *");
    }
    out->nargs = args.n;
    out->args = args.n ? alloc(p, (size_t)args.n * sizeof(AstArg)) : NULL;
    for (int i = 0; i < args.n; i++)
        out->args[i] = *(AstArg *)args.v[i];
    out->nkwonly = kwonly.n;
    out->kwonly = kwonly.n ? alloc(p, (size_t)kwonly.n * sizeof(AstArg)) : NULL;
    for (int i = 0; i < kwonly.n; i++)
        out->kwonly[i] = *(AstArg *)kwonly.v[i];
    out->vararg = vararg;
    /* duplicate names: CPython's symbol table, after parsing */
    int total = out->nargs + out->nkwonly + (vararg ? 1 : 0);
    for (int i = 0; i < total; i++) {
        AstArg *ai = i < out->nargs ? &out->args[i] : i < out->nargs + out->nkwonly ? &out->kwonly[i - out->nargs] : vararg;
        for (int j = 0; j < i; j++) {
            AstArg *aj = j < out->nargs ? &out->args[j] : j < out->nargs + out->nkwonly ? &out->kwonly[j - out->nargs] : vararg;
            if (strcmp(ai->name, aj->name) == 0)
                sem_error(p, &ai->pos, "duplicate argument '%s' in function definition", ai->name);
        }
    }
}

static AstExpr *lambda(P *p)
{
    const LexToken *t = advance(p);
    AstExpr *e = mk_expr(p, AST_LAMBDA, pos_of(t));
    parameters(p, &e->u.lambda.params, LEX_COLON, 1);
    expect(p, LEX_COLON);
    int f = p->in_func, a = p->in_async;
    p->in_func = 1;
    p->in_async = 0;
    enter(p); /* CPython's parser spends two levels per lambda: its depth, not ours */
    e->u.lambda.body = expression(p);
    leave(p);
    p->in_func = f;
    p->in_async = a;
    e->pos = pos_to_prev(p, &e->pos);
    return e;
}

static AstExpr *expression(P *p)
{
    enter(p);
    if (kind(p) == LEX_LAMBDA) {
        AstExpr *l = lambda(p);
        leave(p);
        return l;
    }
    AstPos sp = pos_of(cur(p));
    AstExpr *e = disjunction(p);
    if (kind(p) == LEX_IF) {
        advance(p);
        AstExpr *test = disjunction(p);
        if (kind(p) != LEX_ELSE) {
            if (kind(p) != LEX_COLON) {
                ErrPos ep = range_pos(&e->pos, &test->pos);
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "expected 'else' after 'if' expression");
            }
            fail_here(p);
        }
        advance(p);
        AstExpr *orelse = expression(p);
        AstExpr *c = mk_expr(p, AST_IFEXP, pos_to_prev(p, &sp));
        c->u.ifexp.test = test;
        c->u.ifexp.body = e;
        c->u.ifexp.orelse = orelse;
        e = c;
    }
    if (kind(p) == LEX_COLONEQUAL)
        unsupported(p, cur(p), "the walrus operator ':=' is");
    leave(p);
    return e;
}

/* CPython's invalid_named_expression, where a named expression may stand
 * (bracket items, conditions): `name = value` or `f() = value`. */
static void check_named_assign(P *p, AstExpr *a)
{
    if (kind(p) != LEX_EQUAL)
        return;
    if (a->kind == AST_NAME) {
        size_t save = p->i;
        advance(p);
        if (starts_expression(kind(p))) {
            AstExpr *b = bitwise_or(p);
            if (kind(p) != LEX_EQUAL && kind(p) != LEX_COLONEQUAL) {
                ErrPos ep = range_pos(&a->pos, &b->pos);
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
            }
        }
        p->i = save;
    } else if (bitwise_or_level(a)) {
        ErrPos ep = node_pos(&a->pos);
        fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                 expr_name(a));
    }
}

/* The two tries of check_no_juxtaposed() after `a`, at token save: they
 * always end in an error (a longjmp). */
static _Noreturn void juxt_try(P *p, AstExpr *a, size_t save)
{
    ParseError saved = *p->err;
    jmp_buf jb;
    memcpy(jb, p->jb, sizeof jb);
    int depth = p->depth, level = p->level, pow_chain = p->pow_chain;
    p->spec++;
    if (setjmp(p->jb) == 0) {
        AstExpr *b = expression(p);
        memcpy(p->jb, jb, sizeof jb);
        p->spec--;
        ErrPos ep = range_pos(&a->pos, &b->pos);
        fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "invalid syntax. Perhaps you forgot a comma?");
    }
    /* the whole expression did not parse; CPython's PEG parser backtracks
     * to the longest one that does, often a primary (f in `f-or`) */
    memcpy(p->jb, jb, sizeof jb);
    *p->err = saved;
    p->depth = depth;
    p->pow_chain = pow_chain;
    p->level = level;
    p->i = save;
    if (setjmp(p->jb) == 0) {
        AstExpr *b = primary(p);
        memcpy(p->jb, jb, sizeof jb);
        p->spec--;
        ErrPos ep = range_pos(&a->pos, &b->pos);
        fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "invalid syntax. Perhaps you forgot a comma?");
    }
    /* b did not parse: plain invalid syntax where b starts */
    memcpy(p->jb, jb, sizeof jb);
    p->spec--;
    *p->err = saved;
    p->depth = depth;
    p->pow_chain = pow_chain;
    p->level = level;
    p->i = save;
    fail_here(p);
}

/* Inside brackets, two expressions side by side: CPython suggests a comma
 * (except after print/exec, and NAME STRING which looks like a bad prefix).
 *
 * Its tries read ahead, and inside them every nested bracket with two
 * expressions side by side tries again: `{a {a {a ...` took 2^n parses.
 * But a try nested in a speculation always fails, and all the enclosing
 * speculation keeps of it is how far it read (p->far, for the
 * unclosed-bracket rule); that depends only on where it starts and on
 * whether lookahead_expression() is running (it decides what fail_here()
 * does), so it is worked out once per token and remembered: linear. (Its
 * reach could also depend on p->depth near PARSE_MAX_DEPTH; the first
 * answer stands.) Inside an f-string's expression reach is not tracked,
 * so a nested try just fails. */
static void check_no_juxtaposed(P *p, AstExpr *a)
{
    if (p->level > 0)
        check_named_assign(p, a);
    if (p->level <= 0 || !starts_expression(kind(p)))
        return;
    if (a->kind == AST_NAME && kind(p) == LEX_STRING)
        return;
    if (a->kind == AST_NAME && (strcmp(a->u.name, "print") == 0 || strcmp(a->u.name, "exec") == 0))
        return;
    size_t save = p->i;
    if (!p->spec)
        juxt_try(p, a, save);
    if (p->fexpr || p->ntoks >= UINT32_MAX / 2)
        longjmp(p->jb, 1);
    if (!p->juxt_reach) {
        p->juxt_reach = ast_alloc(p->ast, 2 * p->ntoks * sizeof *p->juxt_reach);
        if (!p->juxt_reach)
            nomem(p);
        memset(p->juxt_reach, 0, 2 * p->ntoks * sizeof *p->juxt_reach);
    }
    uint32_t *slot = &p->juxt_reach[2 * save + (p->in_lookahead ? 1 : 0)];
    if (!*slot) {
        size_t far = p->far;
        jmp_buf jb;
        memcpy(jb, p->jb, sizeof jb);
        p->far = save;
        if (setjmp(p->jb) == 0)
            juxt_try(p, a, save);
        memcpy(p->jb, jb, sizeof jb);
        *slot = (uint32_t)p->far + 1;
        p->far = far;
    }
    touch(p, *slot - 1);
    longjmp(p->jb, 1);
}

/* CPython's second pass tries to read an expression after one that
 * ended too early (invalid_expression): only its reach matters here, for
 * the unclosed-bracket rule; the parse error stays where it was. */
static void lookahead_expression(P *p)
{
    if (p->in_lookahead || p->fexpr)
        return;
    p->in_lookahead = 1;
    p->spec++;
    size_t save = p->i;
    ParseError saved = *p->err;
    ParseError sem = p->sem;
    jmp_buf jb;
    memcpy(jb, p->jb, sizeof jb);
    int depth = p->depth, level = p->level, pow_chain = p->pow_chain;
    /* CPython tries the rule at each following position: a chain */
    if (setjmp(p->jb) == 0) {
        size_t guard = p->ntoks;
        while (starts_expression(kind(p)) && guard--) {
            size_t before = p->i;
            expression(p);
            if (p->i == before)
                break;
        }
    }
    memcpy(p->jb, jb, sizeof jb);
    *p->err = saved;
    p->sem = sem;
    p->depth = depth;
    p->pow_chain = pow_chain;
    p->level = level;
    p->i = save;
    p->spec--;
    p->in_lookahead = 0;
}

/* expression (',' expression)* [','] -> a tuple when there is a comma.
 * allow_star: `*x` items (a tuple display, or an assignment's target). */
static AstExpr *star_expressions(P *p, int allow_star)
{
    const LexToken *st = cur(p);
    AstExpr *first;
    if (allow_star && kind(p) == LEX_STAR) {
        advance(p);
        AstExpr *v = bitwise_or(p);
        first = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
        first->u.value = v;
    } else {
        first = expression(p);
    }
    if (kind(p) != LEX_COMMA) {
        if (first->kind == AST_STARRED) /* CPython's compiler says so, after parsing */
            sem_error(p, &first->pos, "can't use starred expression here");
        return first;
    }
    Vec v = {0};
    vec_push(p, &v, first);
    while (accept(p, LEX_COMMA)) {
        if (!starts_expression(kind(p)) && !(allow_star && kind(p) == LEX_STAR))
            break;
        const LexToken *s2 = cur(p);
        if (allow_star && accept(p, LEX_STAR)) {
            AstExpr *x = bitwise_or(p);
            AstExpr *s = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){s2->line, s2->col, 0, 0}));
            s->u.value = x;
            vec_push(p, &v, s);
        } else {
            vec_push(p, &v, expression(p));
        }
    }
    AstExpr *t = mk_expr(p, AST_TUPLE, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
    t->u.seq = vec_exprs(&v);
    return t;
}

/* ---- Strings and f-strings -------------------------------------------- */

typedef struct SBuf {
    char *p;
    size_t n, cap;
} SBuf;

static void sb_put(P *p, SBuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 64;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *x = alloc(p, nc);
        if (b->n)
            memcpy(x, b->p, b->n);
        b->p = x;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_utf8(P *p, SBuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80)
        u[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    sb_put(p, b, u, n);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode the escapes of s[0..n) (a piece of a string literal's body)
 * onto b. t is the literal's token, for errors. */
static void decode_escapes(P *p, SBuf *b, const char *s, size_t n, int raw, const LexToken *t)
{
    if (raw) {
        /* \r\n inside a triple-quoted literal reads as \n */
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\r') {
                sb_put(p, b, "\n", 1);
                if (i + 1 < n && s[i + 1] == '\n')
                    i++;
            } else {
                sb_put(p, b, s + i, 1);
            }
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\r') {
            sb_put(p, b, "\n", 1);
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
            continue;
        }
        if (c != '\\' || i + 1 >= n) {
            sb_put(p, b, &c, 1);
            continue;
        }
        char e = s[++i];
        switch (e) {
        case '\n': break;
        case '\r':
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
            break;
        case '\\': sb_put(p, b, "\\", 1); break;
        case '\'': sb_put(p, b, "'", 1); break;
        case '"': sb_put(p, b, "\"", 1); break;
        case 'a': sb_put(p, b, "\a", 1); break;
        case 'b': sb_put(p, b, "\b", 1); break;
        case 'f': sb_put(p, b, "\f", 1); break;
        case 'n': sb_put(p, b, "\n", 1); break;
        case 'r': sb_put(p, b, "\r", 1); break;
        case 't': sb_put(p, b, "\t", 1); break;
        case 'v': sb_put(p, b, "\v", 1); break;
        case 'x': case 'u': case 'U': {
            int want = e == 'x' ? 2 : e == 'u' ? 4 : 8;
            uint32_t v = 0;
            int got = 0;
            while (got < want && i + 1 < n && hexval((unsigned char)s[i + 1]) >= 0) {
                v = v * 16 + (uint32_t)hexval((unsigned char)s[++i]);
                got++;
            }
            if (got < want || v > 0x10FFFF) {
                ErrPos ep = tok_pos(t);
                ep.col = ep.col;
                ep.end_col = LEX_END_SAME;
                if (v > 0x10FFFF && got == want)
                    fail_pos(p, PARSE_SYNTAX_ERROR, &ep,
                             "(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character");
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep,
                         "(unicode error) 'unicodeescape' codec can't decode bytes: truncated \\%c%s escape", e,
                         e == 'x' ? "XX" : e == 'u' ? "XXXX" : "XXXXXXXX");
            }
            sb_utf8(p, b, v);
            break;
        }
        case 'N': {
            ErrPos ep = tok_pos(t);
            ep.end_col = LEX_END_SAME;
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "\\N{...} escapes are not supported in the lesson language");
        }
        default:
            if (e >= '0' && e <= '7') {
                uint32_t v = (uint32_t)(e - '0');
                for (int k = 0; k < 2 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                    v = v * 8 + (uint32_t)(s[++i] - '0');
                sb_utf8(p, b, v);
            } else {
                /* unknown escape: kept as is */
                sb_put(p, b, "\\", 1);
                sb_put(p, b, &e, 1);
            }
        }
    }
}

typedef struct StrTok {
    int raw, fmt, bytes;
    size_t body, body_len; /* body byte range in src */
    int quote_len;
} StrTok;

static StrTok str_tok(P *p, const LexToken *t)
{
    StrTok r = {0};
    size_t i = 0;
    const char *s = p->src + t->start;
    while (i < t->len && s[i] != '\'' && s[i] != '"') {
        char c = (char)(s[i] | 0x20);
        if (c == 'r')
            r.raw = 1;
        else if (c == 'f')
            r.fmt = 1;
        else if (c == 'b')
            r.bytes = 1;
        i++;
    }
    char q = s[i];
    r.quote_len = (i + 2 < t->len && s[i + 1] == q && s[i + 2] == q && t->len - i >= 6) ? 3 : 1;
    r.body = t->start + i + (size_t)r.quote_len;
    r.body_len = t->len - i - 2 * (size_t)r.quote_len;
    return r;
}

static void parts_add_str(P *p, Vec *parts, SBuf *lit, AstPos pos)
{
    if (lit->n == 0)
        return;
    /* Merge with a previous Str part */
    if (parts->n && ((AstExpr *)parts->v[parts->n - 1])->kind == AST_STR) {
        AstExpr *prevs = parts->v[parts->n - 1];
        SBuf m = {0};
        sb_put(p, &m, prevs->u.str.s, prevs->u.str.len);
        sb_put(p, &m, lit->p, lit->n);
        prevs->u.str.s = m.p;
        prevs->u.str.len = m.n;
    } else {
        AstExpr *e = mk_expr(p, AST_STR, pos);
        e->u.str.s = lit->p;
        e->u.str.len = lit->n;
        vec_push(p, parts, e);
    }
    lit->p = NULL;
    lit->n = lit->cap = 0;
}

/* An error at the end of an f-string's token, as CPython 3.11 reports
 * errors in an f-string's braces. */
static _Noreturn void fstring_error(P *p, const LexToken *t, const char *msg)
{
    ErrPos ep = {t->end_line, t->end_col, t->end_line, LEX_END_SAME};
    if (p->fexpr) {
        /* nested: keep the outer position rules simple */
        ep = (ErrPos){t->line, t->col, t->line, LEX_END_SAME};
    }
    const FExpr *f = p->fexpr;
    p->fexpr = NULL;
    (void)f;
    fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "%s", msg);
}

static AstExpr *parse_fexpr(P *p, size_t start, size_t end);

/* Parse f-string body text s[i..n) (absolute offsets into src) up to a
 * closing '}' at depth>0 (a format spec) or the end; appends parts. */
static size_t fstring_body(P *p, const LexToken *t, size_t i, size_t n, int raw, int nest, Vec *parts,
                           AstPos pos)
{
    const char *src = p->src;
    SBuf lit = {0};
    size_t lit_start = i;
    while (i < n) {
        char c = src[i];
        if (!raw && c == '\\' && i + 1 < n) {
            if (src[i + 1] == 'N' && i + 2 < n && src[i + 2] == '{') {
                size_t j = i + 3;
                while (j < n && src[j] != '}')
                    j++;
                i = j < n ? j + 1 : n;
            } else {
                i += 2;
            }
            continue;
        }
        if (c == '{' || c == '}') {
            /* flush the literal before */
            decode_escapes(p, &lit, src + lit_start, i - lit_start, raw, t);
            if (c == '{' && i + 1 < n && src[i + 1] == '{' && nest == 0) {
                sb_put(p, &lit, "{", 1);
                i += 2;
                lit_start = i;
                continue;
            }
            if (c == '}') {
                if (nest > 0) {
                    parts_add_str(p, parts, &lit, pos);
                    return i; /* end of the format spec */
                }
                if (i + 1 < n && src[i + 1] == '}') {
                    sb_put(p, &lit, "}", 1);
                    i += 2;
                    lit_start = i;
                    continue;
                }
                fstring_error(p, t, "f-string: single '}' is not allowed");
            }
            /* an expression */
            if (nest >= FSTRING_MAX_NEST)
                fstring_error(p, t, "f-string: expressions nested too deeply");
            size_t ex = i + 1, j = ex;
            int depth = 0;
            char parens[200]; /* CPython's MAXLEVEL for f-string expressions */
            char inq = 0;
            int qlen = 0;
            for (; j < n; j++) {
                char d = src[j];
                if (inq) {
                    if (d == inq && (qlen == 1 || (j + 2 < n && src[j + 1] == inq && src[j + 2] == inq))) {
                        j += (size_t)qlen - 1;
                        inq = 0;
                    }
                    continue;
                }
                if (d == '\\')
                    fstring_error(p, t, "f-string expression part cannot include a backslash");
                if (d == '\'' || d == '"') {
                    inq = d;
                    qlen = (j + 2 < n && src[j + 1] == d && src[j + 2] == d) ? 3 : 1;
                    j += (size_t)qlen - 1;
                    continue;
                }
                if (d == '[' || d == '(' || d == '{') {
                    if (depth >= (int)sizeof parens)
                        fstring_error(p, t, "f-string: too many nested parenthesis");
                    parens[depth++] = d;
                    continue;
                }
                if (d == '#')
                    fstring_error(p, t, "f-string expression part cannot include '#'");
                if (depth > 0) {
                    if (d == ']' || d == ')' || d == '}') {
                        char open = parens[--depth];
                        char want = open == '(' ? ')' : open == '[' ? ']' : '}';
                        if (d != want) {
                            char msg[96];
                            snprintf(msg, sizeof msg,
                                     "f-string: closing parenthesis '%c' does not match opening parenthesis '%c'", d,
                                     open);
                            fstring_error(p, t, msg);
                        }
                    }
                    continue;
                }
                if (d == '=' && j + 1 < n && src[j + 1] == '=') {
                    j++;
                    continue;
                }
                if ((d == '!' || d == '<' || d == '>') && j + 1 < n && src[j + 1] == '=') {
                    j++;
                    continue;
                }
                if (d == '!' || d == ':' || d == '}' || d == '=')
                    break;
                if (d == ')' || d == ']') {
                    char msg[64];
                    snprintf(msg, sizeof msg, "f-string: unmatched '%c'", d);
                    fstring_error(p, t, msg);
                }
            }
            if (inq)
                fstring_error(p, t, "f-string: unterminated string");
            if (depth > 0) {
                char msg[64];
                snprintf(msg, sizeof msg, "f-string: unmatched '%c'", parens[depth - 1]);
                fstring_error(p, t, msg);
            }
            if (j >= n)
                fstring_error(p, t, "f-string: expecting '}'");
            /* the expression text is src[ex..j) */
            int blank = 1;
            for (size_t k = ex; k < j; k++)
                if (src[k] != ' ' && src[k] != '\t' && src[k] != '\n' && src[k] != '\r' && src[k] != '\f')
                    blank = 0;
            if (blank)
                fstring_error(p, t, "f-string: empty expression not allowed");
            AstExpr *value = parse_fexpr(p, ex, j);
            int conversion = -1;
            int debug = 0;
            size_t debug_end = j;
            if (src[j] == '=') {
                debug = 1;
                j++;
                while (j < n && (src[j] == ' ' || src[j] == '\t'))
                    j++;
                debug_end = j;
            }
            if (j < n && src[j] == '!') {
                j++;
                if (j >= n)
                    fstring_error(p, t, "f-string: expecting '}'");
                char cv = src[j];
                if (cv != 's' && cv != 'r' && cv != 'a')
                    fstring_error(p, t, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
                conversion = cv;
                j++;
            }
            AstExpr *spec = NULL;
            if (j < n && src[j] == ':') {
                Vec sparts = {0};
                j = fstring_body(p, t, j + 1, n, raw, nest + 1, &sparts, pos);
                spec = mk_expr(p, AST_JOINEDSTR, pos);
                spec->u.seq = vec_exprs(&sparts);
            }
            if (j >= n || src[j] != '}')
                fstring_error(p, t, "f-string: expecting '}'");
            j++;
            if (debug) {
                sb_put(p, &lit, src + ex, debug_end - ex);
                if (conversion < 0 && !spec)
                    conversion = 'r';
            }
            parts_add_str(p, parts, &lit, pos);
            AstExpr *fv = mk_expr(p, AST_FORMATTED, pos);
            fv->u.fmt.value = value;
            fv->u.fmt.conversion = conversion;
            fv->u.fmt.spec = spec;
            vec_push(p, parts, fv);
            i = j;
            lit_start = i;
            continue;
        }
        i++;
    }
    decode_escapes(p, &lit, src + lit_start, i - lit_start, raw, t);
    parts_add_str(p, parts, &lit, pos);
    if (nest > 0)
        fstring_error(p, t, "f-string: expecting '}'");
    return i;
}

/* Parse src[start..end) as "(expr)": CPython 3.11 compiles an f-string's
 * expression on its own, between parentheses. */
static AstExpr *parse_fexpr(P *p, size_t start, size_t end)
{
    /* Tokenize as if inside brackets: newlines are free, no INDENT. We
     * give the lexer "(" + text + ")" by lexing the text with a wrapper:
     * simplest is to copy it. Positions are then shifted back. */
    size_t n = end - start;
    char *w = mem_alloc(p->m, n + 2);
    if (!w)
        nomem(p);
    w[0] = '(';
    memcpy(w + 1, p->src + start, n);
    w[n + 1] = ')';
    size_t ntoks;
    LexError le;
    LexToken *toks = lex_tokenize(p->m, w, n + 2, &ntoks, &le);
    mem_free(p->m, w, n + 2);
    if (!toks)
        nomem(p);
    /* Map positions: line/col of the wrapped text to the source. */
    size_t ls_n;
    int has_nl;
    int base_line = 1;
    for (size_t k = 0; k < start; k++)
        if (p->src[k] == '\n')
            base_line++;
    size_t bol = start;
    while (bol > 0 && p->src[bol - 1] != '\n')
        bol--;
    int base_col = (int)(start - bol) - 1; /* the '(' sits one before */
    (void)ls_n;
    (void)has_nl;
    for (size_t k = 0; k < ntoks; k++) {
        LexToken *x = &toks[k];
        if (x->line == 1)
            x->col += base_col;
        if (x->end_line == 1)
            x->end_col += base_col;
        x->line += base_line - 1;
        x->end_line += base_line - 1;
        x->start = x->start + start - 1;
    }
    FExpr fe = {start, end};
    const FExpr *saved_f = p->fexpr;
    LexToken *saved_toks = p->toks;
    size_t saved_n = p->ntoks, saved_i = p->i;
    int saved_level = p->level;
    jmp_buf saved_jb;
    memcpy(saved_jb, p->jb, sizeof saved_jb);
    if (le.kind != LEX_OK) {
        mem_free(p->m, toks, ntoks * sizeof *toks);
        if (p->spec) /* as in fail_pos: the catcher restores p->err */
            longjmp(p->jb, 1);
        ErrPos ep = {le.line + base_line - 1, le.col + (le.line == 1 ? base_col : 0), 0, LEX_END_SAME};
        ep.end_line = ep.line;
        p->fexpr = &fe;
        /* fail_pos longjmps to the caller's handler: nothing of ours to undo */
        ParseErrorKind k = PARSE_SYNTAX_ERROR;
        char msg[sizeof le.msg];
        memcpy(msg, le.msg, sizeof msg);
        err_fill(p, p->err, k, &ep, 1, msg);
        err_fstring_adjust(p, p->err, &ep, 0);
        p->fexpr = saved_f;
        longjmp(p->jb, 1);
    }
    p->fexpr = &fe;
    p->toks = toks;
    p->ntoks = ntoks;
    p->i = 0;
    p->level = 0;
    AstExpr *e = NULL;
    if (setjmp(p->jb) == 0) {
        /* "(" expr ")" as one atom: a tuple or generator keeps the
         * parentheses in its position, as in CPython 3.11 */
        e = atom(p);
        while (kind(p) == LEX_NEWLINE)
            advance(p);
        if (kind(p) != LEX_EOF)
            fail_here(p);
    } else {
        mem_free(p->m, toks, ntoks * sizeof *toks);
        memcpy(p->jb, saved_jb, sizeof saved_jb);
        p->toks = saved_toks;
        p->ntoks = saved_n;
        p->i = saved_i;
        p->level = saved_level;
        p->fexpr = saved_f;
        longjmp(p->jb, 1);
    }
    mem_free(p->m, toks, ntoks * sizeof *toks);
    memcpy(p->jb, saved_jb, sizeof saved_jb);
    p->toks = saved_toks;
    p->ntoks = saved_n;
    p->i = saved_i;
    p->level = saved_level;
    p->fexpr = saved_f;
    return e;
}

/* One or more adjacent string literals. */
static AstExpr *atom_strings(P *p)
{
    const LexToken *first = cur(p);
    Vec parts = {0};
    int any_f = 0, any_bytes = 0, any_str = 0;
    AstPos pos = pos_of(first);
    size_t start_i = p->i;
    while (kind(p) == LEX_STRING) {
        const LexToken *t = advance(p);
        StrTok st = str_tok(p, t);
        if (st.bytes)
            any_bytes = 1;
        else
            any_str = 1;
        if (any_bytes && any_str) {
            ErrPos ep = tok_pos(t);
            ep.end_col = LEX_END_SAME;
            ep.col = t->col;
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot mix bytes and nonbytes literals");
        }
        if (st.fmt)
            any_f = 1;
    }
    if (any_bytes)
        unsupported(p, first, "bytes literals are");
    pos = pos_to_prev(p, &pos);
    size_t end_i = p->i;
    for (size_t k = start_i; k < end_i; k++) {
        const LexToken *t = &p->toks[k];
        StrTok st = str_tok(p, t);
        if (st.fmt) {
            fstring_body(p, t, st.body, st.body + st.body_len, st.raw, 0, &parts, pos);
        } else {
            SBuf lit = {0};
            decode_escapes(p, &lit, p->src + st.body, st.body_len, st.raw, t);
            if (lit.n == 0)
                sb_put(p, &lit, "", 0);
            parts_add_str(p, &parts, &lit, pos);
        }
    }
    if (!any_f) {
        if (parts.n == 1)
            return parts.v[0];
        AstExpr *e = mk_expr(p, AST_STR, pos);
        e->u.str.s = "";
        e->u.str.len = 0;
        return e;
    }
    AstExpr *j = mk_expr(p, AST_JOINEDSTR, pos);
    j->u.seq = vec_exprs(&parts);
    return j;
}

/* ---- Statements ------------------------------------------------------- */

static AstStmtList block_levels(P *p, const char *what, int header_line, int levels);
/* An indented block spends 6 of CPython's parser levels, a def's or an
 * else's 7 (where a long chain inside gives MemoryError). */
static AstStmtList block(P *p, const char *what, int header_line);
static AstStmt *statement_into(P *p, Vec *out);
static void fix_end(P *p, AstStmt *s);

/* For error messages: "'if' statement", "function definition", ... */
static AstStmt *simple_stmt(P *p);

/* One element of a for target: bitwise_or, or a starred one (`*b`, which
 * make_target then reports as unsupported, as `a, *b = ...` is). */
static AstExpr *for_target_item(P *p)
{
    const LexToken *st = cur(p);
    if (!accept(p, LEX_STAR))
        return bitwise_or(p);
    AstExpr *v = bitwise_or(p);
    AstExpr *s = mk_expr(p, AST_STARRED, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
    s->u.value = v;
    return s;
}

static AstExpr *target_list_for(P *p)
{
    /* for TARGETS in: star_targets; parse as a tuple of bitwise_or */
    const LexToken *st = cur(p);
    AstExpr *t0 = for_target_item(p);
    if (kind(p) == LEX_COMMA) {
        Vec v = {0};
        vec_push(p, &v, t0);
        while (accept(p, LEX_COMMA)) {
            if (kind(p) == LEX_IN)
                break;
            vec_push(p, &v, for_target_item(p));
        }
        t0 = mk_expr(p, AST_TUPLE, pos_to_prev(p, &(AstPos){st->line, st->col, 0, 0}));
        t0->u.seq = vec_exprs(&v);
    }
    return t0;
}

/* For the "here. Maybe you meant '=='" wording: is e what CPython's
 * invalid_named_expression rule matches as its left side? */
static int bitwise_or_level(const AstExpr *e)
{
    switch (e->kind) {
    case AST_COMPARE: case AST_BOOLOP: case AST_IFEXP: case AST_LAMBDA:
    case AST_LIST: case AST_TUPLE: case AST_GENEXP: case AST_TRUE: case AST_NONE: case AST_FALSE:
        return 0;
    case AST_UNARYOP:
        return e->u.unary.op != AST_UNOT;
    default:
        return 1;
    }
}

static AstStmt *expr_or_assign(P *p)
{
    const LexToken *st = cur(p);
    AstPos spos = pos_of(st);
    /* print "x": Python 2 print */
    if (st->kind == LEX_NAME && peek(p, 1)->kind != LEX_LPAR && starts_expression(peek(p, 1)->kind) &&
        peek(p, 1)->kind != LEX_LPAR) {
        size_t nlen = st->len;
        const char *s = p->src + st->start;
        if ((nlen == 5 && memcmp(s, "print", 5) == 0) || (nlen == 4 && memcmp(s, "exec", 4) == 0)) {
            LexKind k1 = peek(p, 1)->kind;
            if (k1 != LEX_MINUS && k1 != LEX_PLUS && k1 != LEX_LSQB && k1 != LEX_NOT) {
                advance(p);
                size_t save = p->i;
                AstExpr *rest = star_expressions(p, 0);
                (void)save;
                ErrPos ep = {st->line, st->col, rest->pos.end_line, rest->pos.end_col};
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "Missing parentheses in call to '%.*s'. Did you mean %.*s(...)?",
                         (int)nlen, s, (int)nlen, s);
            }
        }
    }
    AstExpr *e = star_expressions(p, 1);
    LexKind k = kind(p);
    if (k == LEX_COLON && !starts_expression(peek(p, 1)->kind)) {
        /* CPython tried `target: annotation` and stopped after the ':' */
        if (e->kind == AST_NAME || e->kind == AST_ATTRIBUTE || e->kind == AST_SUBSCRIPT)
            advance(p);
        fail_here(p);
    }
    if (k == LEX_COLON && starts_expression(peek(p, 1)->kind)) {
        ErrPos ep = node_pos(&e->pos);
        if (e->kind == AST_TUPLE && e->u.seq.len) {
            ep = node_pos(&e->u.seq.items[0]->pos); /* CPython: at the first item */
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "only single target (not tuple) can be annotated");
        }
        if (e->kind != AST_NAME && e->kind != AST_ATTRIBUTE && e->kind != AST_SUBSCRIPT)
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "illegal target for annotation");
        /* valid Python? then it is our subset that says no */
        const LexToken *colon = advance(p);
        expression(p);
        if (accept(p, LEX_EQUAL))
            star_expressions(p, 1);
        if (kind(p) != LEX_NEWLINE && kind(p) != LEX_SEMI && kind(p) != LEX_EOF)
            fail_here(p);
        unsupported(p, colon, "type annotations are");
    }
    if (k >= LEX_PLUSEQ && k <= LEX_RSHIFTEQ) {
        static const AstBinop aug[] = {AST_ADD, AST_SUB, AST_MUL, AST_DIV, AST_FLOORDIV, AST_MOD, AST_POW,
                                       AST_MATMUL, AST_BITAND, AST_BITOR, AST_BITXOR, AST_LSHIFT, AST_RSHIFT};
        if (e->kind != AST_NAME && e->kind != AST_ATTRIBUTE && e->kind != AST_SUBSCRIPT) {
            ErrPos ep = node_pos(&e->pos);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "'%s' is an illegal expression for augmented assignment",
                     expr_name(e));
        }
        advance(p);
        if (kind(p) == LEX_YIELD)
            unsupported(p, cur(p), "'yield' and generators are");
        AstExpr *v = star_expressions(p, 1);
        e->ctx = AST_STORE;
        AstStmt *s = mk_stmt(p, AST_AUGASSIGN, pos_to_prev(p, &spos));
        s->u.augassign.target = e;
        s->u.augassign.op = aug[k - LEX_PLUSEQ];
        s->u.augassign.value = v;
        return s;
    }
    if (k != LEX_EQUAL) {
        AstStmt *s = mk_stmt(p, AST_EXPR_STMT, pos_to_prev(p, &spos));
        s->u.value = e;
        return s;
    }
    /* Assignment: targets = ... = value */
    Vec targets = {0};
    int first = 1;
    while (kind(p) == LEX_EQUAL) {
        const AstExpr *bad = invalid_target(e, T_STORE);
        if (bad) {
            /* CPython 3.11's invalid_named_expression: the first target
             * (or an item of it) followed by `= bitwise_or` and no further
             * '=' gets the "Maybe you meant '=='" wording. */
            if (first && bitwise_or_level(bad) && (bad == e || e->kind == AST_TUPLE)) {
                /* find bad's following '=' : only when bad is the last item */
                int is_last = bad == e || (e->kind == AST_TUPLE && e->u.seq.items[e->u.seq.len - 1] == bad);
                if (is_last) {
                    size_t save = p->i;
                    advance(p);
                    if (starts_expression(kind(p))) {
                        jmp_buf jb;
                        memcpy(jb, p->jb, sizeof jb);
                        ParseError saved = *p->err;
                        int depth = p->depth, pow_chain = p->pow_chain;
                        volatile int ok = 0;
                        if (setjmp(p->jb) == 0) {
                            bitwise_or(p);
                            ok = kind(p) != LEX_EQUAL && kind(p) != LEX_COLONEQUAL;
                        }
                        memcpy(p->jb, jb, sizeof jb);
                        *p->err = saved;
                        p->depth = depth;
                        p->pow_chain = pow_chain;
                        if (ok) {
                            ErrPos ep = node_pos(&bad->pos);
                            fail_pos(p, PARSE_SYNTAX_ERROR, &ep,
                                     "cannot assign to %s here. Maybe you meant '==' instead of '='?", expr_name(bad));
                        }
                    }
                    p->i = save;
                }
            }
            ErrPos ep = node_pos(&bad->pos);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot assign to %s", expr_name(bad));
        }
        make_target(p, e, T_STORE);
        vec_push(p, &targets, e);
        advance(p);
        first = 0;
        if (kind(p) == LEX_YIELD)
            unsupported(p, cur(p), "'yield' and generators are");
        e = star_expressions(p, 1);
    }
    AstStmt *s = mk_stmt(p, AST_ASSIGN, pos_to_prev(p, &spos));
    s->u.assign.targets = vec_exprs(&targets);
    s->u.assign.value = e;
    return s;
}

static const char *dotted_name(P *p)
{
    if (kind(p) != LEX_NAME)
        fail_here(p);
    const LexToken *t = advance(p);
    size_t s = t->start, e = t->start + t->len;
    while (kind(p) == LEX_DOT && peek(p, 1)->kind == LEX_NAME) {
        advance(p);
        e = advance(p)->start + prev(p)->len;
    }
    /* the source may have spaces around dots: rebuild without them */
    SBuf b = {0};
    for (size_t k = s; k < e; k++)
        if (p->src[k] != ' ' && p->src[k] != '\t')
            sb_put(p, &b, p->src + k, 1);
    return b.p;
}

static AstStmt *simple_stmt(P *p)
{
    const LexToken *t = cur(p);
    AstPos pos = pos_of(t);
    switch (t->kind) {
    case LEX_PASS: advance(p); return mk_stmt(p, AST_PASS, pos);
    case LEX_BREAK:
        advance(p);
        if (!p->in_loop)
            sem_error(p, &pos, "'break' outside loop");
        return mk_stmt(p, AST_BREAK, pos);
    case LEX_CONTINUE:
        advance(p);
        if (!p->in_loop)
            sem_error(p, &pos, "'continue' not properly in loop");
        return mk_stmt(p, AST_CONTINUE, pos);
    case LEX_RETURN: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_RETURN, pos);
        if (kind(p) != LEX_NEWLINE && kind(p) != LEX_SEMI)
            s->u.ret.value = star_expressions(p, 1);
        s->pos = pos_to_prev(p, &pos);
        if (p->in_func != 2)
            sem_error(p, &s->pos, "'return' outside function");
        return s;
    }
    case LEX_RAISE: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_RAISE, pos);
        if (kind(p) != LEX_NEWLINE && kind(p) != LEX_SEMI) {
            s->u.raise.exc = expression(p);
            if (accept(p, LEX_FROM))
                s->u.raise.cause = expression(p);
        }
        s->pos = pos_to_prev(p, &pos);
        return s;
    }
    case LEX_ASSERT: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_ASSERT, pos);
        s->u.assert_.test = expression(p);
        if (accept(p, LEX_COMMA))
            s->u.assert_.msg = expression(p);
        s->pos = pos_to_prev(p, &pos);
        return s;
    }
    case LEX_DEL: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_DELETE, pos);
        Vec v = {0};
        do {
            if (kind(p) == LEX_NEWLINE || kind(p) == LEX_SEMI)
                break;
            AstExpr *x = bitwise_or(p);
            make_target(p, x, T_DEL);
            vec_push(p, &v, x);
        } while (accept(p, LEX_COMMA));
        if (v.n == 0)
            fail_here(p);
        s->u.del.targets = vec_exprs(&v);
        s->pos = pos_to_prev(p, &pos);
        return s;
    }
    case LEX_GLOBAL:
    case LEX_NONLOCAL: {
        advance(p);
        AstStmt *s = mk_stmt(p, t->kind == LEX_GLOBAL ? AST_GLOBAL : AST_NONLOCAL, pos);
        Vec v = {0};
        do {
            if (kind(p) != LEX_NAME)
                fail_here(p);
            vec_push(p, &v, tok_str(p, advance(p)));
        } while (accept(p, LEX_COMMA));
        s->u.names.names = (const char **)v.v;
        s->u.names.n = v.n;
        s->pos = pos_to_prev(p, &pos);
        if (t->kind == LEX_NONLOCAL && !p->in_func)
            sem_error(p, &s->pos, "nonlocal declaration not allowed at module level");
        return s;
    }
    case LEX_IMPORT: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_IMPORT, pos);
        Vec v = {0};
        do {
            const LexToken *nt = cur(p);
            AstAlias *a = alloc(p, sizeof *a);
            a->name = dotted_name(p);
            if (accept(p, LEX_AS)) {
                if (kind(p) != LEX_NAME)
                    fail_here(p);
                a->asname = tok_str(p, advance(p));
            }
            a->pos = pos_to_prev(p, &(AstPos){nt->line, nt->col, 0, 0});
            vec_push(p, &v, a);
        } while (accept(p, LEX_COMMA));
        s->u.import.n = v.n;
        s->u.import.names = alloc(p, (size_t)v.n * sizeof(AstAlias));
        for (int i = 0; i < v.n; i++)
            s->u.import.names[i] = *(AstAlias *)v.v[i];
        s->pos = pos_to_prev(p, &pos);
        return s;
    }
    case LEX_FROM: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_IMPORTFROM, pos);
        int level = 0;
        for (;;) {
            if (accept(p, LEX_DOT))
                level++;
            else if (accept(p, LEX_ELLIPSIS))
                level += 3;
            else
                break;
        }
        if (kind(p) == LEX_NAME)
            s->u.import.module = dotted_name(p);
        else if (level == 0)
            fail_here(p);
        s->u.import.level = level;
        if (kind(p) != LEX_IMPORT)
            fail_here(p);
        advance(p);
        Vec v = {0};
        if (kind(p) == LEX_STAR) {
            const LexToken *st = advance(p);
            AstAlias *a = alloc(p, sizeof *a);
            a->name = "*";
            a->pos = pos_of(st);
            vec_push(p, &v, a);
        } else {
            int paren = accept(p, LEX_LPAR);
            do {
                if (paren && kind(p) == LEX_RPAR && v.n)
                    break;
                if (kind(p) != LEX_NAME)
                    fail_here(p);
                const LexToken *nt = advance(p);
                AstAlias *a = alloc(p, sizeof *a);
                a->name = tok_str(p, nt);
                if (accept(p, LEX_AS)) {
                    if (kind(p) != LEX_NAME)
                        fail_here(p);
                    a->asname = tok_str(p, advance(p));
                }
                a->pos = pos_to_prev(p, &(AstPos){nt->line, nt->col, 0, 0});
                vec_push(p, &v, a);
            } while (accept(p, LEX_COMMA));
            if (paren)
                expect(p, LEX_RPAR);
            else if (kind(p) == LEX_COMMA)
                fail_here(p);
        }
        s->u.import.n = v.n;
        s->u.import.names = alloc(p, (size_t)v.n * sizeof(AstAlias));
        for (int i = 0; i < v.n; i++)
            s->u.import.names[i] = *(AstAlias *)v.v[i];
        s->pos = pos_to_prev(p, &pos);
        return s;
    }
    case LEX_YIELD:
        unsupported(p, t, "'yield' and generators are");
    case LEX_AT:
        unsupported(p, t, "decorators are");
    default:
        return expr_or_assign(p);
    }
}

/* simple_stmt (';' simple_stmt)* [';'] NEWLINE */
static void simple_stmts(P *p, Vec *out)
{
    for (;;) {
        vec_push(p, out, simple_stmt(p));
        if (!accept(p, LEX_SEMI))
            break;
        if (kind(p) == LEX_NEWLINE)
            break;
    }
    if (!accept(p, LEX_NEWLINE)) {
        if (kind(p) == LEX_EOF)
            return;
        if (starts_expression(kind(p)))
            lookahead_expression(p);
        fail_here(p);
    }
}

/* A block after a header's ':' — an indented suite or simple statements
 * on the same line. what: "'if' statement", "function definition". */
static AstStmtList block_levels(P *p, const char *what, int header_line, int levels)
{
    Vec v = {0};
    if (kind(p) != LEX_NEWLINE) {
        enter_n(p, 3); /* `if x: y = ...` on one line: 3 of CPython's levels */
        simple_stmts(p, &v);
        p->depth -= 3;
        return vec_stmts(&v);
    }
    advance(p);
    if (kind(p) != LEX_INDENT) {
        const LexToken *t = cur(p);
        ErrPos ep = tok_pos(t);
        if (t->kind == LEX_EOF || t->kind == LEX_DEDENT) {
            /* CPython, reading a file: offset 0 (no caret), on the
             * header's line at the end of file, else the dedented one */
            const LexToken *q = t->kind == LEX_EOF ? prev(p) : t;
            ep = (ErrPos){q->line, -1, q->line, LEX_END_M1};
        }
        fail_pos(p, PARSE_INDENTATION_ERROR, &ep, "expected an indented block after %s on line %d", what,
                 header_line);
    }
    advance(p);
    enter_n(p, levels);
    while (kind(p) != LEX_DEDENT && kind(p) != LEX_EOF)
        statement_into(p, &v);
    accept(p, LEX_DEDENT);
    p->depth -= levels;
    return vec_stmts(&v);
}

static AstStmtList block(P *p, const char *what, int header_line)
{
    return block_levels(p, what, header_line, 6);
}

static AstStmt *funcdef(P *p, const LexToken *start, int is_async)
{
    const LexToken *d = advance(p); /* def */
    if (kind(p) != LEX_NAME)
        fail_here(p);
    const LexToken *nt = advance(p);
    AstStmt *s = mk_stmt(p, AST_FUNCDEF, pos_of(start));
    s->u.funcdef.name = tok_str(p, nt);
    s->u.funcdef.is_async = is_async;
    expect_forced(p, LEX_LPAR);
    int f = p->in_func, a = p->in_async, l = p->in_loop;
    /* defaults are evaluated in the enclosing scope */
    parameters(p, &s->u.funcdef.params, LEX_RPAR, 0);
    expect(p, LEX_RPAR);
    if (kind(p) == LEX_ARROW)
        unsupported(p, cur(p), "type annotations are");
    expect_forced(p, LEX_COLON);
    p->in_func = 2;
    p->in_async = is_async;
    p->in_loop = 0;
    s->u.funcdef.body = block_levels(p, "function definition", d->line, 7);
    p->in_func = f;
    p->in_async = a;
    p->in_loop = l;
    fix_end(p, s);
    return s;
}

static void fix_end(P *p, AstStmt *s)
{
    /* A compound statement ends where its last body statement ends. */
    const LexToken *t = prev(p);
    int k = (int)p->i - 1;
    while (k > 0 && (p->toks[k].kind == LEX_NEWLINE || p->toks[k].kind == LEX_DEDENT ||
                     p->toks[k].kind == LEX_INDENT || p->toks[k].kind == LEX_EOF))
        k--;
    t = &p->toks[k];
    s->pos.end_line = t->end_line;
    s->pos.end_col = t->end_col;
}

static AstStmt *if_stmt(P *p, const char *kw)
{
    const LexToken *t = advance(p); /* if / elif */
    AstStmt *s = mk_stmt(p, AST_IF, pos_of(t));
    s->u.cond.test = expression(p);
    if (kind(p) == LEX_EQUAL) {
        AstExpr *a = s->u.cond.test;
        if (a->kind == AST_NAME) {
            advance(p);
            AstExpr *b = bitwise_or(p);
            ErrPos ep = range_pos(&a->pos, &b->pos);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
        } else if (bitwise_or_level(a)) {
            ErrPos ep = node_pos(&a->pos);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                     expr_name(a));
        }
    }
    expect_colon(p);
    char what[32];
    snprintf(what, sizeof what, "'%s' statement", kw);
    s->u.cond.body = block(p, what, t->line);
    if (kind(p) == LEX_ELIF) {
        AstStmt *e = if_stmt(p, "elif");
        Vec v = {0};
        vec_push(p, &v, e);
        s->u.cond.orelse = vec_stmts(&v);
    } else if (kind(p) == LEX_ELSE) {
        const LexToken *et = advance(p);
        expect_forced(p, LEX_COLON);
        s->u.cond.orelse = block_levels(p, "'else' statement", et->line, 7);
    }
    fix_end(p, s);
    return s;
}

static AstStmtList loop_else(P *p)
{
    AstStmtList none = {0};
    if (kind(p) != LEX_ELSE)
        return none;
    const LexToken *et = advance(p);
    expect_forced(p, LEX_COLON);
    return block_levels(p, "'else' statement", et->line, 7);
}

static AstStmt *compound(P *p)
{
    const LexToken *t = cur(p);
    switch (t->kind) {
    case LEX_IF:
        return if_stmt(p, "if");
    case LEX_WHILE: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_WHILE, pos_of(t));
        s->u.cond.test = expression(p);
        expect_colon(p);
        int l = p->in_loop;
        p->in_loop = 1;
        s->u.cond.body = block(p, "'while' statement", t->line);
        p->in_loop = l;
        s->u.cond.orelse = loop_else(p);
        fix_end(p, s);
        return s;
    }
    case LEX_FOR: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_FOR, pos_of(t));
        AstExpr *target = target_list_for(p);
        if (kind(p) != LEX_IN) {
            const AstExpr *bad = invalid_target(target, T_FOR);
            if (bad) {
                ErrPos ep = node_pos(&bad->pos);
                fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "cannot assign to %s", expr_name(bad));
            }
            fail_here(p);
        }
        make_target(p, target, T_FOR);
        advance(p);
        s->u.forloop.target = target;
        s->u.forloop.iter = star_expressions(p, 1);
        expect_colon(p);
        int l = p->in_loop;
        p->in_loop = 1;
        s->u.forloop.body = block(p, "'for' statement", t->line);
        p->in_loop = l;
        s->u.forloop.orelse = loop_else(p);
        fix_end(p, s);
        return s;
    }
    case LEX_TRY: {
        advance(p);
        AstStmt *s = mk_stmt(p, AST_TRY, pos_of(t));
        expect_forced(p, LEX_COLON);
        s->u.try_.body = block(p, "'try' statement", t->line);
        Vec hs = {0};
        int bare_seen = 0;
        while (kind(p) == LEX_EXCEPT) {
            const LexToken *et = advance(p);
            if (kind(p) == LEX_STAR)
                unsupported(p, cur(p), "'except*' clauses are");
            AstHandler *h = alloc(p, sizeof *h);
            if (bare_seen) {
                ErrPos ep = tok_pos(prev(p));
                (void)ep;
            }
            if (kind(p) != LEX_COLON) {
                AstExpr *ty = expression(p);
                if (kind(p) == LEX_COMMA) {
                    /* except A, B: -> CPython: multiple exception types must be parenthesized */
                    const LexToken *c = cur(p);
                    advance(p);
                    AstExpr *rest = expression(p);
                    ErrPos ep = range_pos(&ty->pos, &rest->pos);
                    (void)c;
                    fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "multiple exception types must be parenthesized");
                }
                h->type = ty;
                if (accept(p, LEX_AS)) {
                    if (kind(p) != LEX_NAME)
                        fail_here(p);
                    h->name = tok_str(p, advance(p));
                }
            } else {
                bare_seen = 1;
            }
            expect_colon(p);
            h->body = block(p, "'except' statement", et->line);
            h->pos = pos_of(et);
            const LexToken *last = prev(p);
            int k = (int)p->i - 1;
            while (k > 0 && (p->toks[k].kind == LEX_NEWLINE || p->toks[k].kind == LEX_DEDENT ||
                             p->toks[k].kind == LEX_EOF))
                k--;
            last = &p->toks[k];
            h->pos.end_line = last->end_line;
            h->pos.end_col = last->end_col;
            vec_push(p, &hs, h);
        }
        s->u.try_.nhandlers = hs.n;
        s->u.try_.handlers = hs.n ? alloc(p, (size_t)hs.n * sizeof(AstHandler)) : NULL;
        for (int i = 0; i < hs.n; i++)
            s->u.try_.handlers[i] = *(AstHandler *)hs.v[i];
        if (hs.n && kind(p) == LEX_ELSE) {
            const LexToken *et = advance(p);
            expect_forced(p, LEX_COLON);
            s->u.try_.orelse = block_levels(p, "'else' statement", et->line, 7);
        }
        if (kind(p) == LEX_FINALLY) {
            const LexToken *ft = advance(p);
            expect_forced(p, LEX_COLON);
            s->u.try_.finalbody = block(p, "'finally' statement", ft->line);
        }
        if (!hs.n && !s->u.try_.finalbody.len) {
            ErrPos ep = tok_pos(cur(p));
            if (cur(p)->kind == LEX_NEWLINE || cur(p)->kind == LEX_EOF || cur(p)->kind == LEX_DEDENT)
                fail_here(p);
            fail_pos(p, PARSE_SYNTAX_ERROR, &ep, "expected 'except' or 'finally' block");
        }
        fix_end(p, s);
        return s;
    }
    case LEX_DEF:
        return funcdef(p, t, 0);
    case LEX_ASYNC: {
        LexKind k1 = peek(p, 1)->kind;
        if (k1 == LEX_DEF) {
            advance(p);
            return funcdef(p, t, 1);
        }
        if (k1 == LEX_FOR)
            unsupported(p, t, "'async for' loops are");
        if (k1 != LEX_WITH) {
            advance(p);
            fail_here(p);
        }
        advance(p);
        const LexToken *wt = advance(p);
        AstStmt *s = mk_stmt(p, AST_ASYNCWITH, pos_of(t));
        Vec items = {0};
        int paren = 0;
        /* async with (a as b, c as d): parenthesized items */
        if (kind(p) == LEX_LPAR) {
            /* find whether this is a parenthesized item list: look for `as`
             * at depth 1 before the matching ')' followed by ':' */
            size_t j = p->i, depth = 0;
            int has_as = 0;
            for (; j < p->ntoks; j++) {
                LexKind kk = p->toks[j].kind;
                if (kk == LEX_LPAR || kk == LEX_LSQB || kk == LEX_LBRACE)
                    depth++;
                else if (kk == LEX_RPAR || kk == LEX_RSQB || kk == LEX_RBRACE) {
                    if (--depth == 0)
                        break;
                } else if (kk == LEX_AS && depth == 1)
                    has_as = 1;
                else if (kk == LEX_EOF || kk == LEX_NEWLINE)
                    break;
            }
            if (has_as && j + 1 < p->ntoks && p->toks[j + 1].kind == LEX_COLON) {
                paren = 1;
                advance(p);
            }
        }
        do {
            if (paren && kind(p) == LEX_RPAR)
                break;
            AstWithItem *it = alloc(p, sizeof *it);
            it->context = expression(p);
            if (accept(p, LEX_AS)) {
                AstExpr *target = bitwise_or(p);
                make_target(p, target, T_STORE);
                it->target = target;
            }
            vec_push(p, &items, it);
        } while (accept(p, LEX_COMMA));
        if (paren)
            expect(p, LEX_RPAR);
        expect_colon(p);
        s->u.with.nitems = items.n;
        s->u.with.items = alloc(p, (size_t)items.n * sizeof(AstWithItem));
        for (int i = 0; i < items.n; i++)
            s->u.with.items[i] = *(AstWithItem *)items.v[i];
        s->u.with.body = block(p, "'with' statement", wt->line);
        fix_end(p, s);
        if (p->in_async == 0)
            sem_error(p, &s->pos, "'async with' outside async function");
        return s;
    }
    case LEX_CLASS:
        unsupported(p, t, "classes are");
    case LEX_WITH:
        unsupported(p, t, "'with' statements are (only 'async with' is)");
    case LEX_AT:
        unsupported(p, t, "decorators are");
    default:
        return NULL;
    }
}

/* `match x:` at the start of a statement (match is a soft keyword). */
static int looks_like_match(P *p)
{
    const LexToken *t = cur(p);
    if (t->kind != LEX_NAME || t->len != 5 || memcmp(p->src + t->start, "match", 5) != 0)
        return 0;
    LexKind k1 = peek(p, 1)->kind;
    if (!starts_expression(k1) || k1 == LEX_LPAR || k1 == LEX_LSQB || k1 == LEX_MINUS || k1 == LEX_PLUS ||
        k1 == LEX_TILDE)
        if (k1 != LEX_LPAR && k1 != LEX_LSQB)
            return 0;
    /* the logical line ends with ':' and then an INDENT */
    int depth = 0;
    for (size_t j = p->i + 1; j < p->ntoks; j++) {
        LexKind k = p->toks[j].kind;
        if (k == LEX_LPAR || k == LEX_LSQB || k == LEX_LBRACE)
            depth++;
        else if (k == LEX_RPAR || k == LEX_RSQB || k == LEX_RBRACE)
            depth--;
        else if (k == LEX_NEWLINE || k == LEX_EOF)
            return j > 0 && p->toks[j - 1].kind == LEX_COLON && j + 1 < p->ntoks &&
                   p->toks[j + 1].kind == LEX_INDENT;
        else if (k == LEX_EQUAL && depth == 0)
            return 0;
    }
    return 0;
}

static AstStmt *statement_into(P *p, Vec *out)
{
    if (kind(p) == LEX_INDENT || kind(p) == LEX_DEDENT)
        fail_here(p);
    if (looks_like_match(p))
        unsupported(p, cur(p), "match statements are");
    AstStmt *s = compound(p);
    if (s) {
        vec_push(p, out, s);
        return s;
    }
    simple_stmts(p, out);
    return NULL;
}

/* ---- Entry points ----------------------------------------------------- */

const char *parse_error_class(const ParseError *err)
{
    switch (err->kind) {
    case PARSE_INDENTATION_ERROR: return "IndentationError";
    case PARSE_TAB_ERROR: return "TabError";
    case PARSE_NO_MEMORY: return "MemoryError";
    case PARSE_RECURSION_ERROR: return "RecursionError";
    default: return "SyntaxError";
    }
}

static void lexerr_to_parse(P *p, const LexError *le)
{
    ErrPos pos = {le->line, le->col, le->end_line, le->end_col};
    ParseErrorKind k = le->kind == LEX_ERR_INDENT ? PARSE_INDENTATION_ERROR
                       : le->kind == LEX_ERR_TAB  ? PARSE_TAB_ERROR
                                                  : PARSE_SYNTAX_ERROR;
    err_fill(p, p->err, k, &pos, le->text_nl, le->msg);
}

Ast *parse_module(Mem *m, const char *src, size_t len, const char *filename, ParseError *err)
{
    memset(err, 0, sizeof *err);
    P p;
    memset(&p, 0, sizeof p);
    p.m = m;
    p.err = err;
    p.ast = ast_new(m);
    if (!p.ast) {
        err->kind = PARSE_NO_MEMORY;
        snprintf(err->msg, sizeof err->msg, "out of memory while parsing");
        return NULL;
    }
    /* Keep our own copies: the tree outlives the caller's buffers. */
    char *copy = ast_strndup(p.ast, src, len);
    const char *fname = ast_strndup(p.ast, filename ? filename : "<string>", filename ? strlen(filename) : 8);
    if (!copy || !fname) {
        ast_free(p.ast);
        err->kind = PARSE_NO_MEMORY;
        snprintf(err->msg, sizeof err->msg, "out of memory while parsing");
        return NULL;
    }
    p.ast->source = copy;
    p.ast->source_len = len;
    p.ast->filename = fname;
    p.src = copy;
    p.len = len;
    if (memchr(src, 0, len)) {
        err->kind = PARSE_SYNTAX_ERROR;
        snprintf(err->msg, sizeof err->msg, "source code cannot contain null bytes");
        ast_free(p.ast);
        return NULL;
    }
    /* A UTF-8 byte order mark is skipped, as CPython does. */
    size_t skip = 0;
    if (len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB && (unsigned char)src[2] == 0xBF)
        skip = 3;
    (void)skip;
    p.toks = lex_tokenize(m, copy, len, &p.ntoks, &p.lexerr);
    if (!p.toks) {
        ast_free(p.ast);
        err->kind = PARSE_NO_MEMORY;
        snprintf(err->msg, sizeof err->msg, "out of memory while parsing");
        return NULL;
    }
    int failed = 0;
    /* The parser runs over the tokens read before a tokenizer error too:
     * an error it finds earlier may win (see the rules below). */
    if (setjmp(p.jb) == 0) {
        Vec body = {0};
        while (kind(&p) != LEX_EOF) {
            if (kind(&p) == LEX_NEWLINE) {
                advance(&p);
                continue;
            }
            statement_into(&p, &body);
        }
        p.ast->body = vec_stmts(&body);
        if (p.lexerr.kind != LEX_OK) {
            /* the tokens before the tokenizer's error parsed */
            lexerr_to_parse(&p, &p.lexerr);
            failed = 1;
        } else if (p.sem.kind != PARSE_OK) {
            *err = p.sem;
            failed = 1;
        }
    } else {
        failed = 1;
        if (err->kind != PARSE_NO_MEMORY && p.lexerr.kind != LEX_OK) {
            int at_end = p.i + 1 >= p.ntoks; /* stopped at the tokenizer's error */
            int indent = strcmp(err->msg, "unexpected indent") == 0 || strcmp(err->msg, "unexpected unindent") == 0;
            if (p.lexerr.kind == LEX_ERR_UNCLOSED) {
                /* CPython: the unclosed bracket wins when the parser
                 * stopped at the end of file or had read a token on a
                 * line after the bracket's. */
                if (at_end || (!indent && p.toks[p.far].line > p.lexerr.line))
                    lexerr_to_parse(&p, &p.lexerr);
            } else if (at_end) {
                lexerr_to_parse(&p, &p.lexerr);
            } else if (!indent && p.lexerr.kind == LEX_ERR_SYNTAX && !p.lexerr.text_nl) {
                /* CPython tokenizes the rest of the file after a parse
                 * error; an error its tokenizer raises itself wins (those
                 * it leaves to the parser, like a bad dedent, do not). */
                lexerr_to_parse(&p, &p.lexerr);
            }
        }
    }
    lex_tokens_free(m, p.toks, p.ntoks);
    if (failed) {
        ast_free(p.ast);
        return NULL;
    }
    err->kind = PARSE_OK;
    return p.ast;
}

/* ---- Formatting ------------------------------------------------------- */

typedef struct Out {
    char *buf;
    size_t cap, n;
} Out;

static void out_put(Out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->n + 1 < o->cap)
            o->buf[o->n] = s[i];
        o->n++;
    }
}

static void out_str(Out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

/* The block python3 prints, with `text` (tlen bytes, no NUL needed) as the
 * offending source line; line_size is CPython's len(text) (with the newline
 * the parser's errors keep). */
static size_t format_block(const ParseError *err, const char *filename, const char *text,
                           size_t tlen, long line_size, char *buf, size_t cap)
{
    Out o = {buf, cap, 0};
    char tmp[64];
    const char *cls = parse_error_class(err);
    if (err->kind == PARSE_NO_MEMORY) {
        out_str(&o, "MemoryError\n");
        goto done;
    }
    if (err->line > 0) {
        out_str(&o, "  File \"");
        out_str(&o, filename ? filename : "<string>");
        snprintf(tmp, sizeof tmp, "\", line %d\n", err->line);
        out_str(&o, tmp);
        /* pythonrun.c's print_error_text, 3.11 */
        {
            long offset = err->col, end_offset = err->end_col;
            if (err->end_line > err->line)
                end_offset = line_size;
            if (end_offset > line_size + 1)
                end_offset = line_size + 1;
            long reps = (end_offset > 0 && end_offset > offset) ? end_offset - offset : 1;
            /* CPython 3.11 draws one caret for IndentationError and TabError */
            if (err->kind == PARSE_INDENTATION_ERROR || err->kind == PARSE_TAB_ERROR)
                reps = 1;
            offset--;
            const char *end = text + tlen;
            while (text < end && (*text == ' ' || *text == '\t' || *text == '\f')) {
                text++;
                offset--;
            }
            long len = (long)(end - text);
            int has_nl = len > 0 && text[len - 1] == '\n';
            if (has_nl)
                len--;
            if (offset > len)
                offset = len;
            for (;;) {
                const char *nl = memchr(text, '\n', (size_t)len);
                if (!nl)
                    break;
                long inl = nl - text;
                if (inl >= offset)
                    break;
                inl += 1;
                text += inl;
                len -= inl;
                offset -= inl;
            }
            out_str(&o, "    ");
            out_put(&o, text, (size_t)len);
            out_str(&o, "\n");
            if (offset >= 0 && err->col > 0) {
                out_str(&o, "    ");
                while (--offset >= 0)
                    out_str(&o, " ");
                for (long i = 0; i < reps; i++)
                    out_str(&o, "^");
                out_str(&o, "\n");
            }
        }
    }
    out_str(&o, cls);
    out_str(&o, ": ");
    out_str(&o, err->msg);
    out_str(&o, "\n");
done:
    if (cap > 0)
        buf[o.n < cap ? o.n : cap - 1] = 0;
    return o.n;
}

size_t parse_error_format(const ParseError *err, const char *filename, char *buf, size_t cap)
{
    size_t tlen = strlen(err->text);
    return format_block(err, filename, err->text, tlen, (long)tlen, buf, cap);
}

size_t parse_error_format_src(const ParseError *err, const char *filename, const char *src,
                              size_t len, char *buf, size_t cap)
{
    size_t tlen = strlen(err->text);
    size_t body = tlen && err->text[tlen - 1] == '\n' ? tlen - 1 : tlen;
    /* err->text is cut at sizeof text - 2 bytes (see err_fill and the
     * compiler's syntax_error): take the whole line from the source. */
    if (src && err->line > 0 && body + 2 >= sizeof err->text) {
        size_t n;
        int has_nl;
        size_t start = line_bounds(src, len, err->line, &n, &has_nl);
        if (start <= len && n >= body)
            return format_block(err, filename, src + start, n, (long)(n + tlen - body), buf, cap);
    }
    return format_block(err, filename, err->text, tlen, (long)tlen, buf, cap);
}
