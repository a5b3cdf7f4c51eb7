/* host: what the program embedding the engine lends it.
 *
 * The engine moves values and exceptions around without understanding them:
 * a future's result, a task's exception, a cancel message are all `void *`
 * owned by the host (the interpreter stores its refcounted objects there, the
 * C tests store small integers). A Host gives the engine the few operations it
 * needs on them (retain/release, make CancelledError and TimeoutError, tell a
 * CancelledError apart, build gather's result list, describe a value for the
 * trace) and the state CPython keeps per process rather than per loop: the
 * Task-N name counter (never reset, shared by every loop made from this Host,
 * see asyncio-semantics.md §1, §3), the task id counter used by the trace and
 * the virtual monotonic clock, which a new loop continues from.
 *
 * A value of NULL means None and is never passed to retain/release. The ops
 * that make exceptions (cancelled_error, timeout_error, memory_error) must
 * not return NULL, even when memory runs out (fall back to a preallocated
 * instance).
 *
 * Default operations (ops == NULL) exist for pure-C use and tests: values are
 * integers cast to pointers (host_int/host_to_int), retain/release do nothing,
 * exceptions are HostExc records and lists are HostList records allocated in
 * the Host's Mem and kept until host_fini. Cancel messages are then static C
 * strings (const char *).
 */
#ifndef AIO_HOST_H
#define AIO_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/mem.h"

typedef struct Future Future;
typedef struct Task Task;
typedef struct Loop Loop;

typedef struct HostOps {
    /* Reference counting of host values (results, exceptions, messages). */
    void (*retain)(void *ctx, void *v);
    void (*release)(void *ctx, void *v);
    /* New reference to CancelledError(msg). msg == NULL: CancelledError()
     * unless empty_if_none, then CancelledError('') (gather's rule, §4). */
    void *(*cancelled_error)(void *ctx, void *msg, bool empty_if_none);
    /* New reference to TimeoutError(), with __cause__ = cause when cause is
     * not NULL (wait_for: "raise TimeoutError() from exc"). */
    void *(*timeout_error)(void *ctx, void *cause);
    bool (*is_cancelled_error)(void *ctx, void *exc);
    /* New reference to a list of n items (borrowed; the list retains what it
     * keeps): gather's result. NULL on failure. */
    void *(*list_new)(void *ctx, void *const *items, size_t n);
    /* Optional (may be NULL): write repr(v) to buf (NUL-terminated, at most
     * size bytes) for the trace; returns the length written. */
    size_t (*repr)(void *ctx, void *v, bool is_exception, char *buf, size_t size);
    /* Optional: called when a future that holds an exception nobody
     * retrieved is freed ("exception was never retrieved", §9). */
    void (*unretrieved)(void *ctx, Future *f);
    /* Optional: new reference to MemoryError() (preallocated: it must not
     * fail), raised into a coroutine when the engine cannot allocate what an
     * await needs. When NULL the engine raises CancelledError instead. */
    void *(*memory_error)(void *ctx);
    /* Optional: called by task_new for every task, including the ones the
     * engine creates itself (wait_for wraps its awaitable in a task), so the
     * host can map a Task to its coroutine object (reprs, code). */
    void (*task_created)(void *ctx, Task *t);
    /* Optional: a callback (fn, data) the host registered (a done-callback,
     * call_soon, a timer) is discarded without ever running: its future was
     * freed or its loop freed while it was pending or queued. The host frees
     * what data owns (fn tells which of its callbacks it was). Also called
     * for the engine's own callbacks, which the host just ignores. */
    void (*callback_dropped)(void *ctx, void (*fn)(Loop *, void *, void *), void *data);
} HostOps;

typedef struct HostRec HostRec; /* default-ops allocations, freed by host_fini */

typedef struct Host {
    Mem *mem;            /* every engine allocation goes here */
    const HostOps *ops;  /* never NULL after host_init */
    void *ctx;           /* first argument of every op */
    uint64_t task_names; /* last N handed out as Task-N (0: none yet) */
    uint64_t task_ids;   /* last task id handed out (trace key, never 0) */
    /* The ids of the tasks task_new made with a name of their own,
     * ascending: they take no number, so N of an unnamed task's "Task-N" is
     * its id less the ids here below it (no task keeps its N). Only the C
     * API names a task at creation: the interpreter names it afterwards, as
     * asyncio.create_task(name=) does, so this stays empty there. */
    uint32_t *named_ids;
    size_t nnamed, capnamed;
    int64_t now_ns;      /* virtual monotonic time, carried between loops */
    HostRec *recs;
} Host;

/* ops == NULL selects the defaults (ctx is then ignored). */
void host_init(Host *h, Mem *mem, const HostOps *ops, void *ctx);
void host_fini(Host *h); /* frees default-ops records; loops must be freed first */

/* Shorthands the engine uses. */
static inline void host_retain(Host *h, void *v)
{
    if (v) h->ops->retain(h->ctx, v);
}
static inline void host_release(Host *h, void *v)
{
    if (v) h->ops->release(h->ctx, v);
}
static inline bool host_is_cancelled(Host *h, void *exc)
{
    return exc && h->ops->is_cancelled_error(h->ctx, exc);
}

/* ---- default operations: integer values, HostExc exceptions ---- */
typedef enum HostExcKind {
    HOST_EXC_ERROR,     /* a generic error (tests: "ValueError") */
    HOST_EXC_CANCELLED, /* CancelledError */
    HOST_EXC_TIMEOUT    /* TimeoutError */
} HostExcKind;

typedef struct HostExc {
    HostExcKind kind;
    const char *msg;       /* static string or NULL */
    bool empty_msg;        /* CancelledError('') */
    struct HostExc *cause; /* __cause__ */
    intptr_t code;         /* free for tests */
} HostExc;

typedef struct HostList {
    size_t n;
    void **items;
} HostList;

const HostOps *host_default_ops(void);
static inline void *host_int(intptr_t n)
{
    return (void *)n;
}
static inline intptr_t host_to_int(const void *v)
{
    return (intptr_t)v;
}
/* Default ops only: a new exception record (kept until host_fini). */
HostExc *host_exc_new(Host *h, HostExcKind kind, const char *msg);

#endif
