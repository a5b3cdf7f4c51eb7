/* future: asyncio.Future, and the parts Task and the gathering future share
 * with it. See future.h. */
#include "engine/future.h"

#include <string.h>

#include "engine/internal.h"

static Host *fhost(const Future *f, Host *fallback)
{
    return f->loop ? f->loop->host : fallback;
}

void future_init(Future *f, Loop *L, FutureKind kind)
{
    f->refs = 1;
    f->kind = (uint8_t)kind;
    f->state = FUTURE_PENDING;
    f->loop = L;
    f->label = "future";
    f->prev = NULL;
    f->next = L->futs;
    if (L->futs) L->futs->prev = f;
    L->futs = f;
}

Future *future_new(Loop *L)
{
    Future *f = mem_calloc(L->mem, sizeof *f);
    if (f) future_init(f, L, FUTURE_PLAIN);
    return f;
}

void future_retain(Future *f)
{
    f->refs++;
}

/* Detached futures (loop freed) still need their Host to free their
 * contents: see detached_host. */
static Host *detached_host(const Future *f);

static size_t future_size(const Future *f)
{
    if (f->sleep_block) return sizeof(NcoSleep);
    switch ((FutureKind)f->kind) {
    case FUTURE_TASK: return sizeof(Task);
    case FUTURE_GATHER: return sizeof(Gather);
    default: return sizeof(Future);
    }
}

static FutureCb *cb_at(Future *f, uint32_t i)
{
    return i == 0 ? &f->cb0 : &f->cbs[i - 1];
}

void future_release(Future *f)
{
    if (!f || --f->refs > 0) return;
    Host *h = fhost(f, detached_host(f));
    if (f->log_exc && h->ops->unretrieved) {
        f->refs = 1; /* the hook may look at it */
        h->ops->unretrieved(h->ctx, f);
        if (--f->refs > 0) return;
    }
    if (f->kind == FUTURE_TASK)
        task_fini((Task *)f, h);
    else if (f->kind == FUTURE_GATHER)
        nco_gather_fini((Gather *)f, h);
    for (uint32_t i = 0; i < f->ncb; i++) { /* freed while still pending */
        FutureCb *c = cb_at(f, i);
        loop_drop_callback(h, c->fn, c->data);
    }
    f->ncb = 0;
    host_release(h, f->value);
    host_release(h, f->cancel_msg);
    if (f->cbs) mem_free(h->mem, f->cbs, f->capcb * sizeof *f->cbs);
    if (f->loop) {
        Loop *L = f->loop;
        if (f->prev)
            f->prev->next = f->next;
        else
            L->futs = f->next;
        if (f->next) f->next->prev = f->prev;
    }
    mem_free(h->mem, f, future_size(f));
}

Loop *future_loop(const Future *f)
{
    return f->loop;
}

FutureKind future_kind(const Future *f)
{
    return (FutureKind)f->kind;
}

FutureState future_state(const Future *f)
{
    return (FutureState)f->state;
}

bool future_done(const Future *f)
{
    return f->state != FUTURE_PENDING;
}

bool future_cancelled(const Future *f)
{
    return f->state == FUTURE_CANCELLED;
}

