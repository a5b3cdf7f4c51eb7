/* ast: the tree's arena, names of kinds, the walk, the structural
 * questions exercise checks ask, and the S-expression dumper. See ast.h. */
#include "engine/lang/ast.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- Arena ------------------------------------------------------------ */

/* Chunks are chained; big requests get a chunk of their own. */
typedef struct AstChunk {
    struct AstChunk *next;
    size_t size, used; /* size of data[] */
    _Alignas(8) unsigned char data[];
} AstChunk;

struct AstArena {
    AstChunk *head;
};

#define AST_CHUNK 16384

Ast *ast_new(Mem *m)
{
    Ast *ast = mem_calloc(m, sizeof *ast);
    if (!ast)
        return NULL;
    ast->arena = mem_calloc(m, sizeof *ast->arena);
    if (!ast->arena) {
        mem_free(m, ast, sizeof *ast);
        return NULL;
    }
    ast->mem = m;
    return ast;
}

void ast_free(Ast *ast)
{
    if (!ast)
        return;
    Mem *m = ast->mem;
    AstChunk *c = ast->arena->head;
    while (c) {
        AstChunk *next = c->next;
        mem_free(m, c, sizeof *c + c->size);
        c = next;
    }
    mem_free(m, ast->arena, sizeof *ast->arena);
    mem_free(m, ast, sizeof *ast);
}

