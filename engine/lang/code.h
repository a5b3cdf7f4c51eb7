/* code: a compiled function body (or module, lambda, comprehension).
 *
 * The compiler (compile.h) makes one Code per scope; the module's Code owns
 * the nested ones in `codes` (MAKE_FUNCTION refers to them by index), so
 * freeing the module's Code frees the whole program. A Code is immutable
 * after compilation and outlives every function and frame made from it (the
 * Interp keeps the module Code until interp_free).
 *
 * Frame layout the Code describes (vm.c): `nlocals` local slots (parameters
 * first: positional, keyword-only, then *args), then `ncells + nfree` cells
 * (the scope's own captured variables, then the variables it reads from
 * enclosing functions, in the order of the closure tuple), then a value
 * stack of at most `stacksize` entries.
 */
#ifndef AIO_LANG_CODE_H
#define AIO_LANG_CODE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/lang/obj.h"
#include "engine/lang/opcodes.h"

/* Source position of one instruction (same meaning as AstPos: 1-based lines,
 * 0-based byte columns, end exclusive). `op_col`/`op_end` mark the operator
 * of a binary operation or the index of a subscript (for 3.11's `~~^~~`
 * carets), -1 when not applicable. A method call (CALL_METHOD) also keeps
 * where its `obj.name` is, `sub_*` (sub_end_line 0 otherwise): CPython
 * looks the method up before the arguments, and a missing one's
 * AttributeError underlines only `obj.name`. */
typedef struct CodeLoc {
    int32_t line, col, end_line, end_col;
    int32_t op_col, op_end;
    int32_t sub_line, sub_col, sub_end_line, sub_end_col;
} CodeLoc;

/* An exception-table entry: an exception raised by an instruction in
 * [start, end) cuts the value stack to `depth` entries, pushes the
 * exception and continues at `handler`. The first matching entry wins (the
 * compiler emits inner ranges before the outer ones that contain them). */
typedef struct CodeExc {
    uint32_t start, end, handler, depth;
} CodeExc;

enum {
    CODE_COROUTINE = 1,    /* async def (or a comprehension with await in one) */
    CODE_MODULE = 2,       /* names are module globals */
    CODE_COMPREHENSION = 4, /* <listcomp>, <dictcomp>, <genexpr> */
    CODE_NATIVE = 8         /* no body: one of asyncio's own coroutines (sleep,
                               Queue.get, ...) as CPython defines it, for the
                               repr of a task running it (mod_asyncio.c) */
};

typedef struct Code Code;
struct Code {
    Str *name;     /* "f", "<module>", "<lambda>", "<listcomp>" (interned) */
    Str *qualname; /* "outer.<locals>.f" (interned) */
    const char *filename; /* owned copy */
    int firstline;
    unsigned flags;

    Instr *ins;
    CodeLoc *locs; /* one per instruction */
    uint32_t nins;

    Value *consts; /* owned references */
    uint32_t nconsts;
    Str **names;   /* interned: globals, attributes, modules */
    uint32_t nnames;
    Code **codes;  /* nested scopes, owned */
    uint32_t ncodes;
    CodeExc *exc;
    uint32_t nexc;

    /* Parameters. */
    int nargs;     /* positional-or-keyword */
    int nkwonly;
    bool varargs;  /* has *args (its slot follows the keyword-only ones) */
    int nlocals;   /* all local slots, parameters included */
    Str **localnames; /* nlocals interned names */
    int ncells, nfree;
    Str **cellnames;  /* ncells + nfree */
    int *cell2arg;    /* ncells entries: the parameter slot whose value
                         starts the cell, or -1 */
    int stacksize;
    Mem *mem;
    Rt *rt;        /* the runtime it was compiled for: a coroutine finds its Vm here */
    size_t src_len;
    const char *source; /* borrowed: the program text (for tracebacks) */
};

/* Frees a Code and everything nested in it. NULL is fine. */
void code_free(Rt *rt, Code *c);

/* The source line `line` (1-based) of the program text, without its newline:
 * sets *len and returns a pointer into `source`, or NULL. */
const char *code_source_line(const char *source, size_t src_len, int line, size_t *len);

#endif
