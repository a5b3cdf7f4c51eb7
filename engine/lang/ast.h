/* ast: the abstract syntax tree of the lesson language.
 *
 * The parser (parse.h) turns source text into an Ast; the compiler walks it
 * to make bytecode, and exercise checks ask it structural questions through
 * the walk API at the end of this file ("is asyncio.gather called?").
 *
 * The shapes follow CPython's own `ast` module closely (Module, Assign,
 * FunctionDef, Call, JoinedStr, ...), so a reader who knows `ast.dump` can
 * follow this header, and so the positions mean what CPython's do.
 *
 * Ownership: every node, list and string of a tree lives in the tree's arena,
 * which is allocated through the Mem given to the parser. ast_free() releases
 * it all at once; nothing in a tree is freed on its own. Trees are immutable
 * once the parser returns them (the compiler only reads).
 *
 * Positions: `line` is 1-based; `col` is the 0-based BYTE offset in the line's
 * UTF-8 text (CPython's col_offset); `end_line`/`end_col` point just past the
 * node's last byte (CPython's end_lineno/end_col_offset). Every statement and
 * expression has all four filled in; 3.11's traceback carets (`^^^^`) are
 * drawn from them.
 *
 * Stability: this header is a contract with the compiler. After its first
 * commit it only grows: new kinds and new fields are added, nothing existing
 * is renamed, removed or changes meaning.
 */
#ifndef AIO_LANG_AST_H
#define AIO_LANG_AST_H

#include <stddef.h>
#include <stdint.h>

#include "engine/mem.h"

typedef struct AstExpr AstExpr;
typedef struct AstStmt AstStmt;

/* A NUL-terminated string in the tree's arena. Identifiers are plain
 * `const char *`; string constants carry their length since they may hold
 * NUL bytes ("\x00"). Text is UTF-8. */
typedef struct AstStr {
    const char *s;
    size_t len;
} AstStr;

/* Arrays of node pointers. `items` is NULL when `len` is 0. */
typedef struct AstExprList {
    AstExpr **items;
    int len;
} AstExprList;

typedef struct AstStmtList {
    AstStmt **items;
    int len;
} AstStmtList;

typedef struct AstPos {
    int line, col;         /* start: line 1-based, col 0-based bytes */
    int end_line, end_col; /* just past the end */
} AstPos;

/* ---- Expressions ------------------------------------------------------ */

/* X(ENUM, "DumpName"). The dump name is CPython's ast class name. */
#define AST_EXPR_KINDS(X)                                                      \
    X(AST_NAME, "Name")           /* name */                                   \
    X(AST_INT, "Int")             /* ival (fits int64; bigger is a SyntaxError) */ \
    X(AST_FLOAT, "Float")         /* fval */                                   \
    X(AST_STR, "Str")             /* str (escapes already decoded) */          \
    X(AST_TRUE, "True")                                                        \
    X(AST_FALSE, "False")                                                      \
    X(AST_NONE, "None")                                                        \
    X(AST_JOINEDSTR, "JoinedStr") /* f-string: seq = parts, each Str or FormattedValue */ \
    X(AST_FORMATTED, "FormattedValue") /* fmt */                               \
    X(AST_BOOLOP, "BoolOp")       /* boolop: a and b and c -> one node */      \
    X(AST_BINOP, "BinOp")         /* binop */                                  \
    X(AST_UNARYOP, "UnaryOp")     /* unary: - + not ~ */                       \
    X(AST_COMPARE, "Compare")     /* compare: a < b <= c -> one node */        \
    X(AST_IFEXP, "IfExp")         /* ifexp: body if test else orelse */        \
    X(AST_AWAIT, "Await")         /* value = the awaited expression */         \
    X(AST_LAMBDA, "Lambda")       /* lambda */                                 \
    X(AST_CALL, "Call")           /* call */                                   \
    X(AST_STARRED, "Starred")     /* value: *x in call args, list and tuple displays */ \
    X(AST_ATTRIBUTE, "Attribute") /* attr: value.name */                       \
    X(AST_SUBSCRIPT, "Subscript") /* subscript: value[index] */                \
    X(AST_SLICE, "Slice")         /* slice: only as Subscript's index (or in its tuple) */ \
    X(AST_LIST, "List")           /* seq */                                    \
    X(AST_TUPLE, "Tuple")         /* seq */                                    \
    X(AST_DICT, "Dict")           /* dict */                                   \
    X(AST_LISTCOMP, "ListComp")   /* comp */                                   \
    X(AST_DICTCOMP, "DictComp")   /* comp (key and value) */                   \
    X(AST_GENEXP, "GeneratorExp") /* comp; the lesson language builds a list eagerly */

