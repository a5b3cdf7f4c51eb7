/* future: asyncio.Future, and the parts Task and the gathering future share
 * with it. See future.h. */
#include "engine/future.h"

#include <string.h>

#include "engine/internal.h"

/* Detached futures (loop freed) keep their Host in cb0.data: see
 * future_detach. */
Host *future_host_of(const Future *f)
{
    return f->loop ? f->loop->host : (Host *)f->cb0.data;
}

void future_init(Future *f, Loop *L, FutureKind kind)
{
    f->refs = 1;
    f->kind = (uint8_t)kind;
    f->state = FUTURE_PENDING;
    f->loop = L;
    f->label = FUTURE_LABEL_KIND;
    f->prev = f->next = NULL;
}

void future_link(Future *f)
{
    Loop *L = f->loop;
    f->prev = NULL;
    f->next = L->futs;
    if (L->futs) L->futs->prev = f;
    L->futs = f;
}

void future_unlink(Future *f)
{
    Loop *L = f->loop;
    if (f->prev)
        f->prev->next = f->next;
    else
        L->futs = f->next;
    if (f->next) f->next->prev = f->prev;
    f->prev = f->next = NULL;
}

Future *future_new(Loop *L)
{
    Future *f = mem_calloc(L->mem, sizeof *f);
    if (f) {
        future_init(f, L, FUTURE_PLAIN);
        future_link(f);
    }
    return f;
}

FutureExt *future_ext(Future *f)
{
    if (!f->ext) f->ext = mem_calloc(future_host_of(f)->mem, sizeof *f->ext);
    return f->ext;
}

void future_retain(Future *f)
{
    f->refs++;
}

static size_t future_size(const Future *f)
{
    if (f->sleep_block) return sizeof(NcoSleep);
    switch ((FutureKind)f->kind) {
    case FUTURE_TASK: return sizeof(Task);
    case FUTURE_GATHER: return sizeof(Gather);
    default: return sizeof(Future);
    }
}

/* The callbacks registered, whatever the state (schedule_callbacks). */
static uint32_t cb_count(const Future *f)
{
    return f->cb0.fn ? 1 + (f->ext ? f->ext->ncbs : 0) : 0;
}

/* A done future has none: its cb0 may still hold the first one, queued
 * (loop_enqueue_cb0). */
static uint32_t ncallbacks(const Future *f)
{
    return f->state == FUTURE_PENDING ? cb_count(f) : 0;
}

static FutureCb *cb_at(Future *f, uint32_t i)
{
    return i == 0 ? &f->cb0 : &f->ext->cbs[i - 1];
}

/* Forget every callback (cb0.data is left alone: it holds a detached
 * future's Host). */
static void clear_callbacks(Future *f)
{
    f->cb0.fn = NULL;
    if (f->ext) f->ext->ncbs = 0;
}