void *ast_alloc(Ast *ast, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (size == 0)
        size = 8;
    AstChunk *c = ast->arena->head;
    if (!c || c->size - c->used < size) {
        size_t cap = size > AST_CHUNK / 4 ? size : AST_CHUNK;
        AstChunk *n = mem_alloc(ast->mem, sizeof *n + cap);
        if (!n)
            return NULL;
        n->size = cap;
        n->used = 0;
        if (cap == size && c) {
            /* A big block: keep the current chunk at the head for small
             * allocations that follow. */
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            ast->arena->head = n;
        }
        c = n;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *ast_strndup(Ast *ast, const char *s, size_t n)
{
    char *p = ast_alloc(ast, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* ---- Names ------------------------------------------------------------ */

static const char *const expr_names[] = {
#define AST_X_NAME(e, s) s,
    AST_EXPR_KINDS(AST_X_NAME)
#undef AST_X_NAME
};
static const char *const stmt_names[] = {
#define AST_X_NAME(e, s) s,
    AST_STMT_KINDS(AST_X_NAME)
#undef AST_X_NAME
};
static const char *const binop_syms[] = {
#define AST_X_NAME(e, s, t) t,
    AST_BINOPS(AST_X_NAME)
#undef AST_X_NAME
};
static const char *const cmpop_syms[] = {
#define AST_X_NAME(e, s, t) t,
    AST_CMPOPS(AST_X_NAME)
#undef AST_X_NAME
};

const char *ast_expr_kind_name(AstExprKind k)
{
    return (unsigned)k < AST_EXPR_KIND_COUNT ? expr_names[k] : "?";
}
const char *ast_stmt_kind_name(AstStmtKind k)
{
    return (unsigned)k < AST_STMT_KIND_COUNT ? stmt_names[k] : "?";
}
const char *ast_binop_symbol(AstBinop op)
{
    return (unsigned)op < AST_BINOP_COUNT ? binop_syms[op] : "?";
}
const char *ast_cmpop_symbol(AstCmpop op)
{
    return (unsigned)op < AST_CMPOP_COUNT ? cmpop_syms[op] : "?";
}

/* ---- Walk ------------------------------------------------------------- */

static int walk_expr(const AstExpr *e, AstWalk *w);
static int walk_stmts(const AstStmtList *l, AstWalk *w);

static int walk_exprs(const AstExprList *l, AstWalk *w)
{
    for (int i = 0; i < l->len; i++) {
        int r = walk_expr(l->items[i], w);
        if (r)
            return r;
    }
    return 0;
}

#define WALK(x)                                                                \
    do {                                                                       \
        int r_ = (x);                                                          \
        if (r_)                                                                \
            return r_;                                                         \
    } while (0)
#define WALK_E(e)                                                              \
    do {                                                                       \
        if (e)                                                                 \
            WALK(walk_expr((e), w));                                           \
    } while (0)

static int walk_params(const AstParams *p, AstWalk *w)
{
    for (int i = 0; i < p->nargs; i++)
        WALK_E(p->args[i].dflt);
    for (int i = 0; i < p->nkwonly; i++)
        WALK_E(p->kwonly[i].dflt);
    return 0;
}

static int walk_comp(const AstExpr *e, AstWalk *w)
{
    /* Clauses first, in order, then the element(s): the order in which
     * they are evaluated. */
    for (int i = 0; i < e->u.comp.ngens; i++) {
        const AstComprehension *g = &e->u.comp.gens[i];
        WALK_E(g->iter);
        WALK_E(g->target);
        WALK(walk_exprs(&g->ifs, w));
    }
    WALK_E(e->u.comp.elt);
    WALK_E(e->u.comp.key);
    WALK_E(e->u.comp.value);
    return 0;
}

/* The parser builds left-deep chains (1 + 1 + ..., a.a.a...) of any
 * length, and only the compiler refuses them (3000 levels, CPython's
 * RecursionError). The walk and the dump recurse, so they stop descending
 * a little past that: no program that compiles is that deep, and a C
 * stack (ASan's frames included) is not exhausted by one that does not. */
#define AST_MAX_NEST 4000

static int walk_expr_(const AstExpr *e, AstWalk *w);

static int walk_expr(const AstExpr *e, AstWalk *w)
{
    if (!e || w->nest_ >= AST_MAX_NEST)
        return 0;
    w->nest_++;
    int r = walk_expr_(e, w);
    w->nest_--;
    return r;
}

static int walk_expr_(const AstExpr *e, AstWalk *w)
{
    if (w->expr) {
        int r = w->expr(w, e);
        if (r == 1)
            return 0;
        if (r)
            return r;
    }
    switch (e->kind) {
    case AST_NAME:
    case AST_INT:
    case AST_FLOAT:
    case AST_STR:
    case AST_TRUE:
    case AST_FALSE:
    case AST_NONE:
    case AST_EXPR_KIND_COUNT:
        return 0;
    case AST_AWAIT:
    case AST_STARRED:
        return walk_expr(e->u.value, w);
    case AST_LIST:
    case AST_TUPLE:
    case AST_JOINEDSTR:
        return walk_exprs(&e->u.seq, w);
    case AST_FORMATTED:
        WALK_E(e->u.fmt.value);
        WALK_E(e->u.fmt.spec);
        return 0;
    case AST_BOOLOP:
        return walk_exprs(&e->u.boolop.values, w);
    case AST_BINOP:
        WALK_E(e->u.binop.left);
        WALK_E(e->u.binop.right);
        return 0;
    case AST_UNARYOP:
        return walk_expr(e->u.unary.operand, w);
    case AST_COMPARE:
        WALK_E(e->u.compare.left);
        return walk_exprs(&e->u.compare.comparators, w);
    case AST_IFEXP:
        WALK_E(e->u.ifexp.test);
        WALK_E(e->u.ifexp.body);
        WALK_E(e->u.ifexp.orelse);
        return 0;
    case AST_LAMBDA: {
        WALK(walk_params(&e->u.lambda.params, w));
        const AstExpr *saved = w->lambda;
        int saved_async = w->in_async_;
        w->lambda = e;
        w->depth++;
        w->in_async_ = 0;
        int r = walk_expr(e->u.lambda.body, w);
        w->lambda = saved;
        w->depth--;
        w->in_async_ = saved_async;
        return r;
    }
    case AST_CALL:
        WALK_E(e->u.call.func);
        WALK(walk_exprs(&e->u.call.args, w));
        for (int i = 0; i < e->u.call.nkeywords; i++)
            WALK_E(e->u.call.keywords[i].value);
        return 0;
    case AST_ATTRIBUTE:
        return walk_expr(e->u.attr.value, w);
    case AST_SUBSCRIPT:
        WALK_E(e->u.subscript.value);
        WALK_E(e->u.subscript.index);
        return 0;
    case AST_SLICE:
        WALK_E(e->u.slice.lower);
        WALK_E(e->u.slice.upper);
        WALK_E(e->u.slice.step);
        return 0;
    case AST_DICT:
        for (int i = 0; i < e->u.dict.n; i++) {
            WALK_E(e->u.dict.keys[i]);
            WALK_E(e->u.dict.values[i]);
        }
        return 0;
    case AST_LISTCOMP:
    case AST_DICTCOMP:
    case AST_GENEXP:
        return walk_comp(e, w);
    }
    return 0;
}

static int walk_stmt(const AstStmt *s, AstWalk *w)
{
    if (w->stmt) {
        int r = w->stmt(w, s);
        if (r == 1)
            return 0;
        if (r)
            return r;
    }
    switch (s->kind) {
    case AST_EXPR_STMT:
        return walk_expr(s->u.value, w);
    case AST_ASSIGN:
        WALK(walk_exprs(&s->u.assign.targets, w));
        return walk_expr(s->u.assign.value, w);
    case AST_AUGASSIGN:
        WALK_E(s->u.augassign.target);
        return walk_expr(s->u.augassign.value, w);
    case AST_IF:
    case AST_WHILE:
        WALK_E(s->u.cond.test);
        WALK(walk_stmts(&s->u.cond.body, w));
        return walk_stmts(&s->u.cond.orelse, w);
    case AST_FOR:
        WALK_E(s->u.forloop.target);
        WALK_E(s->u.forloop.iter);
        WALK(walk_stmts(&s->u.forloop.body, w));
        return walk_stmts(&s->u.forloop.orelse, w);
    case AST_DELETE:
        return walk_exprs(&s->u.del.targets, w);
    case AST_FUNCDEF: {
        WALK(walk_params(&s->u.funcdef.params, w));
        const AstStmt *saved = w->func;
        const AstExpr *saved_l = w->lambda;
        int saved_async = w->in_async_;
        w->func = s;
        w->lambda = NULL;
        w->in_async_ = s->u.funcdef.is_async;
        w->depth++;
        int r = walk_stmts(&s->u.funcdef.body, w);
        w->func = saved;
        w->lambda = saved_l;
        w->in_async_ = saved_async;
        w->depth--;
        return r;
    }
    case AST_RETURN:
        return walk_expr(s->u.ret.value, w);
    case AST_TRY:
        WALK(walk_stmts(&s->u.try_.body, w));
        for (int i = 0; i < s->u.try_.nhandlers; i++) {
            WALK_E(s->u.try_.handlers[i].type);
            WALK(walk_stmts(&s->u.try_.handlers[i].body, w));
        }
        WALK(walk_stmts(&s->u.try_.orelse, w));
        return walk_stmts(&s->u.try_.finalbody, w);
    case AST_RAISE:
        WALK_E(s->u.raise.exc);
        WALK_E(s->u.raise.cause);
        return 0;
    case AST_ASSERT:
        WALK_E(s->u.assert_.test);
        WALK_E(s->u.assert_.msg);
        return 0;
    case AST_ASYNCWITH:
        for (int i = 0; i < s->u.with.nitems; i++) {
            WALK_E(s->u.with.items[i].context);
            WALK_E(s->u.with.items[i].target);
        }
        return walk_stmts(&s->u.with.body, w);
    case AST_BREAK:
    case AST_CONTINUE:
    case AST_PASS:
    case AST_GLOBAL:
    case AST_NONLOCAL:
    case AST_IMPORT:
    case AST_IMPORTFROM:
    case AST_STMT_KIND_COUNT:
        return 0;
    }
    return 0;
}

static int walk_stmts(const AstStmtList *l, AstWalk *w)
{
    for (int i = 0; i < l->len; i++)
        WALK(walk_stmt(l->items[i], w));
    return 0;
}

int ast_walk(const Ast *ast, AstWalk *w)
{
    w->func = NULL;
    w->lambda = NULL;
    w->depth = 0;
    w->in_async_ = 0;
    return walk_stmts(&ast->body, w);
}

int ast_walk_stmt(const AstStmt *s, AstWalk *w)
{
    return walk_stmt(s, w);
}

int ast_walk_expr(const AstExpr *e, AstWalk *w)
{
    return walk_expr(e, w);
}

int ast_walk_in_async(const AstWalk *w)
{
    return w->in_async_;
}

/* ---- Structural questions --------------------------------------------- */

typedef struct ImportScan {
    const char *module; /* "asyncio" of "asyncio.gather" */
    size_t module_len;
    const char *func;   /* "gather" */
    const AstExpr *func_expr;
    int found;
} ImportScan;

/* Is `name` bound to module M by an import, or to M.f by a from-import? */
static int scan_imports(AstWalk *w, const AstStmt *s)
{
    ImportScan *sc = w->data;
    if (s->kind == AST_IMPORT) {
        for (int i = 0; i < s->u.import.n; i++) {
            const AstAlias *a = &s->u.import.names[i];
            const char *bound = a->asname ? a->asname : a->name;
            if (strlen(a->name) == sc->module_len && memcmp(a->name, sc->module, sc->module_len) == 0 &&
                sc->func_expr->kind == AST_ATTRIBUTE &&
                sc->func_expr->u.attr.value->kind == AST_NAME &&
                strcmp(sc->func_expr->u.attr.value->u.name, bound) == 0 &&
                strcmp(sc->func_expr->u.attr.attr, sc->func) == 0)
                sc->found = 1;
        }
    } else if (s->kind == AST_IMPORTFROM && s->u.import.module && s->u.import.level == 0 &&
               strlen(s->u.import.module) == sc->module_len &&
               memcmp(s->u.import.module, sc->module, sc->module_len) == 0) {
        for (int i = 0; i < s->u.import.n; i++) {
            const AstAlias *a = &s->u.import.names[i];
            const char *bound = a->asname ? a->asname : a->name;
            if (sc->func_expr->kind != AST_NAME)
                continue;
            const char *n = sc->func_expr->u.name;
            if ((strcmp(a->name, sc->func) == 0 && strcmp(n, bound) == 0) ||
                (strcmp(a->name, "*") == 0 && strcmp(n, sc->func) == 0))
                sc->found = 1;
        }
    }
    return sc->found ? -1 : 0;
}

/* Does expression e spell out the dotted text exactly (a.b.c)? */
static int spells(const AstExpr *e, const char *dotted, size_t n)
{
    if (e->kind == AST_NAME)
        return strlen(e->u.name) == n && memcmp(e->u.name, dotted, n) == 0;
    if (e->kind != AST_ATTRIBUTE)
        return 0;
    size_t al = strlen(e->u.attr.attr);
    if (al + 1 > n || dotted[n - al - 1] != '.' || memcmp(dotted + n - al, e->u.attr.attr, al) != 0)
        return 0;
    return spells(e->u.attr.value, dotted, n - al - 1);
}

int ast_names_dotted(const Ast *ast, const AstExpr *func, const char *dotted)
{
    if (!func)
        return 0;
    if (spells(func, dotted, strlen(dotted)))
        return 1;
    const char *dot = strrchr(dotted, '.');
    if (!dot)
        return 0;
    ImportScan sc = {dotted, (size_t)(dot - dotted), dot + 1, func, 0};
    AstWalk w = {0};
    w.stmt = scan_imports;
    w.data = &sc;
    ast_walk(ast, &w);
    return sc.found;
}

typedef struct CallFind {
    const Ast *ast;
    const char *dotted;
    int need_async;
    int count;
    const AstExpr *first;
} CallFind;

static int find_call(AstWalk *w, const AstExpr *e)
{
    CallFind *f = w->data;
    if (e->kind != AST_CALL)
        return 0;
    if (f->need_async && !ast_walk_in_async(w))
        return 0;
    if (ast_names_dotted(f->ast, e->u.call.func, f->dotted)) {
        if (!f->first)
            f->first = e;
        f->count++;
    }
    return 0;
}

static CallFind run_find(const Ast *ast, const char *dotted, int need_async)
{
    CallFind f = {ast, dotted, need_async, 0, NULL};
    AstWalk w = {0};
    w.expr = find_call;
    w.data = &f;
    ast_walk(ast, &w);
    return f;
}

int ast_count_calls(const Ast *ast, const char *dotted)
{
    return run_find(ast, dotted, 0).count;
}

const AstExpr *ast_find_call(const Ast *ast, const char *dotted)
{
    return run_find(ast, dotted, 0).first;
}

const AstExpr *ast_find_call_in_async(const Ast *ast, const char *dotted)
{
    return run_find(ast, dotted, 1).first;
}

/* ---- Dump ------------------------------------------------------------- */

typedef struct Buf {
    Mem *m;
    char *p;
    size_t n, cap;
    int failed;
    int with_pos;
    int nest; /* dump_expr's recursion; past AST_MAX_NEST the dump fails */
} Buf;

static void put(Buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *p = mem_realloc(b->m, b->p, b->cap, nc);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void puts_(Buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(Buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_pos(Buf *b, const AstPos *p)
{
    if (b->with_pos)
        putf(b, " @%d:%d-%d:%d", p->line, p->col, p->end_line, p->end_col);
}

/* A string as a Python-like double-quoted literal. */
static void put_str(Buf *b, const char *s, size_t n)
{
    puts_(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            putf(b, "\\%c", c);
        else if (c == '\n')
            puts_(b, "\\n");
        else if (c == '\t')
            puts_(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            putf(b, "\\x%02x", c);
        else
            put(b, (const char *)&c, 1);
    }
    puts_(b, "\"");
}

static void dump_expr(Buf *b, const AstExpr *e);
static void dump_stmts(Buf *b, const char *label, const AstStmtList *l);

static const char *ctx_name(AstCtx c)
{
    return c == AST_STORE ? " Store" : c == AST_DEL ? " Del" : "";
}

static void dump_list(Buf *b, const char *label, const AstExprList *l)
{
    putf(b, " (%s", label);
    for (int i = 0; i < l->len; i++) {
        puts_(b, " ");
        dump_expr(b, l->items[i]);
    }
    puts_(b, ")");
}

static void dump_opt(Buf *b, const AstExpr *e)
{
    puts_(b, " ");
    if (e)
        dump_expr(b, e);
    else
        puts_(b, "_");
}

static void dump_params(Buf *b, const AstParams *p)
{
    puts_(b, " (params");
    for (int i = 0; i < p->nargs; i++) {
        putf(b, " %s", p->args[i].name);
        if (p->args[i].dflt) {
            puts_(b, "=");
            dump_expr(b, p->args[i].dflt);
        }
    }
    if (p->vararg)
        putf(b, " *%s", p->vararg->name);
    else if (p->nkwonly)
        puts_(b, " *");
    for (int i = 0; i < p->nkwonly; i++) {
        putf(b, " %s", p->kwonly[i].name);
        if (p->kwonly[i].dflt) {
            puts_(b, "=");
            dump_expr(b, p->kwonly[i].dflt);
        }
    }
    puts_(b, ")");
}

static void dump_comp(Buf *b, const AstExpr *e)
{
    for (int i = 0; i < e->u.comp.ngens; i++) {
        const AstComprehension *g = &e->u.comp.gens[i];
        puts_(b, " (for ");
        dump_expr(b, g->target);
        puts_(b, " ");
        dump_expr(b, g->iter);
        for (int j = 0; j < g->ifs.len; j++) {
            puts_(b, " (if ");
            dump_expr(b, g->ifs.items[j]);
            puts_(b, ")");
        }
        puts_(b, ")");
    }
}

static void dump_expr_(Buf *b, const AstExpr *e);

static void dump_expr(Buf *b, const AstExpr *e)
{
    if (b->nest >= AST_MAX_NEST) {
        b->failed = 1;
        return;
    }
    b->nest++;
    dump_expr_(b, e);
    b->nest--;
}

static void dump_expr_(Buf *b, const AstExpr *e)
{
    putf(b, "(%s", ast_expr_kind_name(e->kind));
    put_pos(b, &e->pos);
    switch (e->kind) {
    case AST_NAME:
        putf(b, " %s%s", e->u.name, ctx_name(e->ctx));
        break;
    case AST_INT:
        putf(b, " %lld", (long long)e->u.ival);
        break;
    case AST_FLOAT:
        putf(b, " %.17g", e->u.fval);
        break;
    case AST_STR:
        puts_(b, " ");
        put_str(b, e->u.str.s, e->u.str.len);
        break;
    case AST_TRUE:
    case AST_FALSE:
    case AST_NONE:
    case AST_EXPR_KIND_COUNT:
        break;
    case AST_AWAIT:
    case AST_STARRED:
        puts_(b, " ");
        dump_expr(b, e->u.value);
        puts_(b, ctx_name(e->ctx));
        break;
    case AST_LIST:
    case AST_TUPLE:
    case AST_JOINEDSTR:
        for (int i = 0; i < e->u.seq.len; i++) {
            puts_(b, " ");
            dump_expr(b, e->u.seq.items[i]);
        }
        puts_(b, ctx_name(e->ctx));
        break;
    case AST_FORMATTED:
        puts_(b, " ");
        dump_expr(b, e->u.fmt.value);
        if (e->u.fmt.conversion >= 0)
            putf(b, " !%c", e->u.fmt.conversion);
        if (e->u.fmt.spec) {
            puts_(b, " :");
            dump_expr(b, e->u.fmt.spec);
        }
        break;
    case AST_BOOLOP:
        puts_(b, e->u.boolop.op == AST_AND ? " and" : " or");
        for (int i = 0; i < e->u.boolop.values.len; i++) {
            puts_(b, " ");
            dump_expr(b, e->u.boolop.values.items[i]);
        }
        break;
    case AST_BINOP:
        putf(b, " %s ", ast_binop_symbol(e->u.binop.op));
        dump_expr(b, e->u.binop.left);
        puts_(b, " ");
        dump_expr(b, e->u.binop.right);
        break;
    case AST_UNARYOP: {
        static const char *const un[] = {"not", "-", "+", "~"};
        putf(b, " %s ", un[e->u.unary.op]);
        dump_expr(b, e->u.unary.operand);
        break;
    }
    case AST_COMPARE:
        puts_(b, " ");
        dump_expr(b, e->u.compare.left);
        for (int i = 0; i < e->u.compare.comparators.len; i++) {
            putf(b, " %s ", ast_cmpop_symbol(e->u.compare.ops[i]));
            dump_expr(b, e->u.compare.comparators.items[i]);
        }
        break;
    case AST_IFEXP:
        puts_(b, " ");
        dump_expr(b, e->u.ifexp.test);
        puts_(b, " ");
        dump_expr(b, e->u.ifexp.body);
        puts_(b, " ");
        dump_expr(b, e->u.ifexp.orelse);
        break;
    case AST_LAMBDA:
        dump_params(b, &e->u.lambda.params);
        puts_(b, " ");
        dump_expr(b, e->u.lambda.body);
        break;
    case AST_CALL:
        puts_(b, " ");
        dump_expr(b, e->u.call.func);
        for (int i = 0; i < e->u.call.args.len; i++) {
            puts_(b, " ");
            dump_expr(b, e->u.call.args.items[i]);
        }
        for (int i = 0; i < e->u.call.nkeywords; i++) {
            putf(b, " (kw %s ", e->u.call.keywords[i].name);
            dump_expr(b, e->u.call.keywords[i].value);
            puts_(b, ")");
        }
        break;
    case AST_ATTRIBUTE:
        puts_(b, " ");
        dump_expr(b, e->u.attr.value);
        putf(b, " %s%s", e->u.attr.attr, ctx_name(e->ctx));
        break;
    case AST_SUBSCRIPT:
        puts_(b, " ");
        dump_expr(b, e->u.subscript.value);
        puts_(b, " ");
        dump_expr(b, e->u.subscript.index);
        puts_(b, ctx_name(e->ctx));
        break;
    case AST_SLICE:
        dump_opt(b, e->u.slice.lower);
        dump_opt(b, e->u.slice.upper);
        dump_opt(b, e->u.slice.step);
        break;
    case AST_DICT:
        for (int i = 0; i < e->u.dict.n; i++) {
            puts_(b, " (");
            dump_expr(b, e->u.dict.keys[i]);
            puts_(b, " ");
            dump_expr(b, e->u.dict.values[i]);
            puts_(b, ")");
        }
        break;
    case AST_LISTCOMP:
    case AST_GENEXP:
        puts_(b, " ");
        dump_expr(b, e->u.comp.elt);
        dump_comp(b, e);
        break;
    case AST_DICTCOMP:
        puts_(b, " ");
        dump_expr(b, e->u.comp.key);
        puts_(b, " ");
        dump_expr(b, e->u.comp.value);
        dump_comp(b, e);
        break;
    }
    puts_(b, ")");
}

static void dump_stmt(Buf *b, const AstStmt *s)
{
    putf(b, "(%s", ast_stmt_kind_name(s->kind));
    put_pos(b, &s->pos);
    switch (s->kind) {
    case AST_EXPR_STMT:
        puts_(b, " ");
        dump_expr(b, s->u.value);
        break;
    case AST_ASSIGN:
        dump_list(b, "targets", &s->u.assign.targets);
        puts_(b, " ");
        dump_expr(b, s->u.assign.value);
        break;
    case AST_AUGASSIGN:
        puts_(b, " ");
        dump_expr(b, s->u.augassign.target);
        putf(b, " %s= ", ast_binop_symbol(s->u.augassign.op));
        dump_expr(b, s->u.augassign.value);
        break;
    case AST_IF:
    case AST_WHILE:
        puts_(b, " ");
        dump_expr(b, s->u.cond.test);
        dump_stmts(b, "body", &s->u.cond.body);
        if (s->u.cond.orelse.len)
            dump_stmts(b, "else", &s->u.cond.orelse);
        break;
    case AST_FOR:
        puts_(b, " ");
        dump_expr(b, s->u.forloop.target);
        puts_(b, " ");
        dump_expr(b, s->u.forloop.iter);
        dump_stmts(b, "body", &s->u.forloop.body);
        if (s->u.forloop.orelse.len)
            dump_stmts(b, "else", &s->u.forloop.orelse);
        break;
    case AST_DELETE:
        dump_list(b, "targets", &s->u.del.targets);
        break;
    case AST_FUNCDEF:
        putf(b, "%s %s", s->u.funcdef.is_async ? " async" : "", s->u.funcdef.name);
        dump_params(b, &s->u.funcdef.params);
        dump_stmts(b, "body", &s->u.funcdef.body);
        break;
    case AST_RETURN:
        if (s->u.ret.value) {
            puts_(b, " ");
            dump_expr(b, s->u.ret.value);
        }
        break;
    case AST_GLOBAL:
    case AST_NONLOCAL:
        for (int i = 0; i < s->u.names.n; i++)
            putf(b, " %s", s->u.names.names[i]);
        break;
    case AST_TRY:
        dump_stmts(b, "body", &s->u.try_.body);
        for (int i = 0; i < s->u.try_.nhandlers; i++) {
            const AstHandler *h = &s->u.try_.handlers[i];
            puts_(b, " (except");
            put_pos(b, &h->pos);
            dump_opt(b, h->type);
            if (h->name)
                putf(b, " as %s", h->name);
            dump_stmts(b, "body", &h->body);
            puts_(b, ")");
        }
        if (s->u.try_.orelse.len)
            dump_stmts(b, "else", &s->u.try_.orelse);
        if (s->u.try_.finalbody.len)
            dump_stmts(b, "finally", &s->u.try_.finalbody);
        break;
    case AST_RAISE:
        if (s->u.raise.exc) {
            puts_(b, " ");
            dump_expr(b, s->u.raise.exc);
        }
        if (s->u.raise.cause) {
            puts_(b, " from ");
            dump_expr(b, s->u.raise.cause);
        }
        break;
    case AST_ASSERT:
        puts_(b, " ");
        dump_expr(b, s->u.assert_.test);
        if (s->u.assert_.msg) {
            puts_(b, " ");
            dump_expr(b, s->u.assert_.msg);
        }
        break;
    case AST_IMPORT:
    case AST_IMPORTFROM:
        if (s->kind == AST_IMPORTFROM)
            putf(b, " %.*s%s", s->u.import.level, "..........", s->u.import.module ? s->u.import.module : "");
        for (int i = 0; i < s->u.import.n; i++) {
            putf(b, " %s", s->u.import.names[i].name);
            if (s->u.import.names[i].asname)
                putf(b, " as %s", s->u.import.names[i].asname);
        }
        break;
    case AST_ASYNCWITH:
        for (int i = 0; i < s->u.with.nitems; i++) {
            puts_(b, " (item ");
            dump_expr(b, s->u.with.items[i].context);
            if (s->u.with.items[i].target) {
                puts_(b, " ");
                dump_expr(b, s->u.with.items[i].target);
            }
            puts_(b, ")");
        }
        dump_stmts(b, "body", &s->u.with.body);
        break;
    case AST_BREAK:
    case AST_CONTINUE:
    case AST_PASS:
    case AST_STMT_KIND_COUNT:
        break;
    }
    puts_(b, ")");
}

static void dump_stmts(Buf *b, const char *label, const AstStmtList *l)
{
    putf(b, " (%s", label);
    for (int i = 0; i < l->len; i++) {
        puts_(b, " ");
        dump_stmt(b, l->items[i]);
    }
    puts_(b, ")");
}

static char *finish(Buf *b, size_t *len)
{
    if (b->failed || !b->p) {
        mem_free(b->m, b->p, b->cap);
        if (!b->failed) {
            /* empty text */
            char *p = mem_alloc(b->m, 1);
            if (p)
                *p = 0;
            if (len)
                *len = 0;
            return p;
        }
        return NULL;
    }
    /* Exact size, so the caller frees len + 1. */
    char *p = mem_realloc(b->m, b->p, b->cap, b->n + 1);
    if (!p) {
        mem_free(b->m, b->p, b->cap);
        return NULL;
    }
    if (len)
        *len = b->n;
    return p;
}

char *ast_dump(Mem *m, const Ast *ast, int with_pos, size_t *len)
{
    Buf b = {.m = m, .with_pos = with_pos};
    for (int i = 0; i < ast->body.len; i++) {
        dump_stmt(&b, ast->body.items[i]);
        puts_(&b, "\n");
    }
    return finish(&b, len);
}

char *ast_dump_expr(Mem *m, const AstExpr *e, int with_pos, size_t *len)
{
    Buf b = {.m = m, .with_pos = with_pos};
    dump_expr(&b, e);
    return finish(&b, len);
}