/* Completion: every done-callback is queued now, in registration order. */
static void schedule_callbacks(Future *f)
{
    Loop *L = f->loop;
    uint32_t n = f->ncb;
    f->ncb = 0;
    if (!L) return;
    for (uint32_t i = 0; i < n; i++) {
        FutureCb cb = *cb_at(f, i);
        f->refs++;
        if (loop_enqueue(L, cb.fn, cb.data, f, f) < 0) {
            f->refs--;
            continue;
        }
        if (cb.fn == task_wakeup_cb)
            LOOP_TRACE(L, TRACE_READY, ((Task *)cb.data)->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
    }
}

int future_set_result(Future *f, void *v)
{
    if (f->state != FUTURE_PENDING) return -1;
    Host *h = fhost(f, detached_host(f));
    host_retain(h, v);
    f->value = v;
    f->state = FUTURE_RESULT;
    schedule_callbacks(f);
    return 0;
}

int future_set_exception(Future *f, void *exc)
{
    if (f->state != FUTURE_PENDING) return -1;
    Host *h = fhost(f, detached_host(f));
    host_retain(h, exc);
    f->value = exc;
    f->state = FUTURE_EXCEPTION;
    f->log_exc = 1;
    schedule_callbacks(f);
    return 0;
}

bool future_cancel_base(Future *f, void *msg)
{
    if (f->state != FUTURE_PENDING) return false;
    Host *h = fhost(f, detached_host(f));
    host_retain(h, msg);
    host_release(h, f->cancel_msg);
    f->cancel_msg = msg;
    f->state = FUTURE_CANCELLED;
    schedule_callbacks(f);
    return true;
}

bool future_cancel(Future *f, void *msg)
{
    switch ((FutureKind)f->kind) {
    case FUTURE_TASK: return task_cancel((Task *)f, msg);
    case FUTURE_GATHER: return nco_gather_cancel((Gather *)f, msg);
    default: return future_cancel_base(f, msg);
    }
}

void *future_result(const Future *f)
{
    return f->state == FUTURE_RESULT ? f->value : NULL;
}

void *future_exception(Future *f)
{
    if (f->state != FUTURE_EXCEPTION) return NULL;
    f->log_exc = 0;
    return f->value;
}

void *future_make_cancelled_error(Future *f)
{
    Task *t = task_from_future(f);
    if (t && t->cancelled_exc) {
        void *e = t->cancelled_exc; /* ownership moves to the caller */
        t->cancelled_exc = NULL;
        return e;
    }
    Host *h = fhost(f, detached_host(f));
    return h->ops->cancelled_error(h->ctx, f->cancel_msg, false);
}

void *future_take_error(Future *f)
{
    if (f->state == FUTURE_CANCELLED) return future_make_cancelled_error(f);
    if (f->state == FUTURE_EXCEPTION) {
        Host *h = fhost(f, detached_host(f));
        f->log_exc = 0;
        host_retain(h, f->value);
        return f->value;
    }
    return NULL;
}

void *future_cancel_message(const Future *f)
{
    return f->cancel_msg;
}

bool future_exception_unretrieved(const Future *f)
{
    return f->log_exc;
}

int future_add_callback(Future *f, LoopFn fn, void *data)
{
    if (!f->loop) return 0; /* detached: nothing will ever run */
    if (f->state != FUTURE_PENDING) {
        f->refs++;
        if (loop_enqueue(f->loop, fn, data, f, f) < 0) {
            f->refs--;
            return -1;
        }
        if (fn == task_wakeup_cb)
            LOOP_TRACE(f->loop, TRACE_READY, ((Task *)data)->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
        return 0;
    }
    if (f->ncb >= 1 && f->ncb - 1 == f->capcb) {
        Host *h = fhost(f, detached_host(f));
        uint32_t ncap = f->capcb ? f->capcb * 2 : 4;
        FutureCb *n = mem_realloc(h->mem, f->cbs, f->capcb * sizeof *n, ncap * sizeof *n);
        if (!n) return -1;
        f->cbs = n;
        f->capcb = ncap;
    }
    FutureCb *c = cb_at(f, f->ncb++);
    c->fn = fn;
    c->data = data;
    return 0;
}

size_t future_remove_callback(Future *f, LoopFn fn, void *data)
{
    uint32_t j = 0;
    size_t removed = 0;
    for (uint32_t i = 0; i < f->ncb; i++) {
        FutureCb c = *cb_at(f, i);
        if (c.fn == fn && c.data == data) {
            removed++;
            continue;
        }
        *cb_at(f, j++) = c;
    }
    f->ncb = j;
    return removed;
}

size_t future_callback_count(const Future *f)
{
    return f->ncb;
}

void future_set_label(Future *f, const char *label)
{
    f->label = label ? label : "future";
}

const char *future_label(const Future *f)
{
    return f->label;
}

void future_set_host(Future *f, void *host_obj)
{
    f->host = host_obj;
}

void *future_host(const Future *f)
{
    return f->host;
}

/* A detached future keeps its Host in cb0.data (its callbacks were cleared,
 * and no callback can be added to a future that has no loop: see
 * future_add_callback, which only queues on a loop). */
static Host *detached_host(const Future *f)
{
    return (Host *)f->cb0.data;
}

void future_detach(Future *f)
{
    Loop *L = f->loop;
    if (f->kind == FUTURE_TASK)
        task_detach((Task *)f);
    else if (f->kind == FUTURE_GATHER)
        nco_gather_detach((Gather *)f);
    for (uint32_t i = 0; i < f->ncb; i++) {
        FutureCb *c = cb_at(f, i);
        loop_drop_callback(L->host, c->fn, c->data);
    }
    f->ncb = 0;
    if (f->cbs) {
        mem_free(L->mem, f->cbs, f->capcb * sizeof *f->cbs);
        f->cbs = NULL;
        f->capcb = 0;
    }
    f->cb0.fn = NULL;
    f->cb0.data = L->host;
}

void *future_nomem_error(Host *h)
{
    if (h->ops->memory_error) return h->ops->memory_error(h->ctx);
    return h->ops->cancelled_error(h->ctx, NULL, false);
}
