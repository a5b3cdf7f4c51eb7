/* compile: AST to bytecode. See compile.h for the two passes.
 *
 * Code generation keeps, per scope, a stack of "frame blocks" (loops, try
 * bodies, except handlers, finally bodies) so that `return`, `break` and
 * `continue` can leave them properly: they close the exception ranges they
 * jump out of, pop what the blocks keep on the value stack and copy the
 * `finally` bodies in between (CPython 3.11's scheme; no runtime "why").
 * Jumps refer to labels patched at the end of each scope.
 */
#include "engine/lang/compile.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- symbols */

enum { SYM_ASSIGNED = 1, SYM_PARAM = 2, SYM_GLOBAL = 4, SYM_NONLOCAL = 8, SYM_USED = 16 };
typedef enum { K_UNRESOLVED, K_LOCAL, K_CELL, K_FREE, K_GLOBAL } SymKind;
typedef enum { SC_MODULE, SC_FUNC, SC_LAMBDA, SC_COMP } ScopeType;

typedef struct Sym {
    const char *name;
    unsigned flags;
    SymKind kind;
    int slot;    /* local slot, or cell index (cells then frees) */
    int argslot; /* a parameter that is a cell: its local slot, else -1 */
} Sym;

typedef struct Scope Scope;
struct Scope {
    ScopeType type;
    const void *node; /* AstStmt (def), AstExpr (lambda / comprehension) */
    const char *name;
    char *qualname;
    Scope *parent, *child, *next;
    Sym *syms;
    int nsyms, cap;
    bool is_async;  /* async def */
    bool has_await; /* a comprehension that awaits (becomes a coroutine) */
    int nlocals, ncells, nfree;
};

typedef struct Label {
    int32_t pos; /* instruction index, -1 until placed */
} Label;

typedef enum { FB_FOR, FB_WHILE, FB_TRY, FB_FINALLY_TRY, FB_HANDLER, FB_FINALLY_END, FB_WITH } FbKind;

/* An exception range under construction: pieces are closed when code jumps
 * out of the block through a finally copy and reopened after it. */
typedef struct ExcRange {
    int handler; /* label */
    int depth;
    int open_at; /* start of the current piece, -1 while closed */
} ExcRange;

typedef struct FBlock {
    FbKind kind;
    int lbl_continue, lbl_break;
    const AstStmtList *finalbody; /* FB_FINALLY_TRY */
    const char *exc_name;         /* FB_HANDLER with `as name` */
    int range;                    /* index into ranges, or -1 */
    int with_depth;               /* FB_WITH */
} FBlock;

typedef struct Fixup {
    uint32_t at;
    int label;
} Fixup;

typedef struct Unit {
    struct Unit *outer; /* the unit of the enclosing scope (for cleanup) */
    Code *code;         /* being filled in at the end of c_scope_code */
    Scope *scope;
    Instr *ins;
    CodeLoc *locs;
    uint32_t nins, cap;
    Value *consts;
    uint32_t nconsts, ccap;
    Str **names;
    uint32_t nnames, ncap;
    Code **codes;
    uint32_t ncodes, cdcap;
    CodeExc *exc;
    uint32_t nexc, ecap;
    Label *labels;
    int nlabels, lcap;
    Fixup *fix;
    uint32_t nfix, fcap;
    ExcRange *ranges;
    int nranges, rcap;
    FBlock fb[64];
    int nfb;
    int depth, maxdepth;
    CodeLoc loc; /* position given to emitted instructions */
} Unit;

typedef struct Compiler {
    Rt *rt;
    Mem *mem;
    const Ast *ast;
    ParseError *err;
    jmp_buf fail;
    Scope *all; /* every scope, for freeing */
    Scope *module;
    Unit *u;
    int depth; /* nesting of the statement or expression being visited */
    CompileWarnFn warn;
    void *warn_host;
} Compiler;

/* CPython 3.11's symtable allows 3 x the recursion limit (1000) of nested
 * statements and expressions, then raises "RecursionError: maximum
 * recursion depth exceeded during compilation". The parser builds chains
 * such as `1 + 1 + ...`, `a.a.a...` or `f()()...` without recursing, so
 * this is what keeps the recursive passes below off the end of the C stack. */
#define COMPILE_MAX_DEPTH 3000

static void depth_error(Compiler *c) __attribute__((noreturn));
static void depth_error(Compiler *c)
{
    ParseError *e = c->err;
    memset(e, 0, sizeof *e);
    e->kind = PARSE_RECURSION_ERROR;
    snprintf(e->msg, sizeof e->msg, "maximum recursion depth exceeded during compilation");
    longjmp(c->fail, 1);
}

static void *cmalloc(Compiler *c, size_t n)
{
    void *p = mem_calloc(c->mem, n);
    if (!p) {
        c->err->kind = PARSE_NO_MEMORY;
        snprintf(c->err->msg, sizeof c->err->msg, "out of memory");
        longjmp(c->fail, 1);
    }
    return p;
}

/* Grows an array of `*cap` elements of `size` bytes to hold n+1. */
static void *grow(Compiler *c, void *p, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    void *q = mem_realloc(c->mem, p, (size_t)*cap * size, (size_t)ncap * size);
    if (!q) {
        c->err->kind = PARSE_NO_MEMORY;
        snprintf(c->err->msg, sizeof c->err->msg, "out of memory");
        longjmp(c->fail, 1);
    }
    memset((char *)q + (size_t)*cap * size, 0, (size_t)(ncap - *cap) * size);
    *cap = ncap;
    return q;
}
#define GROW(c, arr, n, cap) ((arr) = grow((c), (arr), (n), &(cap), sizeof *(arr)))

