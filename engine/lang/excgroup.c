/* excgroup: how CPython 3.11 prints a report that holds an ExceptionGroup
 * (traceback.TracebackException.format with its _ExceptionPrintContext):
 *
 *   + Exception Group Traceback (most recent call last):
 *   |   File "prog.py", line 8, in main
 *   | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)
 *   +-+---------------- 1 ----------------
 *     | Traceback (most recent call last):
 *     | ...
 *     | ValueError: bad 1
 *     +---------------- 2 ----------------
 *     | ...
 *     +------------------------------------
 *
 * Every line of a nested report is indented by two spaces per group level
 * plus a margin ("| ", or "+ " on the first line of the outermost group);
 * at most 15 sub-exceptions are shown ("and N more exceptions") and groups
 * nest at most 10 deep. Reports without a group keep vm.c's formatter.
 */
#include "engine/lang/vm.h"

#include <stdio.h>
#include <string.h>

#define GROUP_MAX_WIDTH 15
#define GROUP_MAX_DEPTH 10
#define CHAIN_MAX 20

typedef struct Ctx {
    Vm *vm;
    StrBuf *sb;
    int depth;
    bool need_close;
} Ctx;

static void indent(Ctx *c)
{
    for (int i = 0; i < c->depth; i++)
        sb_puts(c->sb, "  ");
}

/* textwrap.indent(text, indent + margin, lambda line: True) */
static void emit(Ctx *c, const char *text, size_t len, char margin)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        indent(c);
        if (c->depth) {
            sb_putc(c->sb, margin);
            sb_putc(c->sb, ' ');
        }
        sb_put(c->sb, text + i, end - i);
        i = end;
    }
}

static void emit_s(Ctx *c, const char *s, char margin)
{
    emit(c, s, strlen(s), margin);
}

static void emit_tb(Ctx *c, Value tb)
{
    StrBuf t;
    sb_init(&t, &c->vm->rt);
    vm_format_tb(c->vm, tb, &t);
    if (t.buf)
        emit(c, t.buf, t.len, '|');
    sb_fini(&t);
}

static void emit_only(Ctx *c, Value exc)
{
    StrBuf t;
    sb_init(&t, &c->vm->rt);
    vm_format_exc_only(c->vm, exc, &t);
    if (t.buf)
        emit(c, t.buf, t.len, '|');
    sb_fini(&t);
}

static void format_exc(Ctx *c, Value exc);

static void format_group(Ctx *c, Exc *e, Value exc)
{
    if (c->depth > GROUP_MAX_DEPTH) {
        char m[64];
        snprintf(m, sizeof m, "... (max_group_depth is %d)\n", GROUP_MAX_DEPTH);
        emit_s(c, m, '|');
        return;
    }
    bool top = c->depth == 0;
    if (top)
        c->depth++;
    if (val_is_type(e->traceback, &vm_tb_type)) {
        emit_s(c, "Exception Group Traceback (most recent call last):\n", top ? '+' : '|');
        emit_tb(c, e->traceback);
    }
    emit_only(c, exc);
    size_t num = e->exceptions ? e->exceptions->len : 0;
    size_t n = num <= GROUP_MAX_WIDTH ? num : GROUP_MAX_WIDTH + 1;
    c->need_close = false;
    for (size_t i = 0; i < n; i++) {
        bool last = i == n - 1;
        if (last)
            c->need_close = true;
        bool truncated = i >= GROUP_MAX_WIDTH;
        indent(c);
        sb_puts(c->sb, i == 0 ? "+-" : "  ");
        if (truncated)
            sb_puts(c->sb, "+---------------- ... ----------------\n");
        else
            sb_printf(c->sb, "+---------------- %zu ----------------\n", i + 1);
        c->depth++;
        if (!truncated) {
            format_exc(c, e->exceptions->items[i]);
        } else {
            size_t rem = num - GROUP_MAX_WIDTH;
            char m[64];
            snprintf(m, sizeof m, "and %zu more exception%s\n", rem, rem > 1 ? "s" : "");
            emit_s(c, m, '|');
        }
        if (last && c->need_close) {
            indent(c);
            sb_puts(c->sb, "+------------------------------------\n");
            c->need_close = false;
        }
        c->depth--;
    }
    if (top)
        c->depth = 0;
}

/* One exception with its chain (causes and contexts first). */
static void format_exc(Ctx *c, Value exc)
{
    Value chain[CHAIN_MAX];
    const char *msgs[CHAIN_MAX];
    size_t n = 0;
    Value e = exc;
    const char *msg = NULL;
    while (n < CHAIN_MAX) {
        chain[n] = e;
        msgs[n] = msg;
        n++;
        if (!val_is_exc(e))
            break;
        Exc *x = (Exc *)e.u.o;
        Value next;
        if (val_is_exc(x->cause)) {
            next = x->cause;
            msg = "\nThe above exception was the direct cause of the following exception:\n\n";
        } else if (!x->suppress_context && val_is_exc(x->context)) {
            next = x->context;
            msg = "\nDuring handling of the above exception, another exception occurred:\n\n";
        } else {
            break;
        }
        bool seen = false;
        for (size_t i = 0; i < n; i++)
            if (chain[i].u.o == next.u.o)
                seen = true;
        if (seen)
            break;
        /* msgs[i]: the link from chain[i] to chain[i + 1], printed between them. */
        msgs[n - 1] = msg;
        msg = NULL;
        e = next;
    }
    for (size_t k = n; k-- > 0;) {
        Value x = chain[k];
        if (val_is_exc(x) && ((Exc *)x.u.o)->exceptions) {
            format_group(c, (Exc *)x.u.o, x);
        } else {
            if (val_is_exc(x) && val_is_type(((Exc *)x.u.o)->traceback, &vm_tb_type)) {
                emit_s(c, "Traceback (most recent call last):\n", '|');
                emit_tb(c, ((Exc *)x.u.o)->traceback);
            }
            emit_only(c, x);
        }
        if (k > 0 && msgs[k - 1])
            emit_s(c, msgs[k - 1], '|');
    }
}

static bool chain_has_group(Value exc)
{
    for (int i = 0; i < CHAIN_MAX && val_is_exc(exc); i++) {
        Exc *e = (Exc *)exc.u.o;
        if (e->exceptions)
            return true;
        if (val_is_exc(e->cause))
            exc = e->cause;
        else if (!e->suppress_context)
            exc = e->context;
        else
            break;
    }
    return false;
}

bool excgroup_format(Vm *vm, Value exc, StrBuf *sb)
{
    if (!chain_has_group(exc))
        return false;
    Ctx c = {vm, sb, 0, false};
    format_exc(&c, exc);
    return true;
}