typedef enum AstExprKind {
#define AST_X_ENUM(e, s) e,
    AST_EXPR_KINDS(AST_X_ENUM)
#undef AST_X_ENUM
    AST_EXPR_KIND_COUNT
} AstExprKind;

/* Where an assignable expression is used. Name, Attribute, Subscript, Tuple,
 * List and Starred carry it; every other node is AST_LOAD. */
typedef enum AstCtx { AST_LOAD, AST_STORE, AST_DEL } AstCtx;

#define AST_BINOPS(X)                                                          \
    X(AST_ADD, "Add", "+")                                                     \
    X(AST_SUB, "Sub", "-")                                                     \
    X(AST_MUL, "Mult", "*")                                                    \
    X(AST_DIV, "Div", "/")                                                     \
    X(AST_FLOORDIV, "FloorDiv", "//")                                          \
    X(AST_MOD, "Mod", "%")                                                     \
    X(AST_POW, "Pow", "**")                                                    \
    X(AST_MATMUL, "MatMult", "@")   /* parsed; no type in the subset has it */ \
    X(AST_LSHIFT, "LShift", "<<")   /* bit operators: parsed (full Python */   \
    X(AST_RSHIFT, "RShift", ">>")   /* precedence); the compiler may support */ \
    X(AST_BITOR, "BitOr", "|")      /* or reject them */                       \
    X(AST_BITXOR, "BitXor", "^")                                               \
    X(AST_BITAND, "BitAnd", "&")

typedef enum AstBinop {
#define AST_X_ENUM(e, s, t) e,
    AST_BINOPS(AST_X_ENUM)
#undef AST_X_ENUM
    AST_BINOP_COUNT
} AstBinop;

typedef enum AstUnop { AST_UNOT, AST_UNEG, AST_UPOS, AST_UINVERT } AstUnop;
typedef enum AstBoolop { AST_AND, AST_OR } AstBoolop;

#define AST_CMPOPS(X)                                                          \
    X(AST_EQ, "Eq", "==")                                                      \
    X(AST_NE, "NotEq", "!=")                                                   \
    X(AST_LT, "Lt", "<")                                                       \
    X(AST_LE, "LtE", "<=")                                                     \
    X(AST_GT, "Gt", ">")                                                       \
    X(AST_GE, "GtE", ">=")                                                     \
    X(AST_IS, "Is", "is")                                                      \
    X(AST_ISNOT, "IsNot", "is not")                                            \
    X(AST_IN, "In", "in")                                                      \
    X(AST_NOTIN, "NotIn", "not in")

typedef enum AstCmpop {
#define AST_X_ENUM(e, s, t) e,
    AST_CMPOPS(AST_X_ENUM)
#undef AST_X_ENUM
    AST_CMPOP_COUNT
} AstCmpop;

/* One parameter of a def or lambda. */
typedef struct AstArg {
    const char *name;
    AstExpr *dflt; /* default value, or NULL */
    AstPos pos;    /* of the name */
} AstArg;

/* def f(a, b=1, *args, c, d=2): ...
 *   args   = a, b=1   (positional-or-keyword; defaults only at the end)
 *   vararg = args     (NULL when there is no *name)
 *   kwonly = c, d=2   (after `*` or `*args`; dflt NULL means required)
 * A bare `*` gives vararg NULL and kwonly non-empty. Positional-only `/`
 * and `**kwargs` are not in the subset (SyntaxError). */
typedef struct AstParams {
    AstArg *args;
    int nargs;
    AstArg *vararg;
    AstArg *kwonly;
    int nkwonly;
} AstParams;