static void syntax_error(Compiler *c, AstPos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
static void syntax_error(Compiler *c, AstPos pos, const char *fmt, ...)
{
    ParseError *e = c->err;
    va_list ap;
    va_start(ap, fmt);
    e->kind = PARSE_SYNTAX_ERROR;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->line = pos.line;
    e->end_line = pos.end_line;
    size_t len = 0;
    const char *l = code_source_line(c->ast->source, c->ast->source_len, pos.line, &len);
    e->text[0] = 0;
    e->col = 0;
    e->end_col = 0;
    if (l) {
        if (len >= sizeof e->text)
            len = sizeof e->text - 1;
        memcpy(e->text, l, len);
        e->text[len] = 0;
        /* Columns in characters, 1-based. */
        int chars = 0;
        for (int i = 0; i < pos.col && (size_t)i < len; i++)
            if (((unsigned char)l[i] & 0xC0) != 0x80)
                chars++;
        e->col = chars + 1;
        if (pos.end_line == pos.line) {
            int ec = 0;
            for (int i = 0; i < pos.end_col && (size_t)i < len; i++)
                if (((unsigned char)l[i] & 0xC0) != 0x80)
                    ec++;
            e->end_col = ec + 1;
        }
    }
    longjmp(c->fail, 1);
}

static Sym *sym_find(Scope *s, const char *name)
{
    for (int i = 0; i < s->nsyms; i++)
        if (strcmp(s->syms[i].name, name) == 0)
            return &s->syms[i];
    return NULL;
}

static Sym *sym_add(Compiler *c, Scope *s, const char *name, unsigned flags)
{
    Sym *y = sym_find(s, name);
    if (!y) {
        uint32_t cap = (uint32_t)s->cap;
        GROW(c, s->syms, (uint32_t)s->nsyms, cap);
        s->cap = (int)cap;
        y = &s->syms[s->nsyms++];
        y->name = name;
        y->slot = -1;
        y->argslot = -1;
    }
    y->flags |= flags;
    return y;
}

static Scope *scope_new(Compiler *c, ScopeType type, const void *node, const char *name, Scope *parent)
{
    Scope *s = cmalloc(c, sizeof *s);
    s->type = type;
    s->node = node;
    s->name = name;
    s->parent = parent;
    if (parent) {
        /* Append, so that children keep source order. */
        Scope **p = &parent->child;
        while (*p)
            p = &(*p)->next;
        *p = s;
    }
    /* qualname: parent's qualname + ".<locals>." for functions. */
    char buf[512];
    if (!parent || parent->type == SC_MODULE)
        snprintf(buf, sizeof buf, "%s", name);
    else
        snprintf(buf, sizeof buf, "%s.<locals>.%s", parent->qualname, name);
    size_t n = strlen(buf);
    s->qualname = cmalloc(c, n + 1);
    memcpy(s->qualname, buf, n + 1);
    /* Keep a list of all scopes for lookup by node and freeing: reuse a
     * side chain through `all` via a small wrapper array. */
    return s;
}

static Scope *scope_of(Scope *parent, const void *node)
{
    for (Scope *s = parent->child; s; s = s->next)
        if (s->node == node)
            return s;
    return NULL;
}

static void scope_free(Compiler *c, Scope *s)
{
    if (!s)
        return;
    Scope *ch = s->child;
    while (ch) {
        Scope *nx = ch->next;
        scope_free(c, ch);
        ch = nx;
    }
    mem_free(c->mem, s->syms, (size_t)s->cap * sizeof *s->syms);
    mem_free(c->mem, s->qualname, strlen(s->qualname) + 1);
    mem_free(c->mem, s, sizeof *s);
}

/* ---- pass 1: collect */

static void st_expr(Compiler *c, Scope *s, const AstExpr *e);
static void st_stmts(Compiler *c, Scope *s, const AstStmtList *l);

static void st_exprs(Compiler *c, Scope *s, const AstExprList *l)
{
    for (int i = 0; i < l->len; i++)
        st_expr(c, s, l->items[i]);
}

static void st_params(Compiler *c, Scope *fn, const AstParams *p)
{
    for (int i = 0; i < p->nargs; i++)
        sym_add(c, fn, p->args[i].name, SYM_PARAM);
    for (int i = 0; i < p->nkwonly; i++)
        sym_add(c, fn, p->kwonly[i].name, SYM_PARAM);
    if (p->vararg)
        sym_add(c, fn, p->vararg->name, SYM_PARAM);
}

static void st_defaults(Compiler *c, Scope *s, const AstParams *p)
{
    for (int i = 0; i < p->nargs; i++)
        if (p->args[i].dflt)
            st_expr(c, s, p->args[i].dflt);
    for (int i = 0; i < p->nkwonly; i++)
        if (p->kwonly[i].dflt)
            st_expr(c, s, p->kwonly[i].dflt);
}

static const char *comp_name(const AstExpr *e)
{
    switch (e->kind) {
    case AST_LISTCOMP: return "<listcomp>";
    case AST_DICTCOMP: return "<dictcomp>";
    default: return "<genexpr>";
    }
}

static void st_expr_node(Compiler *c, Scope *s, const AstExpr *e);

static void st_expr(Compiler *c, Scope *s, const AstExpr *e)
{
    if (!e)
        return;
    if (++c->depth > COMPILE_MAX_DEPTH)
        depth_error(c);
    st_expr_node(c, s, e);
    c->depth--;
}

static void st_expr_node(Compiler *c, Scope *s, const AstExpr *e)
{
    switch (e->kind) {
    case AST_NAME:
        sym_add(c, s, e->u.name, e->ctx == AST_LOAD ? SYM_USED : SYM_ASSIGNED);
        break;
    case AST_INT: case AST_FLOAT: case AST_STR: case AST_TRUE: case AST_FALSE: case AST_NONE:
        break;
    case AST_JOINEDSTR: case AST_LIST: case AST_TUPLE:
        st_exprs(c, s, &e->u.seq);
        break;
    case AST_FORMATTED:
        st_expr(c, s, e->u.fmt.value);
        st_expr(c, s, e->u.fmt.spec);
        break;
    case AST_BOOLOP: st_exprs(c, s, &e->u.boolop.values); break;
    case AST_BINOP:
        st_expr(c, s, e->u.binop.left);
        st_expr(c, s, e->u.binop.right);
        break;
    case AST_UNARYOP: st_expr(c, s, e->u.unary.operand); break;
    case AST_COMPARE:
        st_expr(c, s, e->u.compare.left);
        st_exprs(c, s, &e->u.compare.comparators);
        break;
    case AST_IFEXP:
        st_expr(c, s, e->u.ifexp.test);
        st_expr(c, s, e->u.ifexp.body);
        st_expr(c, s, e->u.ifexp.orelse);
        break;
    case AST_AWAIT:
        if (s->type == SC_COMP)
            for (Scope *p = s; p && p->type == SC_COMP; p = p->parent)
                p->has_await = true;
        st_expr(c, s, e->u.value);
        break;
    case AST_STARRED: st_expr(c, s, e->u.value); break;
    case AST_LAMBDA: {
        st_defaults(c, s, &e->u.lambda.params);
        Scope *fn = scope_new(c, SC_LAMBDA, e, "<lambda>", s);
        st_params(c, fn, &e->u.lambda.params);
        st_expr(c, fn, e->u.lambda.body);
        break;
    }
    case AST_CALL:
        st_expr(c, s, e->u.call.func);
        st_exprs(c, s, &e->u.call.args);
        for (int i = 0; i < e->u.call.nkeywords; i++)
            st_expr(c, s, e->u.call.keywords[i].value);
        break;
    case AST_ATTRIBUTE: st_expr(c, s, e->u.attr.value); break;
    case AST_SUBSCRIPT:
        st_expr(c, s, e->u.subscript.value);
        st_expr(c, s, e->u.subscript.index);
        break;
    case AST_SLICE:
        st_expr(c, s, e->u.slice.lower);
        st_expr(c, s, e->u.slice.upper);
        st_expr(c, s, e->u.slice.step);
        break;
    case AST_DICT:
        for (int i = 0; i < e->u.dict.n; i++) {
            st_expr(c, s, e->u.dict.keys[i]);
            st_expr(c, s, e->u.dict.values[i]);
        }
        break;
    case AST_LISTCOMP: case AST_DICTCOMP: case AST_GENEXP: {
        /* The first iterable is evaluated in the enclosing scope. */
        st_expr(c, s, e->u.comp.gens[0].iter);
        Scope *fn = scope_new(c, SC_COMP, e, comp_name(e), s);
        sym_add(c, fn, ".0", SYM_PARAM);
        for (int g = 0; g < e->u.comp.ngens; g++) {
            const AstComprehension *gen = &e->u.comp.gens[g];
            if (g > 0)
                st_expr(c, fn, gen->iter);
            st_expr(c, fn, gen->target);
            st_exprs(c, fn, &gen->ifs);
        }
        st_expr(c, fn, e->u.comp.elt);
        st_expr(c, fn, e->u.comp.key);
        st_expr(c, fn, e->u.comp.value);
        break;
    }
    default: break;
    }
}

static void st_stmt(Compiler *c, Scope *s, const AstStmt *st)
{
    switch (st->kind) {
    case AST_EXPR_STMT: st_expr(c, s, st->u.value); break;
    case AST_ASSIGN:
        st_exprs(c, s, &st->u.assign.targets);
        st_expr(c, s, st->u.assign.value);
        break;
    case AST_AUGASSIGN:
        if (st->u.augassign.target->kind == AST_NAME)
            sym_add(c, s, st->u.augassign.target->u.name, SYM_USED | SYM_ASSIGNED);
        else
            st_expr(c, s, st->u.augassign.target);
        st_expr(c, s, st->u.augassign.value);
        break;
    case AST_IF: case AST_WHILE:
        st_expr(c, s, st->u.cond.test);
        st_stmts(c, s, &st->u.cond.body);
        st_stmts(c, s, &st->u.cond.orelse);
        break;
    case AST_FOR:
        st_expr(c, s, st->u.forloop.target);
        st_expr(c, s, st->u.forloop.iter);
        st_stmts(c, s, &st->u.forloop.body);
        st_stmts(c, s, &st->u.forloop.orelse);
        break;
    case AST_DELETE: st_exprs(c, s, &st->u.del.targets); break;
    case AST_FUNCDEF: {
        st_defaults(c, s, &st->u.funcdef.params);
        sym_add(c, s, st->u.funcdef.name, SYM_ASSIGNED);
        Scope *fn = scope_new(c, SC_FUNC, st, st->u.funcdef.name, s);
        fn->is_async = st->u.funcdef.is_async;
        st_params(c, fn, &st->u.funcdef.params);
        st_stmts(c, fn, &st->u.funcdef.body);
        break;
    }
    case AST_RETURN: st_expr(c, s, st->u.ret.value); break;
    case AST_GLOBAL: case AST_NONLOCAL:
        for (int i = 0; i < st->u.names.n; i++) {
            const char *n = st->u.names.names[i];
            Sym *y = sym_find(s, n);
            bool glob = st->kind == AST_GLOBAL;
            if (s->type == SC_MODULE && !glob)
                syntax_error(c, st->pos, "nonlocal declaration not allowed at module level");
            if (y && (y->flags & (SYM_ASSIGNED | SYM_USED | SYM_PARAM))) {
                if (y->flags & SYM_PARAM)
                    syntax_error(c, st->pos, "name '%s' is parameter and %s", n,
                                 glob ? "global" : "nonlocal");
                syntax_error(c, st->pos, "name '%s' is %s prior to %s declaration", n,
                             (y->flags & SYM_ASSIGNED) ? "assigned to" : "used",
                             glob ? "global" : "nonlocal");
            }
            sym_add(c, s, n, glob ? SYM_GLOBAL : SYM_NONLOCAL);
        }
        break;
    case AST_TRY:
        st_stmts(c, s, &st->u.try_.body);
        for (int i = 0; i < st->u.try_.nhandlers; i++) {
            const AstHandler *h = &st->u.try_.handlers[i];
            st_expr(c, s, h->type);
            if (h->name)
                sym_add(c, s, h->name, SYM_ASSIGNED);
            st_stmts(c, s, &h->body);
        }
        st_stmts(c, s, &st->u.try_.orelse);
        st_stmts(c, s, &st->u.try_.finalbody);
        break;
    case AST_RAISE:
        st_expr(c, s, st->u.raise.exc);
        st_expr(c, s, st->u.raise.cause);
        break;
    case AST_ASSERT:
        st_expr(c, s, st->u.assert_.test);
        st_expr(c, s, st->u.assert_.msg);
        break;
    case AST_IMPORT: case AST_IMPORTFROM:
        for (int i = 0; i < st->u.import.n; i++) {
            const AstAlias *a = &st->u.import.names[i];
            const char *bind = a->asname;
            if (!bind) {
                if (st->kind == AST_IMPORT) {
                    /* `import a.b` binds a. */
                    const char *dot = strchr(a->name, '.');
                    if (dot) {
                        size_t n = (size_t)(dot - a->name);
                        char *t = ast_strndup((Ast *)c->ast, a->name, n);
                        if (!t)
                            syntax_error(c, st->pos, "out of memory");
                        bind = t;
                    } else {
                        bind = a->name;
                    }
                } else {
                    bind = a->name;
                }
            }
            if (strcmp(bind, "*") == 0)
                syntax_error(c, st->pos, "'import *' is not supported in the lesson language");
            sym_add(c, s, bind, SYM_ASSIGNED);
        }
        break;
    case AST_ASYNCWITH:
        for (int i = 0; i < st->u.with.nitems; i++) {
            st_expr(c, s, st->u.with.items[i].context);
            st_expr(c, s, st->u.with.items[i].target);
        }
        st_stmts(c, s, &st->u.with.body);
        break;
    default: break;
    }
}

static void st_stmts(Compiler *c, Scope *s, const AstStmtList *l)
{
    for (int i = 0; i < l->len; i++) {
        if (++c->depth > COMPILE_MAX_DEPTH)
            depth_error(c);
        st_stmt(c, s, l->items[i]);
        c->depth--;
    }
}

/* ---- pass 1b: resolve */

static void resolve(Compiler *c, Scope *s)
{
    for (int i = 0; i < s->nsyms; i++) {
        Sym *y = &s->syms[i];
        if (y->kind != K_UNRESOLVED)
            continue; /* added as FREE by a child's resolution */
        if (s->type == SC_MODULE || (y->flags & SYM_GLOBAL)) {
            y->kind = K_GLOBAL;
            continue;
        }
        if ((y->flags & (SYM_ASSIGNED | SYM_PARAM)) && !(y->flags & SYM_NONLOCAL)) {
            y->kind = K_LOCAL;
            continue;
        }
        /* Free, or an implicit global: look in enclosing functions. */
        Scope *p = s->parent;
        Sym *def = NULL;
        for (; p && p->type != SC_MODULE; p = p->parent) {
            def = sym_find(p, y->name);
            if (def && (def->kind == K_LOCAL || def->kind == K_CELL || def->kind == K_FREE ||
                        def->kind == K_GLOBAL))
                break;
            def = NULL;
        }
        if (!def || def->kind == K_GLOBAL) {
            if (y->flags & SYM_NONLOCAL) {
                AstPos pos = {0, 0, 0, 0};
                if (s->node)
                    pos = s->type == SC_FUNC ? ((const AstStmt *)s->node)->pos
                                             : ((const AstExpr *)s->node)->pos;
                syntax_error(c, pos, "no binding for nonlocal '%s' found", y->name);
            }
            y->kind = K_GLOBAL;
            continue;
        }
        if (def->kind == K_LOCAL)
            def->kind = K_CELL;
        y->kind = K_FREE;
        /* Every scope in between passes the cell along. */
        for (Scope *q = s->parent; q != p; q = q->parent) {
            Sym *m = sym_add(c, q, y->name, 0);
            if (m->kind == K_UNRESOLVED || m->kind == K_GLOBAL)
                m->kind = K_FREE;
        }
    }
    for (Scope *ch = s->child; ch; ch = ch->next)
        resolve(c, ch);
}

/* ---------------------------------------------------------------- emitting */

static int new_label(Compiler *c)
{
    Unit *u = c->u;
    uint32_t cap = (uint32_t)u->lcap;
    GROW(c, u->labels, (uint32_t)u->nlabels, cap);
    u->lcap = (int)cap;
    u->labels[u->nlabels].pos = -1;
    return u->nlabels++;
}

static void place(Compiler *c, int label)
{
    c->u->labels[label].pos = (int32_t)c->u->nins;
}

/* Place a label where the stack depth is known to be `depth`. */
static void place_at(Compiler *c, int label, int depth)
{
    place(c, label);
    c->u->depth = depth;
}

static void adjust(Compiler *c, int effect)
{
    Unit *u = c->u;
    u->depth += effect;
    if (u->depth > u->maxdepth)
        u->maxdepth = u->depth;
}

static uint32_t emit_raw(Compiler *c, Opcode op, uint32_t arg, int effect)
{
    Unit *u = c->u;
    if (arg > OP_ARG_MAX)
        syntax_error(c, (AstPos){u->loc.line, u->loc.col, u->loc.end_line, u->loc.end_col},
                     "program too large");
    uint32_t cap = u->cap;
    GROW(c, u->ins, u->nins, cap);
    cap = u->cap;
    GROW(c, u->locs, u->nins, cap);
    u->cap = cap;
    u->ins[u->nins] = OP_MAKE(op, arg);
    u->locs[u->nins] = u->loc;
    adjust(c, effect);
    return u->nins++;
}

static uint32_t emit(Compiler *c, Opcode op, uint32_t arg)
{
    return emit_raw(c, op, arg, opcode_effect(op));
}

static void emit_jump(Compiler *c, Opcode op, int label)
{
    Unit *u = c->u;
    uint32_t at = emit(c, op, 0);
    GROW(c, u->fix, u->nfix, u->fcap);
    u->fix[u->nfix].at = at;
    u->fix[u->nfix].label = label;
    u->nfix++;
}

static void set_loc(Compiler *c, AstPos p)
{
    c->u->loc = (CodeLoc){p.line, p.col, p.end_line, p.end_col, -1, -1, 0, 0, 0, 0};
}

static uint32_t add_const(Compiler *c, Value v)
{
    Unit *u = c->u;
    for (uint32_t i = 0; i < u->nconsts; i++) {
        Value w = u->consts[i];
        if (w.tag != v.tag)
            continue;
        if ((v.tag == VAL_INT && w.u.i == v.u.i) ||
            (v.tag == VAL_FLOAT && memcmp(&w.u.f, &v.u.f, sizeof(double)) == 0) ||
            (v.tag == VAL_OBJ && val_is_str(v) && val_is_str(w) &&
             str_eq(val_str(v), val_str(w)))) {
            val_decref(c->rt, v);
            return i;
        }
    }
    GROW(c, u->consts, u->nconsts, u->ccap);
    u->consts[u->nconsts] = v;
    return u->nconsts++;
}

static uint32_t add_str_const(Compiler *c, const char *s, size_t len)
{
    Value v;
    if (str_value(c->rt, s, len, &v) != RT_OK) {
        rt_clear_exc(c->rt);
        c->err->kind = PARSE_NO_MEMORY;
        longjmp(c->fail, 1);
    }
    return add_const(c, v);
}

static Str *intern(Compiler *c, const char *s)
{
    Str *n = rt_intern_cstr(c->rt, s);
    if (!n) {
        rt_clear_exc(c->rt);
        c->err->kind = PARSE_NO_MEMORY;
        longjmp(c->fail, 1);
    }
    return n;
}

static uint32_t add_name(Compiler *c, const char *s)
{
    Unit *u = c->u;
    Str *n = intern(c, s);
    for (uint32_t i = 0; i < u->nnames; i++)
        if (u->names[i] == n)
            return i;
    GROW(c, u->names, u->nnames, u->ncap);
    u->names[u->nnames] = n;
    return u->nnames++;
}

/* ---- exception ranges */

static int xrange_new(Compiler *c, int handler, int depth)
{
    Unit *u = c->u;
    uint32_t cap = (uint32_t)u->rcap;
    GROW(c, u->ranges, (uint32_t)u->nranges, cap);
    u->rcap = (int)cap;
    u->ranges[u->nranges] = (ExcRange){handler, depth, (int)u->nins};
    return u->nranges++;
}

static void xrange_close(Compiler *c, int r)
{
    Unit *u = c->u;
    ExcRange *rg = &u->ranges[r];
    if (rg->open_at < 0)
        return;
    if ((uint32_t)rg->open_at < u->nins) {
        GROW(c, u->exc, u->nexc, u->ecap);
        /* handler holds the label until the end of the unit. */
        u->exc[u->nexc++] = (CodeExc){(uint32_t)rg->open_at, u->nins, (uint32_t)rg->handler,
                                      (uint32_t)rg->depth};
    }
    rg->open_at = -1;
}

static void xrange_reopen(Compiler *c, int r)
{
    c->u->ranges[r].open_at = (int)c->u->nins;
}

/* ---------------------------------------------------------------- codegen */

static void c_expr(Compiler *c, const AstExpr *e);
static void c_stmts(Compiler *c, const AstStmtList *l);
static void c_store(Compiler *c, const AstExpr *t);
static Code *c_scope_code(Compiler *c, Scope *s);

static Sym *lookup(Compiler *c, const char *name)
{
    return sym_find(c->u->scope, name);
}

static void c_name(Compiler *c, const char *name, AstCtx ctx)
{
    Sym *y = lookup(c, name);
    SymKind k = y ? y->kind : K_GLOBAL;
    switch (k) {
    case K_LOCAL:
        emit(c, ctx == AST_LOAD ? OP_LOAD_FAST : ctx == AST_STORE ? OP_STORE_FAST : OP_DELETE_FAST,
             (uint32_t)y->slot);
        break;
    case K_CELL: case K_FREE:
        emit(c, ctx == AST_LOAD ? OP_LOAD_DEREF : ctx == AST_STORE ? OP_STORE_DEREF : OP_DELETE_DEREF,
             (uint32_t)y->slot);
        break;
    default:
        emit(c, ctx == AST_LOAD ? OP_LOAD_GLOBAL : ctx == AST_STORE ? OP_STORE_GLOBAL : OP_DELETE_GLOBAL,
             add_name(c, name));
        break;
    }
}

static BinOp map_binop(Compiler *c, const AstExpr *e, AstBinop op)
{
    switch (op) {
    case AST_ADD: return BINOP_ADD;
    case AST_SUB: return BINOP_SUB;
    case AST_MUL: return BINOP_MUL;
    case AST_DIV: return BINOP_TRUEDIV;
    case AST_FLOORDIV: return BINOP_FLOORDIV;
    case AST_MOD: return BINOP_MOD;
    case AST_POW: return BINOP_POW;
    case AST_LSHIFT: return BINOP_LSHIFT;
    case AST_RSHIFT: return BINOP_RSHIFT;
    case AST_BITOR: return BINOP_OR;
    case AST_BITXOR: return BINOP_XOR;
    case AST_BITAND: return BINOP_AND;
    default: syntax_error(c, e->pos, "the '@' operator is not supported in the lesson language");
    }
}

static uint32_t map_cmp(AstCmpop op)
{
    switch (op) {
    case AST_EQ: return COMPARE_EQ;
    case AST_NE: return COMPARE_NE;
    case AST_LT: return COMPARE_LT;
    case AST_LE: return COMPARE_LE;
    case AST_GT: return COMPARE_GT;
    case AST_GE: return COMPARE_GE;
    case AST_IS: return COMPARE_IS;
    case AST_ISNOT: return COMPARE_IS_NOT;
    case AST_IN: return COMPARE_IN;
    default: return COMPARE_NOT_IN;
    }
}

/* Position of the operator between two operands, for `~~^~~` carets: the
 * first non-space, non-')' byte after the left operand's end. */
static void op_span(Compiler *c, const AstExpr *left, const AstExpr *right, int oplen)
{
    CodeLoc *l = &c->u->loc;
    if (left->pos.end_line != l->line || right->pos.line != l->line)
        return;
    size_t len;
    const char *src = code_source_line(c->ast->source, c->ast->source_len, l->line, &len);
    if (!src)
        return;
    int i = left->pos.end_col;
    if (i < 0 || (size_t)right->pos.col > len)
        return;
    while (i < right->pos.col && (src[i] == ' ' || src[i] == ')' || src[i] == '\t'))
        i++;
    l->op_col = i;
    l->op_end = i + oplen;
}

/* ------------------------------------------------------ "is" with a literal */

/* What CPython 3.11's AST optimizer (ast_opt.c) folds an operand into,
 * as far as its compiler's check_compare() cares: not a constant, one of
 * the named singletons (None, True, False), or another constant. Its
 * folding is followed for the operators the subset has: unary - + not ~,
 * binary operators on numbers where CPython folds them (no division by
 * zero, no power or product or shift past 128 bits), str + str, str * int
 * up to 4096 characters, tuple + tuple, tuple * int up to 256 items, str[i]
 * and (1, 2)[i] in range, and tuples of constants. Anything else (an item
 * of a tuple made by folding, say) counts as not constant: no warning. */
typedef enum { CV_NO, CV_NONE, CV_BOOL, CV_INT, CV_FLOAT, CV_STR, CV_TUPLE } CvType;
typedef struct CVal {
    CvType t;
    double num;  /* CV_BOOL, CV_INT, CV_FLOAT: the value (ints roughly) */
    double len;  /* CV_STR: characters; CV_TUPLE: items */
} CVal;

static const CVal cv_no = {CV_NO, 0, 0};

static int cv_bits(double v) /* bit length of an int's magnitude */
{
    int b = 0;
    for (v = v < 0 ? -v : v; v >= 1 && b < 4096; v /= 2)
        b++;
    return b;
}

static bool cv_num(CVal v)
{
    return v.t == CV_BOOL || v.t == CV_INT || v.t == CV_FLOAT;
}

static bool cv_intish(CVal v)
{
    return v.t == CV_BOOL || v.t == CV_INT;
}

static CVal cv_fold(const AstExpr *e, int depth);

static CVal cv_binop(AstBinop op, CVal l, CVal r)
{
    CVal out = {CV_NO, 0, 0};
    if (cv_num(l) && cv_num(r)) {
        bool ints = cv_intish(l) && cv_intish(r);
        out.t = ints ? CV_INT : CV_FLOAT;
        switch (op) {
        case AST_ADD: out.num = l.num + r.num; return out;
        case AST_SUB: out.num = l.num - r.num; return out;
        case AST_MUL:
            if (ints && l.num != 0 && r.num != 0 && cv_bits(l.num) + cv_bits(r.num) > 128)
                return cv_no;
            out.num = l.num * r.num;
            return out;
        case AST_DIV:
            if (r.num == 0)
                return cv_no;
            out.t = CV_FLOAT;
            out.num = l.num / r.num;
            return out;
        case AST_FLOORDIV: case AST_MOD:
            if (r.num == 0)
                return cv_no;
            out.num = op == AST_MOD ? 0 : l.num / r.num;
            return out;
        case AST_POW:
            if (ints && r.num > 0 && l.num != 0 && (double)cv_bits(l.num) * r.num > 128)
                return cv_no;
            if (l.num == 0 && r.num < 0)
                return cv_no;
            if (ints && r.num < 0)
                out.t = CV_FLOAT;
            out.num = 1;
            return out;
        case AST_LSHIFT: case AST_RSHIFT:
            if (!ints || r.num < 0)
                return cv_no;
            if (op == AST_LSHIFT && l.num != 0 && (r.num > 128 || cv_bits(l.num) > 128 - r.num))
                return cv_no;
            out.num = 1;
            return out;
        case AST_BITAND: case AST_BITOR: case AST_BITXOR:
            if (!ints)
                return cv_no;
            if (l.t == CV_BOOL && r.t == CV_BOOL)
                out.t = CV_BOOL; /* True | False is False's kind: a singleton */
            out.num = 1;
            return out;
        default: return cv_no;
        }
    }
    if (op == AST_ADD && l.t == r.t && (l.t == CV_STR || l.t == CV_TUPLE)) {
        out.t = l.t;
        out.len = l.len + r.len;
        return out;
    }
    if (op == AST_MUL && (cv_intish(l) || cv_intish(r))) {
        CVal seq = cv_intish(l) ? r : l, n = cv_intish(l) ? l : r;
        double limit = seq.t == CV_STR ? 4096 : seq.t == CV_TUPLE ? 256 : -1;
        if (limit < 0 || !cv_intish(n))
            return cv_no;
        out.t = seq.t;
        out.len = n.num > 0 ? seq.len * n.num : 0;
        if (out.len > limit)
            return cv_no;
        return out;
    }
    return cv_no;
}

static CVal cv_fold(const AstExpr *e, int depth)
{
    CVal v = {CV_NO, 0, 0};
    if (!e || depth > 64)
        return cv_no;
    switch (e->kind) {
    case AST_NONE: v.t = CV_NONE; return v;
    case AST_TRUE: case AST_FALSE:
        v.t = CV_BOOL;
        v.num = e->kind == AST_TRUE;
        return v;
    case AST_INT: v.t = CV_INT; v.num = (double)e->u.ival; return v;
    case AST_FLOAT: v.t = CV_FLOAT; v.num = e->u.fval; return v;
    case AST_STR:
        v.t = CV_STR;
        for (size_t i = 0; i < e->u.str.len; i++)
            if (((unsigned char)e->u.str.s[i] & 0xC0) != 0x80)
                v.len++;
        return v;
    case AST_TUPLE:
        for (int i = 0; i < e->u.seq.len; i++)
            if (cv_fold(e->u.seq.items[i], depth + 1).t == CV_NO)
                return cv_no;
        v.t = CV_TUPLE;
        v.len = e->u.seq.len;
        return v;
    case AST_UNARYOP: {
        CVal x = cv_fold(e->u.unary.operand, depth + 1);
        if (x.t == CV_NO)
            return cv_no;
        if (e->u.unary.op == AST_UNOT) {
            v.t = CV_BOOL;
            return v;
        }
        if (!cv_num(x) || (e->u.unary.op == AST_UINVERT && x.t == CV_FLOAT))
            return cv_no;
        v.t = x.t == CV_FLOAT ? CV_FLOAT : CV_INT;
        v.num = e->u.unary.op == AST_UNEG ? -x.num : e->u.unary.op == AST_UINVERT ? -x.num - 1 : x.num;
        return v;
    }
    case AST_BINOP: {
        CVal l = cv_fold(e->u.binop.left, depth + 1);
        if (l.t == CV_NO)
            return cv_no;
        CVal r = cv_fold(e->u.binop.right, depth + 1);
        if (r.t == CV_NO)
            return cv_no;
        return cv_binop(e->u.binop.op, l, r);
    }
    case AST_SUBSCRIPT: {
        CVal s = cv_fold(e->u.subscript.value, depth + 1);
        CVal i = cv_fold(e->u.subscript.index, depth + 1);
        const AstExpr *tv = e->u.subscript.value;
        if (s.t == CV_TUPLE && tv->kind == AST_TUPLE && cv_intish(i) && i.num < s.len && i.num >= -s.len)
            return cv_fold(tv->u.seq.items[(int)(i.num < 0 ? i.num + s.len : i.num)], depth + 1);
        if (s.t != CV_STR || !cv_intish(i) || i.num >= s.len || i.num < -s.len)
            return cv_no;
        v.t = CV_STR;
        v.len = 1;
        return v;
    }
    default: return cv_no;
    }
}

/* CPython's check_is_arg: false for a constant other than a singleton. */
static bool is_arg_ok(const AstExpr *e)
{
    CvType t = cv_fold(e, 0).t;
    return t == CV_NO || t == CV_NONE || t == CV_BOOL;
}

/* A SyntaxWarning at `line`, as CPython's compiler_warn prints it (with the
 * source line, which linecache has for a real file only). */
static void compile_warn(Compiler *c, int line, const char *msg)
{
    const char *fn = c->ast->filename;
    size_t need = strlen(fn) + strlen(msg) + 64, len = 0;
    const char *src = NULL;
    /* linecache has no text for "<stdin>" and the like */
    if (fn[0] != '<')
        src = code_source_line(c->ast->source, c->ast->source_len, line, &len);
    while (src && len && (*src == ' ' || *src == '\t' || *src == '\f'))
        src++, len--;
    while (src && len && (src[len - 1] == ' ' || src[len - 1] == '\t' || src[len - 1] == '\r'))
        len--;
    char *buf = cmalloc(c, need + len);
    int n = snprintf(buf, need, "%s:%d: SyntaxWarning: %s\n", fn, line, msg);
    if (src) {
        memcpy(buf + n, "  ", 2);
        memcpy(buf + n + 2, src, len);
        buf[n + 2 + len] = '\n';
        n += (int)len + 3;
    }
    c->warn(c->warn_host, buf, (size_t)n);
    mem_free(c->mem, buf, need + len);
}

/* CPython's check_caller: calling a literal is most likely a missing comma
 * between two items, `[(1, 2) (3, 4)]`: a SyntaxWarning naming its type. */
static void check_caller(Compiler *c, const AstExpr *f)
{
    const char *t;
    switch (f->kind) {
    case AST_INT: t = "int"; break;
    case AST_FLOAT: t = "float"; break;
    case AST_STR: case AST_JOINEDSTR: case AST_FORMATTED: t = "str"; break;
    case AST_TRUE: case AST_FALSE: t = "bool"; break;
    case AST_NONE: t = "NoneType"; break;
    case AST_TUPLE: t = "tuple"; break;
    case AST_LIST: case AST_LISTCOMP: t = "list"; break;
    case AST_DICT: case AST_DICTCOMP: t = "dict"; break;
    case AST_GENEXP: t = "generator"; break;
    default: return;
    }
    if (!c->warn)
        return;
    char msg[96];
    snprintf(msg, sizeof msg, "'%s' object is not callable; perhaps you missed a comma?", t);
    compile_warn(c, f->pos.line, msg);
}

/* CPython's check_compare: one SyntaxWarning per comparison at most, for
 * the first `is` / `is not` with a literal on either side. */
static void check_compare(Compiler *c, const AstExpr *e)
{
    if (!c->warn)
        return;
    bool left = is_arg_ok(e->u.compare.left);
    for (int i = 0; i < e->u.compare.comparators.len; i++) {
        AstCmpop op = e->u.compare.ops[i];
        bool right = is_arg_ok(e->u.compare.comparators.items[i]);
        if ((op == AST_IS || op == AST_ISNOT) && (!left || !right)) {
            compile_warn(c, e->pos.line, op == AST_IS ? "\"is\" with a literal. Did you mean \"==\"?"
                                                      : "\"is not\" with a literal. Did you mean \"!=\"?");
            return;
        }
        left = right;
    }
}

/* CPython 3.11 compiles a while loop's test twice (before the body and
 * again at its end), so each of its comparisons warns twice: the second
 * time comes from this walk, after the body. */
static int warn_walk_expr(AstWalk *w, const AstExpr *e)
{
    if (e->kind == AST_COMPARE)
        check_compare(w->data, e);
    return 0;
}

static void c_call(Compiler *c, const AstExpr *e);
static void set_subscript_loc(Compiler *c, const AstExpr *e);

static void c_fstring_part(Compiler *c, const AstExpr *p, int *nparts)
{
    if (p->kind == AST_STR) {
        if (p->u.str.len == 0)
            return;
        emit(c, OP_LOAD_CONST, add_str_const(c, p->u.str.s, p->u.str.len));
    } else if (p->kind == AST_FORMATTED) {
        c_expr(c, p->u.fmt.value);
        uint32_t flags = 0;
        if (p->u.fmt.conversion == 'r' || p->u.fmt.conversion == 'a')
            flags = FMT_REPR;
        else if (p->u.fmt.conversion == 's')
            flags = FMT_STR;
        if (p->u.fmt.spec) {
            c_expr(c, p->u.fmt.spec);
            flags |= FMT_SPEC;
        }
        set_loc(c, p->pos);
        emit_raw(c, OP_FORMAT_VALUE, flags, (flags & FMT_SPEC) ? -1 : 0);
    } else {
        c_expr(c, p);
        emit_raw(c, OP_FORMAT_VALUE, FMT_STR, 0);
    }
    (*nparts)++;
}

static void c_joined(Compiler *c, const AstExpr *e)
{
    int n = 0;
    for (int i = 0; i < e->u.seq.len; i++)
        c_fstring_part(c, e->u.seq.items[i], &n);
    if (n == 0)
        emit(c, OP_LOAD_CONST, add_str_const(c, "", 0));
    else if (n > 1)
        emit_raw(c, OP_BUILD_STRING, (uint32_t)n, 1 - n);
    else if (e->u.seq.items[0]->kind == AST_STR)
        ; /* a plain string */
    else
        emit_raw(c, OP_BUILD_STRING, 1, 0);
}

static bool has_starred(const AstExprList *l)
{
    for (int i = 0; i < l->len; i++)
        if (l->items[i]->kind == AST_STARRED)
            return true;
    return false;
}

/* Builds a list from items that may contain *x. Leaves it on the stack. */
static void c_starred_list(Compiler *c, const AstExprList *l)
{
    emit_raw(c, OP_BUILD_LIST, 0, 1);
    for (int i = 0; i < l->len; i++) {
        const AstExpr *x = l->items[i];
        if (x->kind == AST_STARRED) {
            c_expr(c, x->u.value);
            emit(c, OP_LIST_EXTEND, 1);
        } else {
            c_expr(c, x);
            emit(c, OP_LIST_APPEND, 1);
        }
    }
}

static void c_function(Compiler *c, Scope *fs, const AstParams *p, AstPos pos)
{
    uint32_t flags = 0;
    int ndef = 0;
    for (int i = 0; i < p->nargs; i++)
        if (p->args[i].dflt) {
            c_expr(c, p->args[i].dflt);
            ndef++;
        }
    if (ndef) {
        emit_raw(c, OP_BUILD_TUPLE, (uint32_t)ndef, 1 - ndef);
        flags |= MKFN_DEFAULTS;
    }
    int nkw = 0;
    for (int i = 0; i < p->nkwonly; i++)
        if (p->kwonly[i].dflt) {
            emit(c, OP_LOAD_CONST, add_str_const(c, p->kwonly[i].name, strlen(p->kwonly[i].name)));
            c_expr(c, p->kwonly[i].dflt);
            nkw++;
        }
    if (nkw) {
        emit_raw(c, OP_BUILD_DICT, (uint32_t)nkw, 1 - 2 * nkw);
        flags |= MKFN_KWDEFAULTS;
    }
    /* Room first, so that the new code is owned by the unit (freed on an error) at once. */
    Unit *u = c->u;
    GROW(c, u->codes, u->ncodes, u->cdcap);
    Code *code = c_scope_code(c, fs);
    u->codes[u->ncodes] = code;
    uint32_t idx = u->ncodes++;
    if (code->nfree) {
        for (int i = 0; i < code->nfree; i++) {
            Str *nm = code->cellnames[code->ncells + i];
            Sym *y = lookup(c, nm->data);
            if (!y || y->slot < 0 || (y->kind != K_CELL && y->kind != K_FREE))
                syntax_error(c, pos, "internal error: closure variable '%s'", nm->data);
            emit(c, OP_LOAD_CLOSURE, (uint32_t)y->slot);
        }
        emit_raw(c, OP_BUILD_TUPLE, (uint32_t)code->nfree, 1 - code->nfree);
        flags |= MKFN_CLOSURE;
    }
    int pops = !!(flags & MKFN_DEFAULTS) + !!(flags & MKFN_KWDEFAULTS) + !!(flags & MKFN_CLOSURE);
    set_loc(c, pos);
    emit_raw(c, OP_MAKE_FUNCTION, (idx << 3) | flags, 1 - pops);
}

static void c_comprehension(Compiler *c, const AstExpr *e)
{
    Scope *fs = scope_of(c->u->scope, e);
    AstParams none = {0};
    c_function(c, fs, &none, e->pos);
    c_expr(c, e->u.comp.gens[0].iter);
    emit(c, OP_GET_ITER, 0);
    set_loc(c, e->pos);
    emit_raw(c, OP_CALL, 1, -1);
    if (fs->has_await) {
        emit(c, OP_GET_AWAITABLE, 0);
        emit(c, OP_AWAIT, 0);
    }
}

static void c_expr(Compiler *c, const AstExpr *e)
{
    /* The symbol pass checked the same tree; this only guards the stack. */
    if (++c->depth > COMPILE_MAX_DEPTH + 100)
        depth_error(c);
    CodeLoc saved = c->u->loc;
    set_loc(c, e->pos);
    switch (e->kind) {
    case AST_NAME: c_name(c, e->u.name, AST_LOAD); break;
    case AST_INT: emit(c, OP_LOAD_CONST, add_const(c, val_int(e->u.ival))); break;
    case AST_FLOAT: emit(c, OP_LOAD_CONST, add_const(c, val_float(e->u.fval))); break;
    case AST_STR: emit(c, OP_LOAD_CONST, add_str_const(c, e->u.str.s, e->u.str.len)); break;
    case AST_TRUE: emit(c, OP_LOAD_CONST, add_const(c, val_bool(true))); break;
    case AST_FALSE: emit(c, OP_LOAD_CONST, add_const(c, val_bool(false))); break;
    case AST_NONE: emit(c, OP_LOAD_NONE, 0); break;
    case AST_JOINEDSTR: c_joined(c, e); break;
    case AST_FORMATTED: {
        int n = 0;
        c_fstring_part(c, e, &n);
        break;
    }
    case AST_BOOLOP: {
        int end = new_label(c);
        Opcode op = e->u.boolop.op == AST_AND ? OP_JUMP_IF_FALSE_OR_POP : OP_JUMP_IF_TRUE_OR_POP;
        for (int i = 0; i < e->u.boolop.values.len; i++) {
            c_expr(c, e->u.boolop.values.items[i]);
            if (i + 1 < e->u.boolop.values.len)
                emit_jump(c, op, end);
        }
        place(c, end);
        break;
    }
    case AST_BINOP: {
        BinOp op = map_binop(c, e, e->u.binop.op);
        c_expr(c, e->u.binop.left);
        c_expr(c, e->u.binop.right);
        set_loc(c, e->pos);
        op_span(c, e->u.binop.left, e->u.binop.right, (int)strlen(ast_binop_symbol(e->u.binop.op)));
        emit(c, OP_BINARY_OP, (uint32_t)op);
        break;
    }
    case AST_UNARYOP:
        c_expr(c, e->u.unary.operand);
        set_loc(c, e->pos);
        switch (e->u.unary.op) {
        case AST_UNOT: emit(c, OP_UNARY_NOT, 0); break;
        case AST_UNEG: emit(c, OP_UNARY_NEG, 0); break;
        case AST_UPOS: emit(c, OP_UNARY_POS, 0); break;
        default: syntax_error(c, e->pos, "the '~' operator is not supported in the lesson language");
        }
        break;
    case AST_COMPARE: {
        check_compare(c, e);
        int n = e->u.compare.comparators.len;
        c_expr(c, e->u.compare.left);
        if (n == 1) {
            c_expr(c, e->u.compare.comparators.items[0]);
            set_loc(c, e->pos);
            emit(c, OP_COMPARE_OP, map_cmp(e->u.compare.ops[0]));
            break;
        }
        int cleanup = new_label(c), end = new_label(c);
        int d0 = c->u->depth;
        for (int i = 0; i < n; i++) {
            c_expr(c, e->u.compare.comparators.items[i]);
            set_loc(c, e->pos);
            if (i + 1 < n) {
                emit(c, OP_DUP_TOP, 0);
                emit(c, OP_ROT_THREE, 0);
                emit(c, OP_COMPARE_OP, map_cmp(e->u.compare.ops[i]));
                emit_jump(c, OP_JUMP_IF_FALSE_OR_POP, cleanup);
            } else {
                emit(c, OP_COMPARE_OP, map_cmp(e->u.compare.ops[i]));
            }
        }
        emit_jump(c, OP_JUMP, end);
        place_at(c, cleanup, d0 + 1);
        emit(c, OP_ROT_TWO, 0);
        emit(c, OP_POP_TOP, 0);
        place_at(c, end, d0);
        break;
    }
    case AST_IFEXP: {
        int lelse = new_label(c), end = new_label(c);
        c_expr(c, e->u.ifexp.test);
        emit_jump(c, OP_POP_JUMP_IF_FALSE, lelse);
        int d0 = c->u->depth;
        c_expr(c, e->u.ifexp.body);
        emit_jump(c, OP_JUMP, end);
        place_at(c, lelse, d0);
        c_expr(c, e->u.ifexp.orelse);
        place(c, end);
        break;
    }
    case AST_AWAIT: {
        Scope *s = c->u->scope;
        if (!(s->type == SC_FUNC && s->is_async) && s->type != SC_COMP) {
            syntax_error(c, e->pos, "'await' outside %s",
                         s->type == SC_MODULE ? "function" : "async function");
        }
        if (s->type == SC_COMP) {
            Scope *p = s;
            while (p->type == SC_COMP)
                p = p->parent;
            if (!(p->type == SC_FUNC && p->is_async))
                syntax_error(c, e->pos, "asynchronous comprehension outside of an asynchronous function");
        }
        c_expr(c, e->u.value);
        set_loc(c, e->pos);
        emit(c, OP_GET_AWAITABLE, 0);
        emit(c, OP_AWAIT, 0);
        break;
    }
    case AST_LAMBDA:
        c_function(c, scope_of(c->u->scope, e), &e->u.lambda.params, e->pos);
        break;
    case AST_CALL: c_call(c, e); break;
    case AST_STARRED:
        syntax_error(c, e->pos, "can't use starred expression here");
    case AST_ATTRIBUTE:
        c_expr(c, e->u.attr.value);
        set_loc(c, e->pos);
        emit(c, OP_LOAD_ATTR, add_name(c, e->u.attr.attr));
        break;
    case AST_SUBSCRIPT:
        c_expr(c, e->u.subscript.value);
        c_expr(c, e->u.subscript.index);
        set_subscript_loc(c, e);
        emit(c, OP_BINARY_SUBSCR, 0);
        break;
    case AST_SLICE:
        if (e->u.slice.lower) c_expr(c, e->u.slice.lower); else emit(c, OP_LOAD_NONE, 0);
        if (e->u.slice.upper) c_expr(c, e->u.slice.upper); else emit(c, OP_LOAD_NONE, 0);
        if (e->u.slice.step) c_expr(c, e->u.slice.step); else emit(c, OP_LOAD_NONE, 0);
        emit(c, OP_BUILD_SLICE, 3);
        break;
    case AST_LIST: case AST_TUPLE:
        if (has_starred(&e->u.seq)) {
            c_starred_list(c, &e->u.seq);
            if (e->kind == AST_TUPLE)
                emit(c, OP_LIST_TO_TUPLE, 0);
        } else {
            for (int i = 0; i < e->u.seq.len; i++)
                c_expr(c, e->u.seq.items[i]);
            int n = e->u.seq.len;
            emit_raw(c, e->kind == AST_LIST ? OP_BUILD_LIST : OP_BUILD_TUPLE, (uint32_t)n, 1 - n);
        }
        break;
    case AST_DICT:
        for (int i = 0; i < e->u.dict.n; i++) {
            if (!e->u.dict.keys[i])
                syntax_error(c, e->pos, "'**' in a dict display is not supported in the lesson language");
            c_expr(c, e->u.dict.keys[i]);
            c_expr(c, e->u.dict.values[i]);
        }
        emit_raw(c, OP_BUILD_DICT, (uint32_t)e->u.dict.n, 1 - 2 * e->u.dict.n);
        break;
    case AST_LISTCOMP: case AST_DICTCOMP: case AST_GENEXP:
        c_comprehension(c, e);
        break;
    default:
        syntax_error(c, e->pos, "unsupported expression");
    }
    c->u->loc = saved;
    c->depth--;
}

/* An argument whose evaluation can do nothing a program sees: a constant
 * (maybe negated) or a name (only its NameError, were the method missing
 * too, would come first: CPython's AttributeError wins there). */
static bool quiet_arg(const AstExpr *a)
{
    if (a->kind == AST_UNARYOP && (a->u.unary.op == AST_UNEG || a->u.unary.op == AST_UPOS))
        a = a->u.unary.operand;
    switch (a->kind) {
    case AST_INT: case AST_FLOAT: case AST_STR: case AST_NAME: case AST_TRUE: case AST_FALSE: case AST_NONE:
        return true;
    default: return false;
    }
}

/* The location of subscript e with 3.11's anchors: `~` under the value,
 * `^` from the `[` on (past a `)` closing the value, spaces). */
static void set_subscript_loc(Compiler *c, const AstExpr *e)
{
    set_loc(c, e->pos);
    CodeLoc *l = &c->u->loc;
    const AstExpr *ix = e->u.subscript.index;
    if (ix->pos.line == l->line && e->pos.end_line == l->line && e->u.subscript.value->pos.end_line == l->line) {
        size_t len;
        const char *src = code_source_line(c->ast->source, c->ast->source_len, l->line, &len);
        int i = e->u.subscript.value->pos.end_col;
        while (src && i < e->pos.end_col && (size_t)i < len && src[i] != '[')
            i++;
        l->op_col = i;
        l->op_end = e->pos.end_col;
    }
}

static void c_call(Compiler *c, const AstExpr *e)
{
    const AstExpr *f = e->u.call.func;
    check_caller(c, f);
    int nargs = e->u.call.args.len, nkw = e->u.call.nkeywords;
    bool star = has_starred(&e->u.call.args);
    if (!star && f->kind == AST_ATTRIBUTE && nargs + nkw < 256) {
        c_expr(c, f->u.attr.value);
        /* CPython looks the method up before the arguments: a typo in
         * asyncio.create_tsk(work()) fails before work() makes a coroutine
         * (no never-awaited warning) and before an argument prints. The
         * check costs an instruction, so calls whose arguments do nothing
         * visible (asyncio.sleep(0)) go without it; CALL_METHOD's lookup
         * then fails at the same point of the program. */
        bool quiet = true;
        for (int i = 0; i < nargs && quiet; i++)
            quiet = quiet_arg(e->u.call.args.items[i]);
        for (int i = 0; i < nkw && quiet; i++)
            quiet = quiet_arg(e->u.call.keywords[i].value);
        if (!quiet) {
            set_loc(c, f->pos);
            emit(c, OP_CHECK_METHOD, add_name(c, f->u.attr.attr));
        }
        for (int i = 0; i < nargs; i++)
            c_expr(c, e->u.call.args.items[i]);
        for (int i = 0; i < nkw; i++)
            c_expr(c, e->u.call.keywords[i].value);
        uint32_t name = add_name(c, f->u.attr.attr);
        if (name > 0xffff)
            syntax_error(c, e->pos, "program too large");
        set_loc(c, e->pos);
        c->u->loc.sub_line = f->pos.line;
        c->u->loc.sub_col = f->pos.col;
        c->u->loc.sub_end_line = f->pos.end_line;
        c->u->loc.sub_end_col = f->pos.end_col;
        if (nkw) {
            Tuple *t = tuple_new(c->rt, (size_t)nkw);
            if (!t)
                longjmp(c->fail, 1);
            for (int i = 0; i < nkw; i++)
                t->items[i] = val_obj(&intern(c, e->u.call.keywords[i].name)->hdr);
            emit(c, OP_LOAD_CONST, add_const(c, val_obj(&t->hdr)));
            emit_raw(c, OP_CALL_METHOD_KW, (name << 8) | (uint32_t)(nargs + nkw), -(nargs + nkw + 1));
        } else {
            emit_raw(c, OP_CALL_METHOD, (name << 8) | (uint32_t)nargs, -nargs);
        }
        return;
    }
    c_expr(c, f);
    if (star) {
        /* the list itself, not a tuple of it: only the stack holds it, so
         * the call borrows its items (100,000 coroutines to gather are not
         * copied into a 1.6 MB tuple) */
        c_starred_list(c, &e->u.call.args);
        if (nkw) {
            for (int i = 0; i < nkw; i++) {
                emit(c, OP_LOAD_CONST,
                     add_str_const(c, e->u.call.keywords[i].name, strlen(e->u.call.keywords[i].name)));
                c_expr(c, e->u.call.keywords[i].value);
            }
            emit_raw(c, OP_BUILD_DICT, (uint32_t)nkw, 1 - 2 * nkw);
        }
        set_loc(c, e->pos);
        emit_raw(c, OP_CALL_EX, nkw ? 1 : 0, nkw ? -2 : -1);
        return;
    }
    for (int i = 0; i < nargs; i++)
        c_expr(c, e->u.call.args.items[i]);
    for (int i = 0; i < nkw; i++)
        c_expr(c, e->u.call.keywords[i].value);
    set_loc(c, e->pos);
    if (nkw) {
        Tuple *t = tuple_new(c->rt, (size_t)nkw);
        if (!t)
            longjmp(c->fail, 1);
        for (int i = 0; i < nkw; i++)
            t->items[i] = val_obj(&intern(c, e->u.call.keywords[i].name)->hdr);
        emit(c, OP_LOAD_CONST, add_const(c, val_obj(&t->hdr)));
        emit_raw(c, OP_CALL_KW, (uint32_t)(nargs + nkw), -(nargs + nkw + 1));
    } else {
        emit_raw(c, OP_CALL, (uint32_t)nargs, -nargs);
    }
}

static void c_store(Compiler *c, const AstExpr *t)
{
    CodeLoc saved = c->u->loc;
    set_loc(c, t->pos);
    switch (t->kind) {
    case AST_NAME: c_name(c, t->u.name, AST_STORE); break;
    case AST_ATTRIBUTE:
        c_expr(c, t->u.attr.value);
        set_loc(c, t->pos);
        emit(c, OP_STORE_ATTR, add_name(c, t->u.attr.attr));
        break;
    case AST_SUBSCRIPT:
        c_expr(c, t->u.subscript.value);
        c_expr(c, t->u.subscript.index);
        set_loc(c, t->pos);
        emit(c, OP_STORE_SUBSCR, 0);
        break;
    case AST_TUPLE: case AST_LIST: {
        int n = t->u.seq.len;
        for (int i = 0; i < n; i++)
            if (t->u.seq.items[i]->kind == AST_STARRED)
                syntax_error(c, t->u.seq.items[i]->pos,
                             "starred assignment targets are not supported in the lesson language");
        emit_raw(c, OP_UNPACK_SEQUENCE, (uint32_t)n, n - 1);
        for (int i = 0; i < n; i++)
            c_store(c, t->u.seq.items[i]);
        break;
    }
    default:
        syntax_error(c, t->pos, "cannot assign to %s", ast_expr_kind_name(t->kind));
    }
    c->u->loc = saved;
}

static void c_delete(Compiler *c, const AstExpr *t)
{
    set_loc(c, t->pos);
    switch (t->kind) {
    case AST_NAME: c_name(c, t->u.name, AST_DEL); break;
    case AST_SUBSCRIPT:
        c_expr(c, t->u.subscript.value);
        c_expr(c, t->u.subscript.index);
        set_loc(c, t->pos);
        emit(c, OP_DELETE_SUBSCR, 0);
        break;
    case AST_TUPLE: case AST_LIST:
        for (int i = 0; i < t->u.seq.len; i++)
            c_delete(c, t->u.seq.items[i]);
        break;
    default: syntax_error(c, t->pos, "cannot delete %s", ast_expr_kind_name(t->kind));
    }
}

/* ---- leaving blocks */

static void fb_push(Compiler *c, FBlock b, AstPos pos)
{
    Unit *u = c->u;
    if (u->nfb >= (int)(sizeof u->fb / sizeof u->fb[0]))
        syntax_error(c, pos, "too many statically nested blocks");
    u->fb[u->nfb++] = b;
}

/* Emits what leaving blocks [target, nfb) needs. preserve_tos: a return
 * value is on top of the stack and must stay there. Ranges of the blocks
 * left are closed; the caller reopens them with unwind_reopen. */
static void unwind(Compiler *c, int target, bool preserve_tos)
{
    Unit *u = c->u;
    for (int i = u->nfb - 1; i >= target; i--) {
        FBlock *b = &u->fb[i];
        if (b->range >= 0)
            xrange_close(c, b->range);
        switch (b->kind) {
        case FB_FOR:
            if (preserve_tos)
                emit(c, OP_ROT_TWO, 0);
            emit(c, OP_POP_TOP, 0);
            break;
        case FB_WHILE: case FB_TRY: break;
        case FB_FINALLY_TRY: {
            /* Run the finally body with only the outer blocks active. */
            int saved_n = u->nfb;
            FBlock saved[64];
            memcpy(saved, u->fb, sizeof saved);
            u->nfb = i;
            c_stmts(c, b->finalbody);
            memcpy(u->fb, saved, sizeof saved);
            u->nfb = saved_n;
            break;
        }
        case FB_HANDLER:
            if (preserve_tos)
                emit(c, OP_ROT_TWO, 0);
            emit(c, OP_POP_EXCEPT, 0);
            if (b->exc_name) {
                emit(c, OP_LOAD_NONE, 0);
                c_name(c, b->exc_name, AST_STORE);
                c_name(c, b->exc_name, AST_DEL);
            }
            break;
        case FB_FINALLY_END:
            if (preserve_tos)
                emit(c, OP_ROT_TWO, 0);
            emit(c, OP_POP_TOP, 0);
            if (preserve_tos)
                emit(c, OP_ROT_TWO, 0);
            emit(c, OP_POP_EXCEPT, 0);
            break;
        case FB_WITH:
            /* stack: ... exit [tos]: call exit(None, None, None) and await it. */
            if (preserve_tos)
                emit(c, OP_ROT_TWO, 0);
            emit_raw(c, OP_ASYNC_WITH_EXIT, 0, 1);
            emit(c, OP_GET_AWAITABLE, 0);
            emit(c, OP_AWAIT, 0);
            emit(c, OP_POP_TOP, 0);
            emit(c, OP_POP_TOP, 0);
            break;
        }
    }
}

static void unwind_reopen(Compiler *c, int target)
{
    Unit *u = c->u;
    for (int i = target; i < u->nfb; i++)
        if (u->fb[i].range >= 0)
            xrange_reopen(c, u->fb[i].range);
}

static int find_loop(Compiler *c)
{
    for (int i = c->u->nfb - 1; i >= 0; i--)
        if (c->u->fb[i].kind == FB_FOR || c->u->fb[i].kind == FB_WHILE)
            return i;
    return -1;
}

/* ---- statements */

static void c_try(Compiler *c, const AstStmt *s);
static void c_async_with(Compiler *c, const AstStmt *s, int item);

static void c_funcdef(Compiler *c, const AstStmt *s)
{
    Scope *fs = scope_of(c->u->scope, s);
    c_function(c, fs, &s->u.funcdef.params, s->pos);
    set_loc(c, s->pos);
    c_name(c, s->u.funcdef.name, AST_STORE);
}

static bool is_const_true(const AstExpr *e)
{
    return e->kind == AST_TRUE || (e->kind == AST_INT && e->u.ival != 0);
}

/* CPython 3.11 compiles a condition (compiler_jump_if) through `not`,
 * `and`/`or` and `x if c else y` down to its comparisons, and a comparison
 * there sets the location of what the statement emits after it: an
 * assert's AssertionError points at the last comparison of its test
 * (`assert x > 10 and y` underlines `x > 10`), or at the whole statement
 * when the test has none (`assert isinstance(x, str)`). NULL: none. */
static const AstPos *cond_leaked_pos(const AstExpr *e)
{
    const AstPos *p = NULL, *q;
    switch (e->kind) {
    case AST_COMPARE: return &e->pos;
    case AST_UNARYOP: return e->u.unary.op == AST_UNOT ? cond_leaked_pos(e->u.unary.operand) : NULL;
    case AST_BOOLOP:
        for (int i = 0; i < e->u.boolop.values.len; i++)
            if ((q = cond_leaked_pos(e->u.boolop.values.items[i])))
                p = q;
        return p;
    case AST_IFEXP:
        p = cond_leaked_pos(e->u.ifexp.test);
        if ((q = cond_leaked_pos(e->u.ifexp.body)))
            p = q;
        if ((q = cond_leaked_pos(e->u.ifexp.orelse)))
            p = q;
        return p;
    default: return NULL;
    }
}

static void c_stmt(Compiler *c, const AstStmt *s)
{
    Unit *u = c->u;
    set_loc(c, s->pos);
    /* Statement-level instructions carry only the first line (a caret under
     * a whole statement is never drawn). */
    switch (s->kind) {
    case AST_EXPR_STMT:
        c_expr(c, s->u.value);
        emit(c, OP_POP_TOP, 0);
        break;
    case AST_ASSIGN: {
        c_expr(c, s->u.assign.value);
        int n = s->u.assign.targets.len;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n)
                emit(c, OP_DUP_TOP, 0);
            c_store(c, s->u.assign.targets.items[i]);
        }
        break;
    }
    case AST_AUGASSIGN: {
        const AstExpr *t = s->u.augassign.target;
        BinOp op = map_binop(c, t, s->u.augassign.op);
        uint32_t arg = (uint32_t)op | BINOP_INPLACE;
        switch (t->kind) {
        /* As 3.11's compiler_augassign: the target is read and written at
         * its own location (an UnboundLocalError underlines `x`, a
         * KeyError `d["k"]` with its anchors), the operation at the
         * statement's. */
        case AST_NAME:
            set_loc(c, t->pos);
            c_name(c, t->u.name, AST_LOAD);
            set_loc(c, s->pos);
            c_expr(c, s->u.augassign.value);
            emit(c, OP_BINARY_OP, arg);
            set_loc(c, t->pos);
            c_name(c, t->u.name, AST_STORE);
            break;
        case AST_ATTRIBUTE:
            c_expr(c, t->u.attr.value);
            set_loc(c, t->pos);
            emit(c, OP_DUP_TOP, 0);
            emit(c, OP_LOAD_ATTR, add_name(c, t->u.attr.attr));
            set_loc(c, s->pos);
            c_expr(c, s->u.augassign.value);
            emit(c, OP_BINARY_OP, arg);
            set_loc(c, t->pos);
            emit(c, OP_ROT_TWO, 0);
            emit(c, OP_STORE_ATTR, add_name(c, t->u.attr.attr));
            break;
        case AST_SUBSCRIPT:
            c_expr(c, t->u.subscript.value);
            c_expr(c, t->u.subscript.index);
            set_subscript_loc(c, t);
            emit(c, OP_DUP_TOP_TWO, 0);
            emit(c, OP_BINARY_SUBSCR, 0);
            set_loc(c, s->pos);
            c_expr(c, s->u.augassign.value);
            emit(c, OP_BINARY_OP, arg);
            set_subscript_loc(c, t);
            emit(c, OP_ROT_THREE, 0);
            emit(c, OP_STORE_SUBSCR, 0);
            break;
        default: syntax_error(c, t->pos, "illegal expression for augmented assignment");
        }
        break;
    }
    case AST_IF: {
        int lelse = new_label(c), end = new_label(c);
        c_expr(c, s->u.cond.test);
        emit_jump(c, OP_POP_JUMP_IF_FALSE, lelse);
        c_stmts(c, &s->u.cond.body);
        if (s->u.cond.orelse.len) {
            set_loc(c, s->pos);
            emit_jump(c, OP_JUMP, end);
        }
        place(c, lelse);
        c_stmts(c, &s->u.cond.orelse);
        place(c, end);
        break;
    }
    case AST_WHILE: {
        int top = new_label(c), lelse = new_label(c), brk = new_label(c);
        place(c, top);
        if (!is_const_true(s->u.cond.test)) {
            c_expr(c, s->u.cond.test);
            emit_jump(c, OP_POP_JUMP_IF_FALSE, lelse);
        }
        fb_push(c, (FBlock){.kind = FB_WHILE, .lbl_continue = top, .lbl_break = brk, .range = -1}, s->pos);
        c_stmts(c, &s->u.cond.body);
        u->nfb--;
        if (!is_const_true(s->u.cond.test)) {
            AstWalk w = {.expr = warn_walk_expr, .data = c};
            ast_walk_expr(s->u.cond.test, &w);
        }
        set_loc(c, s->pos);
        emit_jump(c, OP_JUMP, top);
        place(c, lelse);
        c_stmts(c, &s->u.cond.orelse);
        place(c, brk);
        break;
    }
    case AST_FOR: {
        int top = new_label(c), exit = new_label(c), brk = new_label(c);
        c_expr(c, s->u.forloop.iter);
        set_loc(c, s->pos);
        emit(c, OP_GET_ITER, 0);
        int d0 = u->depth;
        place(c, top);
        set_loc(c, s->u.forloop.target->pos);
        emit_jump(c, OP_FOR_ITER, exit);
        c_store(c, s->u.forloop.target);
        fb_push(c, (FBlock){.kind = FB_FOR, .lbl_continue = top, .lbl_break = brk, .range = -1}, s->pos);
        c_stmts(c, &s->u.forloop.body);
        u->nfb--;
        set_loc(c, s->pos);
        emit_jump(c, OP_JUMP, top);
        place_at(c, exit, d0 - 1);
        c_stmts(c, &s->u.forloop.orelse);
        place(c, brk);
        break;
    }
    case AST_BREAK: case AST_CONTINUE: {
        int l = find_loop(c);
        if (l < 0)
            syntax_error(c, s->pos, s->kind == AST_BREAK ? "'break' outside loop"
                                                         : "'continue' not properly in loop");
        int d = u->depth;
        if (s->kind == AST_BREAK) {
            unwind(c, l, false);
            set_loc(c, s->pos);
            emit_jump(c, OP_JUMP, u->fb[l].lbl_break);
        } else {
            unwind(c, l + 1, false);
            set_loc(c, s->pos);
            emit_jump(c, OP_JUMP, u->fb[l].lbl_continue);
        }
        unwind_reopen(c, l);
        u->depth = d;
        break;
    }
    case AST_PASS: emit(c, OP_NOP, 0); break;
    case AST_DELETE:
        for (int i = 0; i < s->u.del.targets.len; i++)
            c_delete(c, s->u.del.targets.items[i]);
        break;
    case AST_FUNCDEF: c_funcdef(c, s); break;
    case AST_RETURN: {
        if (u->scope->type == SC_MODULE)
            syntax_error(c, s->pos, "'return' outside function");
        int d = u->depth;
        if (s->u.ret.value)
            c_expr(c, s->u.ret.value);
        else
            emit(c, OP_LOAD_NONE, 0);
        unwind(c, 0, true);
        set_loc(c, s->pos);
        emit(c, OP_RETURN_VALUE, 0);
        unwind_reopen(c, 0);
        u->depth = d;
        break;
    }
    case AST_GLOBAL: case AST_NONLOCAL: break;
    case AST_TRY: c_try(c, s); break;
    case AST_RAISE:
        if (s->u.raise.exc) {
            c_expr(c, s->u.raise.exc);
            if (s->u.raise.cause)
                c_expr(c, s->u.raise.cause);
        }
        set_loc(c, s->pos);
        emit_raw(c, OP_RAISE, s->u.raise.exc ? (s->u.raise.cause ? 2 : 1) : 0,
                 s->u.raise.exc ? (s->u.raise.cause ? -2 : -1) : 0);
        break;
    case AST_ASSERT: {
        int ok = new_label(c);
        c_expr(c, s->u.assert_.test);
        emit_jump(c, OP_POP_JUMP_IF_TRUE, ok);
        if (s->u.assert_.msg)
            c_expr(c, s->u.assert_.msg);
        const AstPos *at = cond_leaked_pos(s->u.assert_.test);
        set_loc(c, at ? *at : s->pos);
        emit_raw(c, OP_ASSERT_FAIL, s->u.assert_.msg ? 1 : 0, s->u.assert_.msg ? -1 : 0);
        place(c, ok);
        break;
    }
    case AST_IMPORT:
        for (int i = 0; i < s->u.import.n; i++) {
            const AstAlias *a = &s->u.import.names[i];
            set_loc(c, s->pos);
            emit(c, OP_IMPORT_NAME, add_name(c, a->name));
            const char *bind = a->asname;
            if (!bind) {
                const char *dot = strchr(a->name, '.');
                bind = dot ? ast_strndup((Ast *)c->ast, a->name, (size_t)(dot - a->name)) : a->name;
            }
            c_name(c, bind, AST_STORE);
        }
        break;
    case AST_IMPORTFROM:
        if (s->u.import.level)
            syntax_error(c, s->pos, "relative imports are not supported in the lesson language");
        emit(c, OP_IMPORT_NAME, add_name(c, s->u.import.module));
        for (int i = 0; i < s->u.import.n; i++) {
            const AstAlias *a = &s->u.import.names[i];
            emit(c, OP_IMPORT_FROM, add_name(c, a->name));
            c_name(c, a->asname ? a->asname : a->name, AST_STORE);
        }
        emit(c, OP_POP_TOP, 0);
        break;
    case AST_ASYNCWITH: {
        Scope *sc = u->scope;
        if (!(sc->type == SC_FUNC && sc->is_async))
            syntax_error(c, s->pos, "'async with' outside async function");
        c_async_with(c, s, 0);
        break;
    }
    default: syntax_error(c, s->pos, "unsupported statement");
    }
}

