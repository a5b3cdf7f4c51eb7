/* host: Host initialisation and the default operations for pure-C use
 * (integers as values, HostExc records as exceptions). See host.h. */
#include "engine/host.h"

#include <stdio.h>
#include <string.h>

/* Default-ops allocations are kept on a list until host_fini: the defaults
 * cannot tell an integer value from a pointer, so they never free early. */
struct HostRec {
    HostRec *next;
    size_t size;
};

static void *rec_alloc(Host *h, size_t size)
{
    HostRec *r = mem_calloc(h->mem, sizeof(HostRec) + size);
    if (!r) return NULL;
    r->size = sizeof(HostRec) + size;
    r->next = h->recs;
    h->recs = r;
    return r + 1;
}

static void def_noop(void *ctx, void *v) {}

/* When the Mem cap refuses a new record, the defaults fall back to these
 * immutable ones (never written: retain/release do nothing, and only fresh
 * records get a cause) so that an exception is never NULL. */
static const HostExc oom_cancelled = {.kind = HOST_EXC_CANCELLED};
static const HostExc oom_timeout = {.kind = HOST_EXC_TIMEOUT};
static const HostExc oom_memory = {.kind = HOST_EXC_ERROR, .msg = "MemoryError"};

static void *def_cancelled(void *ctx, void *msg, bool empty_if_none)
{
    HostExc *e = host_exc_new(ctx, HOST_EXC_CANCELLED, msg);
    if (!e) return (void *)&oom_cancelled;
    if (!msg && empty_if_none) e->empty_msg = true;
    return e;
}

static void *def_timeout(void *ctx, void *cause)
{
    HostExc *e = host_exc_new(ctx, HOST_EXC_TIMEOUT, NULL);
    if (!e) return (void *)&oom_timeout;
    e->cause = cause;
    return e;
}

static void *def_memory(void *ctx)
{
    return (void *)&oom_memory;
}

static bool def_is_cancelled(void *ctx, void *exc)
{
    return ((HostExc *)exc)->kind == HOST_EXC_CANCELLED;
}

static void *def_list(void *ctx, void *const *items, size_t n)
{
    Host *h = ctx;
    HostList *l = rec_alloc(h, sizeof(HostList) + n * sizeof(void *));
    if (!l) return NULL;
    l->n = n;
    l->items = (void **)(l + 1);
    if (n) memcpy(l->items, items, n * sizeof(void *));
    return l;
}

static size_t def_repr(void *ctx, void *v, bool is_exc, char *buf, size_t size)
{
    int n;
    if (!is_exc) {
        n = v ? snprintf(buf, size, "%ld", (long)host_to_int(v)) : snprintf(buf, size, "None");
    } else {
        static const char *const names[] = {"ValueError", "CancelledError", "TimeoutError"};
        const HostExc *e = v;
        if (e->msg)
            n = snprintf(buf, size, "%s('%s')", names[e->kind], e->msg);
        else
            n = snprintf(buf, size, "%s(%s)", names[e->kind], e->empty_msg ? "''" : "");
    }
    return n < 0 ? 0 : (size_t)n;
}

static const HostOps default_ops = {
    .retain = def_noop,
    .release = def_noop,
    .cancelled_error = def_cancelled,
    .timeout_error = def_timeout,
    .is_cancelled_error = def_is_cancelled,
    .list_new = def_list,
    .repr = def_repr,
    .memory_error = def_memory,
};

const HostOps *host_default_ops(void)
{
    return &default_ops;
}

void host_init(Host *h, Mem *mem, const HostOps *ops, void *ctx)
{
    memset(h, 0, sizeof *h);
    h->mem = mem;
    h->ops = ops ? ops : &default_ops;
    h->ctx = ops ? ctx : h;
}

void host_fini(Host *h)
{
    mem_free(h->mem, h->named_ids, h->capnamed * sizeof *h->named_ids);
    h->named_ids = NULL;
    h->nnamed = h->capnamed = 0;
    while (h->recs) {
        HostRec *r = h->recs;
        h->recs = r->next;
        mem_free(h->mem, r, r->size);
    }
}

HostExc *host_exc_new(Host *h, HostExcKind kind, const char *msg)
{
    HostExc *e = rec_alloc(h, sizeof(HostExc));
    if (e) {
        e->kind = kind;
        e->msg = msg;
    }
    return e;
}