/* name=value at a call site. (`**mapping` is not in the subset.) */
typedef struct AstKeyword {
    const char *name;
    AstExpr *value;
    AstPos pos; /* from the name to the end of the value */
} AstKeyword;

/* One `for target in iter if c1 if c2` clause of a comprehension. */
typedef struct AstComprehension {
    AstExpr *target; /* ctx AST_STORE: Name, or Tuple/List of targets */
    AstExpr *iter;
    AstExprList ifs;
} AstComprehension;

struct AstExpr {
    AstExprKind kind;
    AstCtx ctx;
    AstPos pos;
    union {
        const char *name; /* AST_NAME */
        int64_t ival;     /* AST_INT */
        double fval;      /* AST_FLOAT */
        AstStr str;       /* AST_STR */
        AstExpr *value;   /* AST_AWAIT, AST_STARRED */
        AstExprList seq;  /* AST_LIST, AST_TUPLE, AST_JOINEDSTR */
        /* AST_FORMATTED: one `{value!conv:spec}` of an f-string.
         * conversion is -1 (none), 'r', 's' or 'a'. spec is NULL or a
         * JoinedStr (the spec may hold `{expr}` itself: f"{x:{w}}").
         * `{x=}` is expanded by the parser as CPython does: a Str part
         * "x=" (the source text, with its spaces) followed by a
         * FormattedValue whose conversion is 'r' unless a conversion or a
         * spec was given. */
        struct {
            AstExpr *value;
            int conversion;
            AstExpr *spec;
        } fmt;
        struct {
            AstBoolop op;
            AstExprList values; /* two or more */
        } boolop;
        struct {
            AstBinop op;
            AstExpr *left, *right;
        } binop;
        struct {
            AstUnop op;
            AstExpr *operand;
        } unary;
        struct {
            AstExpr *left;
            AstCmpop *ops;        /* n operators ... */
            AstExprList comparators; /* ... and n right-hand sides */
        } compare;
        struct {
            AstExpr *test, *body, *orelse;
        } ifexp;
        struct {
            AstParams params;
            AstExpr *body;
        } lambda;
        /* AST_CALL: positional args in order, each possibly a Starred
         * (`f(*xs)`); keywords after. Python requires positional args
         * (starred or not) before keywords except that `f(a=1, *b)` is
         * legal; the parser keeps the two lists apart as CPython does. */
        struct {
            AstExpr *func;
            AstExprList args;
            AstKeyword *keywords;
            int nkeywords;
        } call;
        struct {
            AstExpr *value;
            const char *attr;
        } attr;
        struct {
            AstExpr *value;
            AstExpr *index; /* an expression, a Slice, or a Tuple (a[1, 2:3]) */
        } subscript;
        struct {
            AstExpr *lower, *upper, *step; /* each may be NULL */
        } slice;
        struct {
            AstExpr **keys, **values; /* n pairs; `**d` in a dict display is not in the subset */
            int n;
        } dict;
        /* AST_LISTCOMP and AST_GENEXP use elt; AST_DICTCOMP uses key and
         * value (elt NULL). Clauses run left to right, outermost first. */
        struct {
            AstExpr *elt;
            AstExpr *key, *value;
            AstComprehension *gens;
            int ngens; /* at least one */
        } comp;
    } u;
};

/* ---- Statements ------------------------------------------------------- */

#define AST_STMT_KINDS(X)                                                      \
    X(AST_EXPR_STMT, "Expr")       /* expr: value */                          \
    X(AST_ASSIGN, "Assign")        /* assign */                               \
    X(AST_AUGASSIGN, "AugAssign")  /* augassign */                            \
    X(AST_IF, "If")                /* cond: elif is an If alone in orelse */  \
    X(AST_WHILE, "While")          /* cond */                                 \
    X(AST_FOR, "For")              /* forloop */                              \
    X(AST_BREAK, "Break")                                                     \
    X(AST_CONTINUE, "Continue")                                               \
    X(AST_PASS, "Pass")                                                       \
    X(AST_DELETE, "Delete")        /* del: targets (ctx AST_DEL) */           \
    X(AST_FUNCDEF, "FunctionDef")  /* funcdef (is_async for async def) */     \
    X(AST_RETURN, "Return")        /* ret: value or NULL */                   \
    X(AST_GLOBAL, "Global")        /* names */                                \
    X(AST_NONLOCAL, "Nonlocal")    /* names */                                \
    X(AST_TRY, "Try")              /* try_ */                                 \
    X(AST_RAISE, "Raise")          /* raise */                                \
    X(AST_ASSERT, "Assert")        /* assert_ */                              \
    X(AST_IMPORT, "Import")        /* import */                               \
    X(AST_IMPORTFROM, "ImportFrom") /* import */                              \
    X(AST_ASYNCWITH, "AsyncWith")  /* with */