static void c_stmts(Compiler *c, const AstStmtList *l)
{
    for (int i = 0; i < l->len; i++) {
        if (++c->depth > COMPILE_MAX_DEPTH + 100)
            depth_error(c);
        c_stmt(c, l->items[i]);
        c->depth--;
    }
}

/* try/except/else/finally: see opcodes.h and the comment at the top. */
static void c_try(Compiler *c, const AstStmt *s)
{
    Unit *u = c->u;
    int d = u->depth;
    bool has_fin = s->u.try_.finalbody.len > 0;
    int fin_exc = -1, rf = -1, end = new_label(c);
    if (has_fin) {
        fin_exc = new_label(c);
        rf = xrange_new(c, fin_exc, d);
        fb_push(c, (FBlock){.kind = FB_FINALLY_TRY, .finalbody = &s->u.try_.finalbody, .range = rf},
                s->pos);
    }
    if (s->u.try_.nhandlers) {
        int lexc = new_label(c), cleanup = new_label(c), after = new_label(c);
        int rt = xrange_new(c, lexc, d);
        fb_push(c, (FBlock){.kind = FB_TRY, .range = rt}, s->pos);
        c_stmts(c, &s->u.try_.body);
        u->nfb--;
        xrange_close(c, rt);
        c_stmts(c, &s->u.try_.orelse);
        emit_jump(c, OP_JUMP, after);

        place_at(c, lexc, d + 1);
        set_loc(c, s->u.try_.handlers[0].pos);
        int rc = xrange_new(c, cleanup, d + 1);
        emit(c, OP_PUSH_EXC_INFO, 0); /* prev exc */
        for (int i = 0; i < s->u.try_.nhandlers; i++) {
            const AstHandler *h = &s->u.try_.handlers[i];
            int next = new_label(c);
            set_loc(c, h->pos);
            if (h->type) {
                c_expr(c, h->type);
                set_loc(c, h->pos);
                emit(c, OP_CHECK_EXC_MATCH, 0);
                emit_jump(c, OP_POP_JUMP_IF_FALSE, next);
            } else if (i + 1 < s->u.try_.nhandlers) {
                syntax_error(c, h->pos, "default 'except:' must be last");
            }
            if (h->name)
                c_name(c, h->name, AST_STORE);
            else
                emit(c, OP_POP_TOP, 0);
            fb_push(c, (FBlock){.kind = FB_HANDLER, .exc_name = h->name, .range = rc}, h->pos);
            c_stmts(c, &h->body);
            u->nfb--;
            /* Normal end of the handler: restore the previous exception. */
            xrange_close(c, rc);
            emit(c, OP_POP_EXCEPT, 0);
            if (h->name) {
                emit(c, OP_LOAD_NONE, 0);
                c_name(c, h->name, AST_STORE);
                c_name(c, h->name, AST_DEL);
            }
            emit_jump(c, OP_JUMP, after);
            xrange_reopen(c, rc);
            place_at(c, next, d + 2);
        }
        /* No handler matched: re-raise (inside rc, so the cleanup runs). */
        emit(c, OP_RERAISE, 0);
        xrange_close(c, rc);
        place_at(c, cleanup, d + 2);
        emit(c, OP_POP_EXCEPT_RERAISE, 0);
        place_at(c, after, d);
    } else {
        c_stmts(c, &s->u.try_.body);
        c_stmts(c, &s->u.try_.orelse);
    }
    if (has_fin) {
        u->nfb--;
        xrange_close(c, rf);
        c_stmts(c, &s->u.try_.finalbody);
        emit_jump(c, OP_JUMP, end);
        /* Exceptional path: run the body, then re-raise. */
        place_at(c, fin_exc, d + 1);
        int fclean = new_label(c);
        int rfc = xrange_new(c, fclean, d + 1);
        emit(c, OP_PUSH_EXC_INFO, 0);
        fb_push(c, (FBlock){.kind = FB_FINALLY_END, .range = rfc}, s->pos);
        c_stmts(c, &s->u.try_.finalbody);
        u->nfb--;
        emit(c, OP_RERAISE, 0);
        xrange_close(c, rfc);
        place_at(c, fclean, d + 2);
        emit(c, OP_POP_EXCEPT_RERAISE, 0);
    }
    place_at(c, end, d);
}