void future_release(Future *f)
{
    if (!f || --f->refs > 0) return;
    Host *h = future_host_of(f);
    if (f->log_exc && h->ops->unretrieved) {
        f->refs = 1; /* the hook may look at it */
        h->ops->unretrieved(h->ctx, f);
        if (--f->refs > 0) return;
    }
    if (f->kind == FUTURE_TASK)
        task_fini((Task *)f, h);
    else if (f->kind == FUTURE_GATHER)
        nco_gather_fini((Gather *)f, h);
    uint32_t n = ncallbacks(f);
    for (uint32_t i = 0; i < n; i++) { /* freed while still pending */
        FutureCb *c = cb_at(f, i);
        loop_drop_callback(h, c->fn, c->data);
    }
    clear_callbacks(f);
    host_release(h, f->value);
    if (f->ext) {
        FutureExt *x = f->ext;
        host_release(h, x->cancel_msg);
        if (x->cbs) mem_free(h->mem, x->cbs, x->capcb * sizeof *x->cbs);
        mem_free(h->mem, x, sizeof *x);
    }
    if (f->loop) {
        /* The loop holds a reference on a pending task and on an armed
         * sleep block, so both are on the all-futures list by now. */
        if (f->on_tasks)
            task_unlink_pending(f->loop, (Task *)f);
        else if (!(f->sleep_block && f->sl_timer != TIMER_IDLE))
            future_unlink(f);
        if (f->kind == FUTURE_TASK && f->sl_timer != TIMER_IDLE) {
            /* task_sleep_until's timer still in the heap or the ready
             * queue: the block stays until the loop is done with it */
            uint8_t ts = f->sl_timer;
            if (ts == TIMER_IN_HEAP || ts == TIMER_IN_READY) loop_task_sleep_cancel(f->loop, (Task *)f);
            if (f->sl_timer != TIMER_IDLE) {
                f->zombie = 1;
                return;
            }
        }
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

/* Completion: every done-callback is queued now, in registration order;
 * the first stays in cb0 until it runs (loop_enqueue_cb0). */
static void schedule_callbacks(Future *f)
{
    Loop *L = f->loop;
    if (!L) return; /* detached: it has none */
    uint32_t n = cb_count(f);
    if (f->ext) f->ext->ncbs = 0; /* cbs is kept until freed */
    for (uint32_t i = 0; i < n; i++) {
        FutureCb cb = *cb_at(f, i);
        f->refs++;
        if ((i == 0 ? loop_enqueue_cb0(L, f) : loop_enqueue_arg(L, cb.fn, cb.data, f, true)) < 0) {
            f->refs--;
            if (i == 0) f->cb0.fn = NULL, f->cb0.data = NULL;
            continue;
        }
        if (cb.fn == task_wakeup_cb)
            LOOP_TRACE(L, TRACE_READY, ((Task *)cb.data)->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
    }
}

int future_set_result(Future *f, void *v)
{
    if (f->state != FUTURE_PENDING) return -1;
    Host *h = future_host_of(f);
    host_retain(h, v);
    host_release(h, f->value); /* a sleep block's held result */
    f->value = v;
    f->state = FUTURE_RESULT;
    schedule_callbacks(f);
    return 0;
}

int future_set_exception(Future *f, void *exc)
{
    if (f->state != FUTURE_PENDING) return -1;
    Host *h = future_host_of(f);
    host_retain(h, exc);
    host_release(h, f->value); /* a sleep block's held result */
    f->value = exc;
    f->state = FUTURE_EXCEPTION;
    f->log_exc = 1;
    schedule_callbacks(f);
    return 0;
}

void future_resolve_held(Future *f)
{
    if (f->state != FUTURE_PENDING) return;
    f->state = FUTURE_RESULT;
    schedule_callbacks(f);
}

/* Stores msg (retained) as the cancel message, dropping the previous one.
 * A message that cannot be stored for want of memory is dropped (the
 * cancel itself still happens; the loop reports LOOP_ENOMEM, future.h). */
void future_set_cancel_msg(Future *f, void *msg)
{
    Host *h = future_host_of(f);
    if (!msg && !f->ext) return;
    FutureExt *x = future_ext(f);
    if (!x) {
        if (f->loop) f->loop->nomem = true;
        return;
    }
    host_retain(h, msg);
    host_release(h, x->cancel_msg);
    x->cancel_msg = msg;
}

bool future_cancel_base(Future *f, void *msg)
{
    if (f->state != FUTURE_PENDING) return false;
    future_set_cancel_msg(f, msg);
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
    if (f->kind == FUTURE_TASK && f->ext && f->ext->cancelled_exc) {
        void *e = f->ext->cancelled_exc; /* ownership moves to the caller */
        f->ext->cancelled_exc = NULL;
        return e;
    }
    Host *h = future_host_of(f);
    return h->ops->cancelled_error(h->ctx, future_cancel_message(f), false);
}

void *future_take_error(Future *f)
{
    if (f->state == FUTURE_CANCELLED) return future_make_cancelled_error(f);
    if (f->state == FUTURE_EXCEPTION) {
        Host *h = future_host_of(f);
        f->log_exc = 0;
        host_retain(h, f->value);
        return f->value;
    }
    return NULL;
}

void *future_cancel_message(const Future *f)
{
    return f->ext ? f->ext->cancel_msg : NULL;
}

void *future_held_value(const Future *f, bool *sole)
{
    *sole = f->refs == 1;
    return f->state == FUTURE_RESULT || f->state == FUTURE_EXCEPTION ? f->value : NULL;
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
        if (loop_enqueue_arg(f->loop, fn, data, f, true) < 0) {
            f->refs--;
            return -1;
        }
        if (fn == task_wakeup_cb)
            LOOP_TRACE(f->loop, TRACE_READY, ((Task *)data)->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
        return 0;
    }
    if (!f->cb0.fn) {
        f->cb0.fn = fn;
        f->cb0.data = data;
        return 0;
    }
    FutureExt *x = future_ext(f);
    if (!x) return -1;
    if (x->ncbs == x->capcb) {
        Mem *m = f->loop->mem;
        uint32_t ncap = x->capcb ? x->capcb * 2 : 4;
        FutureCb *n = mem_realloc(m, x->cbs, x->capcb * sizeof *n, ncap * sizeof *n);
        if (!n) return -1;
        x->cbs = n;
        x->capcb = ncap;
    }
    x->cbs[x->ncbs++] = (FutureCb){fn, data};
    return 0;
}

size_t future_remove_callback(Future *f, LoopFn fn, void *data)
{
    uint32_t n = ncallbacks(f), j = 0;
    if (n == 0) return 0; /* done: cb0 may be queued, and stays */
    size_t removed = 0;
    for (uint32_t i = 0; i < n; i++) {
        FutureCb c = *cb_at(f, i);
        if (c.fn == fn && c.data == data) {
            removed++;
            continue;
        }
        *cb_at(f, j++) = c;
    }
    if (j == 0) f->cb0.fn = NULL; /* not .data: a detached future's Host */
    if (f->ext) f->ext->ncbs = j > 0 ? j - 1 : 0;
    return removed;
}

size_t future_callback_count(const Future *f)
{
    return ncallbacks(f);
}

LoopFn future_callback_at(const Future *f, size_t i, void **data)
{
    const FutureCb *cb = i == 0 ? &f->cb0 : &f->ext->cbs[i - 1];
    *data = cb->data;
    return cb->fn;
}

FutureCbKind future_callback_kind(LoopFn fn)
{
    if (fn == task_wakeup_cb) return FUTURE_CB_TASK_WAKEUP;
    if (fn == nco_gather_child_done) return FUTURE_CB_GATHER_CHILD;
    if (fn == nco_release_waiter_cb) return FUTURE_CB_RELEASE_WAITER;
    return FUTURE_CB_OTHER;
}

/* Labels the engine and the interpreter use, kept as a byte; others go to
 * the side block. Index 0 (FUTURE_LABEL_KIND) is the kind's own. */
static const char *const label_names[] = {NULL,       "future",   "task",
                                          "gather",   "sleep",    "wait_for",
                                          "wait",     "as_completed", "shield"};

void future_set_label(Future *f, const char *label)
{
    if (!label) {
        f->label = FUTURE_LABEL_KIND;
        return;
    }
    for (uint8_t i = 1; i < sizeof label_names / sizeof *label_names; i++) {
        if (strcmp(label, label_names[i]) == 0) {
            f->label = i;
            return;
        }
    }
    FutureExt *x = future_ext(f);
    if (!x) return; /* a display name only: keep the previous one */
    x->label = label;
    f->label = FUTURE_LABEL_EXT;
}

const char *future_label(const Future *f)
{
    if (f->label == FUTURE_LABEL_EXT) return f->ext->label;
    if (f->label != FUTURE_LABEL_KIND) return label_names[f->label];
    if (f->sleep_block) return "sleep";
    switch ((FutureKind)f->kind) {
    case FUTURE_TASK: return "task";
    case FUTURE_GATHER: return "gather";
    default: return "future";
    }
}

int future_set_host(Future *f, void *host_obj)
{
    if (f->kind == FUTURE_TASK) {
        ((Task *)f)->host = host_obj;
        return 0;
    }
    if (f->kind == FUTURE_GATHER) {
        ((Gather *)f)->host = host_obj;
        return 0;
    }
    if (!host_obj && !f->ext) return 0;
    FutureExt *x = future_ext(f);
    if (!x) return -1;
    x->host = host_obj;
    return 0;
}

void *future_host(const Future *f)
{
    if (f->kind == FUTURE_TASK) return ((const Task *)f)->host;
    if (f->kind == FUTURE_GATHER) return ((const Gather *)f)->host;
    return f->ext ? f->ext->host : NULL;
}

void future_detach(Future *f)
{
    Loop *L = f->loop;
    if (f->kind == FUTURE_TASK)
        task_detach((Task *)f);
    else if (f->kind == FUTURE_GATHER)
        nco_gather_detach((Gather *)f);
    uint32_t n = ncallbacks(f);
    for (uint32_t i = 0; i < n; i++) {
        FutureCb *c = cb_at(f, i);
        loop_drop_callback(L->host, c->fn, c->data);
    }
    clear_callbacks(f);
    if (f->ext && f->ext->cbs) {
        mem_free(L->mem, f->ext->cbs, f->ext->capcb * sizeof *f->ext->cbs);
        f->ext->cbs = NULL;
        f->ext->capcb = 0;
    }
    f->cb0.data = L->host;
}

void *future_nomem_error(Host *h)
{
    if (h->ops->memory_error) return h->ops->memory_error(h->ctx);
    return h->ops->cancelled_error(h->ctx, NULL, false);
}