typedef enum AstStmtKind {
#define AST_X_ENUM(e, s) e,
    AST_STMT_KINDS(AST_X_ENUM)
#undef AST_X_ENUM
    AST_STMT_KIND_COUNT
} AstStmtKind;

/* `except T as name:` — type NULL for a bare `except:`; a tuple type
 * `except (A, B) as e` is an AST_TUPLE. */
typedef struct AstHandler {
    AstExpr *type;
    const char *name; /* or NULL */
    AstStmtList body;
    AstPos pos;       /* the `except` line (start) to the end of its body */
} AstHandler;

/* One `name` or `name as asname` of an import. For `import a.b` name is
 * "a.b". For `from M import *` there is one alias named "*". */
typedef struct AstAlias {
    const char *name;
    const char *asname; /* or NULL */
    AstPos pos;
} AstAlias;

/* One `expr as target` of an async with. */
typedef struct AstWithItem {
    AstExpr *context;
    AstExpr *target; /* or NULL; ctx AST_STORE */
} AstWithItem;

struct AstStmt {
    AstStmtKind kind;
    AstPos pos;
    union {
        AstExpr *value; /* AST_EXPR_STMT */
        /* a = b = value: targets {a, b} in source order, each ctx STORE
         * (Name, Attribute, Subscript, or a Tuple/List of those). */
        struct {
            AstExprList targets;
            AstExpr *value;
        } assign;
        struct {
            AstExpr *target; /* Name, Attribute or Subscript, ctx STORE */
            AstBinop op;
            AstExpr *value;
        } augassign;
        struct { /* AST_IF, AST_WHILE */
            AstExpr *test;
            AstStmtList body, orelse;
        } cond;
        struct {
            AstExpr *target; /* ctx STORE */
            AstExpr *iter;
            AstStmtList body, orelse;
        } forloop;
        struct {
            AstExprList targets;
        } del;
        struct {
            const char *name;
            int is_async;
            AstParams params;
            AstStmtList body;
            /* pos.line/col point at `def` (or `async`), as CPython's. */
        } funcdef;
        struct {
            AstExpr *value;
        } ret;
        struct { /* AST_GLOBAL, AST_NONLOCAL */
            const char **names;
            int n;
        } names;
        struct {
            AstStmtList body;
            AstHandler *handlers;
            int nhandlers;
            AstStmtList orelse, finalbody;
        } try_;
        struct {
            AstExpr *exc;   /* NULL for a bare raise */
            AstExpr *cause; /* `from cause`, or NULL */
        } raise;
        struct {
            AstExpr *test;
            AstExpr *msg; /* or NULL */
        } assert_;
        /* AST_IMPORT: module NULL. AST_IMPORTFROM: module "M" (dotted
         * allowed), level the number of leading dots (always 0 in lesson
         * programs but kept for faithful errors). Which modules exist is
         * the VM's business (ImportError at run time), not the parser's. */
        struct {
            const char *module;
            int level;
            AstAlias *names;
            int n;
        } import;
        struct {
            AstWithItem *items;
            int nitems;
            AstStmtList body;
        } with;
    } u;
};

/* ---- The tree --------------------------------------------------------- */

typedef struct AstArena AstArena; /* private to ast.c */

typedef struct Ast {
    AstStmtList body;     /* the module's statements */
    const char *filename; /* copy of the name given to the parser */
    const char *source;   /* copy of the source text, NUL-terminated */
    size_t source_len;
    Mem *mem;
    AstArena *arena;
} Ast;