/* async with A as a, B as b: body
 * ==  mgr = A; exit = type(mgr).__aexit__; a = await mgr.__aenter__()
 *     try: body  except: if not await exit(*exc_info): raise
 *     else/finally-normal: await exit(None, None, None)
 * The VM's BEFORE_ASYNC_WITH and ASYNC_WITH_EXIT hide the dunder calls. */
static void c_async_with(Compiler *c, const AstStmt *s, int item)
{
    Unit *u = c->u;
    const AstWithItem *it = &s->u.with.items[item];
    c_expr(c, it->context);
    set_loc(c, s->pos);
    emit(c, OP_BEFORE_ASYNC_WITH, 0); /* exit, enter-awaitable */
    emit(c, OP_GET_AWAITABLE, 0);
    emit(c, OP_AWAIT, 0);
    if (it->target)
        c_store(c, it->target);
    else
        emit(c, OP_POP_TOP, 0);
    int d = u->depth; /* exit is on the stack */
    int lexc = new_label(c), end = new_label(c), cleanup = new_label(c);
    int r = xrange_new(c, lexc, d);
    fb_push(c, (FBlock){.kind = FB_WITH, .range = r}, s->pos);
    if (item + 1 < s->u.with.nitems)
        c_async_with(c, s, item + 1);
    else
        c_stmts(c, &s->u.with.body);
    u->nfb--;
    xrange_close(c, r);
    set_loc(c, s->pos);
    emit_raw(c, OP_ASYNC_WITH_EXIT, 0, 1);
    emit(c, OP_GET_AWAITABLE, 0);
    emit(c, OP_AWAIT, 0);
    emit(c, OP_POP_TOP, 0);
    emit(c, OP_POP_TOP, 0); /* exit */
    emit_jump(c, OP_JUMP, end);
    /* Exception: stack ... exit exc. */
    place_at(c, lexc, d + 1);
    int rc = xrange_new(c, cleanup, d + 1);
    emit(c, OP_PUSH_EXC_INFO, 0);   /* exit prev exc */
    emit_raw(c, OP_ASYNC_WITH_EXIT, 1, 1); /* exit prev exc awaitable */
    emit(c, OP_GET_AWAITABLE, 0);
    emit(c, OP_AWAIT, 0);           /* exit prev exc suppress */
    int reraise = new_label(c);
    emit_jump(c, OP_POP_JUMP_IF_FALSE, reraise);
    emit(c, OP_POP_TOP, 0);         /* exit prev */
    xrange_close(c, rc);
    emit(c, OP_POP_EXCEPT, 0);      /* exit */
    emit(c, OP_POP_TOP, 0);
    emit_jump(c, OP_JUMP, end);
    xrange_reopen(c, rc);
    place_at(c, reraise, d + 2);
    emit(c, OP_RERAISE, 0);
    xrange_close(c, rc);
    place_at(c, cleanup, d + 2);
    emit(c, OP_POP_EXCEPT_RERAISE, 0);
    place_at(c, end, d - 1);
}

/* ---------------------------------------------------------------- scopes */

static void assign_slots(Compiler *c, Scope *s, const AstParams *p, bool comp)
{
    (void)c;
    int nl = 0;
    /* Parameters first, in order. */
    if (comp) {
        sym_find(s, ".0")->slot = nl++;
    } else if (p) {
        for (int i = 0; i < p->nargs; i++)
            sym_find(s, p->args[i].name)->slot = nl++;
        for (int i = 0; i < p->nkwonly; i++)
            sym_find(s, p->kwonly[i].name)->slot = nl++;
        if (p->vararg)
            sym_find(s, p->vararg->name)->slot = nl++;
    }
    int nparams = nl;
    for (int i = 0; i < s->nsyms; i++) {
        Sym *y = &s->syms[i];
        if (y->kind == K_LOCAL && y->slot < 0)
            y->slot = nl++;
    }
    s->nlocals = nl;
    int nc = 0;
    for (int i = 0; i < s->nsyms; i++) {
        Sym *y = &s->syms[i];
        if (y->kind == K_CELL) {
            /* A parameter that is a cell keeps its local slot (the call
             * binds it there; the frame moves it into the cell). */
            y->argslot = (y->slot >= 0 && y->slot < nparams) ? y->slot : -1;
            y->slot = nc++;
        }
    }
    s->ncells = nc;
    for (int i = 0; i < s->nsyms; i++) {
        Sym *y = &s->syms[i];
        if (y->kind == K_FREE)
            y->slot = nc++;
    }
    s->nfree = nc - s->ncells;
}