/* An empty tree whose arena allocates through m. NULL when out of memory.
 * (The parser makes trees; tests and tools may build them by hand.) */
Ast *ast_new(Mem *m);
void ast_free(Ast *ast); /* NULL is fine */

/* Arena allocation: zeroed, 8-byte aligned, lives until ast_free. NULL
 * when the Mem refuses. */
void *ast_alloc(Ast *ast, size_t size);
/* Copy n bytes into the arena and NUL-terminate. NULL on failure. */
char *ast_strndup(Ast *ast, const char *s, size_t n);

const char *ast_expr_kind_name(AstExprKind k); /* "Call" */
const char *ast_stmt_kind_name(AstStmtKind k); /* "FunctionDef" */
const char *ast_binop_symbol(AstBinop op);     /* "+" */
const char *ast_cmpop_symbol(AstCmpop op);     /* "not in" */

/* ---- Walking the tree ------------------------------------------------- */

/* A pre-order walk over every statement and expression, with the
 * enclosing functions known at each step. Callbacks may be NULL. A callback
 * returns 0 to continue, 1 to skip the node's children, and anything else
 * (say -1) to stop the walk, which then returns that value. */
typedef struct AstWalk AstWalk;
struct AstWalk {
    int (*stmt)(AstWalk *w, const AstStmt *s);
    int (*expr)(AstWalk *w, const AstExpr *e);
    void *data; /* the caller's */
    /* Filled in by the walk: the innermost enclosing def (AST_FUNCDEF
     * statement) and lambda (AST_LAMBDA expression), each NULL at module
     * level; depth counts nested defs and lambdas. A lambda inside an
     * async def is not itself async: use ast_walk_in_async(). */
    const AstStmt *func;
    const AstExpr *lambda;
    int depth;
    int in_async_; /* private */
    int nest_;     /* private: expression nesting, see AST_MAX_NEST */
};

int ast_walk(const Ast *ast, AstWalk *w);
/* Walk one subtree (w's fields are honoured the same way). */
int ast_walk_stmt(const AstStmt *s, AstWalk *w);
int ast_walk_expr(const AstExpr *e, AstWalk *w);

/* True when the node being visited is lexically inside an `async def`
 * body with no plain def or lambda in between (where `await` is legal). */
int ast_walk_in_async(const AstWalk *w);

/* Structural questions for exercise checks. `dotted` is a module-qualified
 * name such as "asyncio.gather" or "time.sleep". A call matches when its
 * function is
 *   - `M.f(...)` where M is bound by `import M` or `import M as X` (X.f),
 *   - `f(...)` where f is bound by `from M import f` (or `as g`: g(...)),
 *   - the literal dotted text itself (for modules the program never
 *     imported, so a check on a broken program still says something).
 * Imports are looked up anywhere in the program (a lesson program is small;
 * shadowing by assignment is not tracked). */
int ast_count_calls(const Ast *ast, const char *dotted);
/* The first such call, or NULL. */
const AstExpr *ast_find_call(const Ast *ast, const char *dotted);
/* The first such call that sits inside an async def (see
 * ast_walk_in_async), or NULL: "does an async def call time.sleep?". */
const AstExpr *ast_find_call_in_async(const Ast *ast, const char *dotted);
/* Does expression e (a call's func) name `dotted` under the imports of
 * ast? Exposed for custom walks. */
int ast_names_dotted(const Ast *ast, const AstExpr *func, const char *dotted);

/* ---- Debugging -------------------------------------------------------- */

/* The tree as one S-expression per statement, e.g.
 *   (Assign (targets (Name x Store)) (Int 1))
 * NUL-terminated, allocated through m with size *len + 1; the caller frees
 * it with mem_free(m, p, *len + 1). NULL when out of memory or when an
 * expression nests deeper than any program the compiler accepts. Positions are
 * left out unless with_pos (then each node starts with @line:col-eline:ecol). */
char *ast_dump(Mem *m, const Ast *ast, int with_pos, size_t *len);
char *ast_dump_expr(Mem *m, const AstExpr *e, int with_pos, size_t *len);

#endif