static void free_unit(Compiler *c, Unit *u)
{
    Mem *m = c->mem;
    mem_free(m, u->labels, (size_t)u->lcap * sizeof *u->labels);
    mem_free(m, u->fix, (size_t)u->fcap * sizeof *u->fix);
    mem_free(m, u->ranges, (size_t)u->rcap * sizeof *u->ranges);
}

static void *shrink(Compiler *c, void *p, size_t cap_bytes, size_t n_bytes)
{
    if (!p)
        return NULL;
    if (n_bytes == 0) {
        mem_free(c->mem, p, cap_bytes);
        return NULL;
    }
    void *q = mem_realloc(c->mem, p, cap_bytes, n_bytes);
    return q ? q : p; /* cannot fail in practice: shrinking */
}

static Code *c_scope_code(Compiler *c, Scope *s)
{
    /* On the heap, not the C stack: after a longjmp drop_units still
     * walks the chain of units being built. */
    Unit *unit = cmalloc(c, sizeof *unit);
    unit->scope = s;
    Unit *outer = c->u;
    unit->outer = outer;
    c->u = unit;
    const AstParams *params = NULL;
    const AstStmtList *body = NULL;
    const AstExpr *lam = NULL, *comp = NULL;
    int firstline = 1;
    if (s->type == SC_FUNC) {
        const AstStmt *st = s->node;
        params = &st->u.funcdef.params;
        body = &st->u.funcdef.body;
        firstline = st->pos.line;
    } else if (s->type == SC_LAMBDA) {
        lam = s->node;
        params = &lam->u.lambda.params;
        firstline = lam->pos.line;
    } else if (s->type == SC_COMP) {
        comp = s->node;
        firstline = comp->pos.line;
    } else {
        body = &c->ast->body;
    }
    assign_slots(c, s, params, s->type == SC_COMP);
    unit->loc = (CodeLoc){firstline, 0, firstline, 0, -1, -1, 0, 0, 0, 0};

    if (body) {
        c_stmts(c, body);
        /* Implicit `return None`, located at the last line. */
        emit(c, OP_LOAD_NONE, 0);
        emit(c, OP_RETURN_VALUE, 0);
    } else if (lam) {
        c_expr(c, lam->u.lambda.body);
        set_loc(c, lam->u.lambda.body->pos);
        emit(c, OP_RETURN_VALUE, 0);
    } else {
        /* Comprehension: .0 is the iterator of the first clause. */
        set_loc(c, comp->pos);
        bool dict = comp->kind == AST_DICTCOMP;
        emit_raw(c, dict ? OP_BUILD_DICT : OP_BUILD_LIST, 0, 1);
        int ngen = comp->u.comp.ngens;
        int tops[16], exits[16];
        if (ngen > 16)
            syntax_error(c, comp->pos, "too many 'for' clauses in a comprehension");
        for (int g = 0; g < ngen; g++) {
            const AstComprehension *gen = &comp->u.comp.gens[g];
            if (g == 0) {
                emit(c, OP_LOAD_FAST, 0);
            } else {
                c_expr(c, gen->iter);
                emit(c, OP_GET_ITER, 0);
            }
            tops[g] = new_label(c);
            exits[g] = new_label(c);
            place(c, tops[g]);
            set_loc(c, comp->pos);
            emit_jump(c, OP_FOR_ITER, exits[g]);
            c_store(c, gen->target);
            for (int k = 0; k < gen->ifs.len; k++) {
                c_expr(c, gen->ifs.items[k]);
                emit_jump(c, OP_POP_JUMP_IF_FALSE, tops[g]);
            }
        }
        /* The accumulator sits below the ngen iterators. */
        if (dict) {
            c_expr(c, comp->u.comp.key);
            c_expr(c, comp->u.comp.value);
            emit(c, OP_DICT_SET, (uint32_t)ngen + 2);
        } else {
            c_expr(c, comp->u.comp.elt);
            emit(c, OP_LIST_APPEND, (uint32_t)ngen + 1);
        }
        for (int g = ngen - 1; g >= 0; g--) {
            emit_jump(c, OP_JUMP, tops[g]);
            place_at(c, exits[g], 1 + g);
        }
        emit(c, OP_RETURN_VALUE, 0);
    }

    /* Resolve labels. */
    for (uint32_t i = 0; i < unit->nfix; i++) {
        Fixup *f = &unit->fix[i];
        Instr in = unit->ins[f->at];
        unit->ins[f->at] = OP_MAKE(OP_CODE(in), (uint32_t)unit->labels[f->label].pos);
    }
    for (uint32_t i = 0; i < unit->nexc; i++)
        unit->exc[i].handler = (uint32_t)unit->labels[unit->exc[i].handler].pos;

    Code *code = cmalloc(c, sizeof *code);
    unit->code = code;
    code->mem = c->mem;
    code->rt = c->rt;
    code->name = intern(c, s->type == SC_MODULE ? "<module>" : s->name);
    code->qualname = intern(c, s->type == SC_MODULE ? "<module>" : s->qualname);
    size_t fl = strlen(c->ast->filename);
    char *fn = cmalloc(c, fl + 1);
    memcpy(fn, c->ast->filename, fl + 1);
    code->filename = fn;
    code->source = c->ast->source;
    code->src_len = c->ast->source_len;
    code->firstline = firstline;
    if (s->type == SC_MODULE)
        code->flags |= CODE_MODULE;
    if ((s->type == SC_FUNC && s->is_async) || (s->type == SC_COMP && s->has_await))
        code->flags |= CODE_COROUTINE;
    if (s->type == SC_COMP)
        code->flags |= CODE_COMPREHENSION;
    code->ins = shrink(c, unit->ins, unit->cap * sizeof *unit->ins, unit->nins * sizeof *unit->ins);
    code->locs = shrink(c, unit->locs, unit->cap * sizeof *unit->locs, unit->nins * sizeof *unit->locs);
    code->nins = unit->nins;
    code->consts = shrink(c, unit->consts, unit->ccap * sizeof(Value), unit->nconsts * sizeof(Value));
    code->nconsts = unit->nconsts;
    code->names = shrink(c, unit->names, unit->ncap * sizeof(Str *), unit->nnames * sizeof(Str *));
    code->nnames = unit->nnames;
    code->codes = shrink(c, unit->codes, unit->cdcap * sizeof(Code *), unit->ncodes * sizeof(Code *));
    code->ncodes = unit->ncodes;
    code->exc = shrink(c, unit->exc, unit->ecap * sizeof(CodeExc), unit->nexc * sizeof(CodeExc));
    code->nexc = unit->nexc;
    /* The arrays belong to the code now (drop_units must not free them twice). */
    unit->ins = NULL;
    unit->locs = NULL;
    unit->consts = NULL;
    unit->names = NULL;
    unit->codes = NULL;
    unit->exc = NULL;
    unit->nins = unit->cap = unit->nconsts = unit->ccap = unit->nnames = unit->ncap = 0;
    unit->ncodes = unit->cdcap = unit->nexc = unit->ecap = 0;
    if (params) {
        code->nargs = params->nargs;
        code->nkwonly = params->nkwonly;
        code->varargs = params->vararg != NULL;
    } else if (comp) {
        code->nargs = 1;
    }
    code->nlocals = s->nlocals;
    code->ncells = s->ncells;
    code->nfree = s->nfree;
    code->stacksize = unit->maxdepth; /* exact: a frame holds this many (no slack; frames are sized by it) */
    if (s->nlocals)
        code->localnames = cmalloc(c, (size_t)s->nlocals * sizeof(Str *));
    if (s->ncells + s->nfree)
        code->cellnames = cmalloc(c, (size_t)(s->ncells + s->nfree) * sizeof(Str *));
    if (s->ncells)
        code->cell2arg = cmalloc(c, (size_t)s->ncells * sizeof(int));
    for (int i = 0; i < s->nsyms; i++) {
        Sym *y = &s->syms[i];
        if (y->kind == K_LOCAL && y->slot >= 0)
            code->localnames[y->slot] = intern(c, y->name);
        else if (y->kind == K_CELL) {
            code->cellnames[y->slot] = intern(c, y->name);
            code->cell2arg[y->slot] = y->argslot;
            if (y->argslot >= 0)
                code->localnames[y->argslot] = code->cellnames[y->slot];
        } else if (y->kind == K_FREE)
            code->cellnames[y->slot] = intern(c, y->name);
    }
    for (int i = 0; i < s->nlocals; i++)
        if (!code->localnames[i])
            code->localnames[i] = intern(c, "?");
    free_unit(c, unit);
    c->u = outer;
    mem_free(c->mem, unit, sizeof *unit);
    return code;
}

/* After a compile error: frees what the units still being built hold (their
 * arrays, the constants and the codes of the functions compiled so far, and
 * the Code being filled in), innermost first. */
static void drop_units(Compiler *c)
{
    Mem *m = c->mem;
    for (Unit *u = c->u; u;) {
        for (uint32_t i = 0; i < u->nconsts; i++)
            val_decref(c->rt, u->consts[i]);
        for (uint32_t i = 0; i < u->ncodes; i++)
            code_free(c->rt, u->codes[i]);
        mem_free(m, u->ins, (size_t)u->cap * sizeof *u->ins);
        mem_free(m, u->locs, (size_t)u->cap * sizeof *u->locs);
        mem_free(m, u->consts, (size_t)u->ccap * sizeof *u->consts);
        mem_free(m, u->names, (size_t)u->ncap * sizeof *u->names);
        mem_free(m, u->codes, (size_t)u->cdcap * sizeof *u->codes);
        mem_free(m, u->exc, (size_t)u->ecap * sizeof *u->exc);
        free_unit(c, u);
        if (u->code)
            code_free(c->rt, u->code);
        Unit *dead = u;
        u = u->outer;
        mem_free(m, dead, sizeof *dead);
    }
    c->u = NULL;
}

void code_free(Rt *rt, Code *c)
{
    if (!c)
        return;
    Mem *m = c->mem;
    for (uint32_t i = 0; i < c->nconsts; i++)
        val_decref(rt, c->consts[i]);
    for (uint32_t i = 0; i < c->ncodes; i++)
        code_free(rt, c->codes[i]);
    mem_free(m, c->ins, c->nins * sizeof *c->ins);
    mem_free(m, c->locs, c->nins * sizeof *c->locs);
    mem_free(m, c->consts, c->nconsts * sizeof(Value));
    mem_free(m, c->names, c->nnames * sizeof(Str *));
    mem_free(m, c->codes, c->ncodes * sizeof(Code *));
    mem_free(m, c->exc, c->nexc * sizeof(CodeExc));
    mem_free(m, c->localnames, (size_t)c->nlocals * sizeof(Str *));
    mem_free(m, c->cellnames, (size_t)(c->ncells + c->nfree) * sizeof(Str *));
    mem_free(m, c->cell2arg, (size_t)c->ncells * sizeof(int));
    if (c->filename) /* NULL in a Code dropped half-built (drop_units) */
        mem_free(m, (char *)c->filename, strlen(c->filename) + 1);
    mem_free(m, c, sizeof *c);
}

/* Lines end as the lexer ends them (and CPython's tokenizer): at \n, \r\n
 * or a lone \r. Splitting at \n only gave a file with lone \r fewer lines
 * than its positions count: no source line in its tracebacks, and columns
 * of one line read in another, shorter one (fuzz_vm: op_span past the
 * end of the source). */
static const char *line_end(const char *p, const char *end)
{
    while (p < end && *p != '\n' && *p != '\r')
        p++;
    return p;
}

const char *code_source_line(const char *source, size_t src_len, int line, size_t *len)
{
    if (!source || line < 1)
        return NULL;
    const char *p = source, *end = source + src_len;
    for (int l = 1; l < line; l++) {
        const char *e = line_end(p, end);
        if (e == end)
            return NULL;
        p = e + (e[0] == '\r' && e + 1 < end && e[1] == '\n' ? 2 : 1);
    }
    *len = (size_t)(line_end(p, end) - p);
    return p;
}

Code *compile_module(Rt *rt, const Ast *ast, ParseError *err, CompileWarnFn warn, void *host)
{
    Compiler cc;
    memset(&cc, 0, sizeof cc);
    cc.warn = warn;
    cc.warn_host = host;
    cc.rt = rt;
    cc.mem = rt->mem;
    cc.ast = ast;
    cc.err = err;
    memset(err, 0, sizeof *err);
    Compiler *volatile c = &cc;
    if (setjmp(cc.fail)) {
        drop_units(c);
        scope_free(c, c->module);
        if (err->kind == PARSE_OK)
            err->kind = PARSE_SYNTAX_ERROR;
        return NULL;
    }
    cc.module = scope_new(c, SC_MODULE, NULL, "<module>", NULL);
    st_stmts(c, cc.module, &ast->body);
    resolve(c, cc.module);
    Code *code = c_scope_code(c, cc.module);
    scope_free(c, cc.module);
    return code;
}
