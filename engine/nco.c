/* nco: the engine's native stackless coroutines (sleep, wait_for, await) and
 * the gathering future. Each coroutine is a struct with a state number; its
 * resume function is a switch on that number (Tatham's "Coroutines in C"),
 * so a suspended one costs only its struct. See nco.h for the semantics. */
#include "engine/nco.h"

#include <stdlib.h>
#include <string.h>

#include "engine/internal.h"

/* Shared helpers ---------------------------------------------------------- */

/* "return fut.result()": RETURN its result or RAISE what result() raises. */
static CoroStatus result_of(Host *h, Future *f, void **out)
{
    if (f->state == FUTURE_RESULT) {
        host_retain(h, f->value);
        *out = f->value;
        return CORO_RETURN;
    }
    *out = future_take_error(f);
    return CORO_RAISE;
}

static CoroStatus raise_in(Host *h, void *in, void **out)
{
    host_retain(h, in);
    *out = in;
    return CORO_RAISE;
}

static CoroStatus raise_nomem(Host *h, void **out)
{
    *out = future_nomem_error(h);
    return CORO_RAISE;
}

/* sleep ------------------------------------------------------------------- */

enum { SL_START, SL_YIELDED, SL_WAITING, SL_DONE };

/* Every native coroutine keeps its Host for dropping: a host may drop a
 * coroutine object after its loop was freed. A sleep block finds it in
 * cb0.data until its future is made, then as its future's (future_host_of,
 * which survives the loop). A timer is only cancelled while the future is
 * still attached to the loop (loop_free takes the timers back itself and
 * detaches the futures). NcoSleep is in internal.h (its future is freed by
 * future_release); sleep(delay <= 0), a bare yield, is a smaller struct of
 * its own. */

static Host *sleep_host(const NcoSleep *s)
{
    return s->fut.sl_live ? future_host_of(&s->fut) : (Host *)s->fut.cb0.data;
}

static void sleep_leave(NcoSleep *s)
{
    uint8_t ts = s->fut.sl_timer;
    if ((ts == TIMER_IN_HEAP || ts == TIMER_IN_READY) && s->fut.loop)
        loop_sleep_cancel(s->fut.loop, &s->fut);
}

static CoroStatus sleep_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    NcoSleep *s = self;
    Future *f = &s->fut;
    Host *h = sleep_host(s);
    switch (f->sl_state) {
    case SL_START: {
        if (how == CORO_THROW) {
            f->sl_state = SL_DONE;
            return raise_in(h, in, out);
        }
        Loop *L = f->loop;
        int64_t delay = f->t_when; /* the link slots become the timer's */
        f->cb0.data = NULL;
        future_init(f, L, FUTURE_PLAIN); /* labelled "sleep" by sleep_block */
        f->sl_live = 1;
        if (loop_sleep_arm(L, f, loop_time(L) + delay) < 0) {
            future_link(f);
            f->sl_state = SL_DONE;
            return raise_nomem(h, out);
        }
        if (L->trace)
            loop_trace_event(L, TRACE_SLEEP, task ? task->id : 0, 0, TRACE_WHY_NONE, f->t_when,
                             NULL, 0);
        f->sl_state = SL_WAITING;
        *out = f;
        return CORO_SUSPEND;
    }
    case SL_WAITING:
        sleep_leave(s);
        f->sl_state = SL_DONE;
        if (how == CORO_THROW) return raise_in(h, in, out);
        host_retain(h, f->value); /* the result, held since nco_sleep */
        *out = f->value;
        return CORO_RETURN;
    }
    return raise_in(h, in, out); /* resumed after it finished: a host bug */
}

static void sleep_drop(void *self)
{
    NcoSleep *s = self;
    if (!s->fut.sl_live) {
        Host *h = sleep_host(s);
        host_release(h, s->fut.value);
        mem_free(h->mem, s, sizeof *s);
        return;
    }
    sleep_leave(s);
    future_release(&s->fut); /* the block goes with the last reference */
}

static const CoroVt sleep_vt = {"sleep", sleep_resume, sleep_drop};

typedef struct NcoYield {
    uint8_t state;
    Host *host;
    void *result;
} NcoYield;

static CoroStatus yield_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    NcoYield *y = self;
    Host *h = y->host;
    switch (y->state) {
    case SL_START:
        if (how == CORO_THROW) {
            y->state = SL_DONE;
            return raise_in(h, in, out);
        }
        y->state = SL_YIELDED;
        return CORO_YIELD;
    case SL_YIELDED:
        y->state = SL_DONE;
        if (how == CORO_THROW) return raise_in(h, in, out);
        host_retain(h, y->result);
        *out = y->result;
        return CORO_RETURN;
    }
    return raise_in(h, in, out);
}

static void yield_drop(void *self)
{
    NcoYield *y = self;
    host_release(y->host, y->result);
    mem_free(y->host->mem, y, sizeof *y);
}

static const CoroVt yield_vt = {"sleep", yield_resume, yield_drop};

Coro nco_sleep(Loop *L, int64_t delay_ns, void *result)
{
    if (delay_ns <= 0) {
        NcoYield *y = mem_calloc(L->mem, sizeof *y);
        if (!y) return (Coro){NULL, NULL};
        y->host = L->host;
        y->result = result;
        host_retain(L->host, result);
        return (Coro){&yield_vt, y};
    }
    NcoSleep *s = mem_calloc(L->mem, sizeof *s);
    if (!s) return (Coro){NULL, NULL};
    s->fut.loop = L; /* parked here until the first resume makes the future */
    s->fut.cb0.data = L->host;
    s->fut.sleep_block = 1;
    s->fut.t_when = delay_ns;
    s->fut.value = result;
    host_retain(L->host, result);
    return (Coro){&sleep_vt, s};
}

/* await a future --------------------------------------------------------- */

typedef struct NcoAwait {
    uint8_t state;
    Loop *loop;
    Host *host;
    Future *fut;
} NcoAwait;

static CoroStatus await_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    NcoAwait *a = self;
    Host *h = a->loop->host;
    switch (a->state) {
    case 0:
        a->state = 2;
        if (how == CORO_THROW) return raise_in(h, in, out);
        if (future_done(a->fut)) return result_of(h, a->fut, out);
        a->state = 1;
        *out = a->fut;
        return CORO_SUSPEND;
    case 1:
        a->state = 2;
        if (how == CORO_THROW) return raise_in(h, in, out);
        host_retain(h, in);
        *out = in;
        return CORO_RETURN;
    }
    return raise_in(h, in, out);
}

static void await_drop(void *self)
{
    NcoAwait *a = self;
    future_release(a->fut);
    mem_free(a->host->mem, a, sizeof *a);
}

static const CoroVt await_vt = {"await", await_resume, await_drop};

Coro nco_await(Loop *L, Future *f)
{
    NcoAwait *a = mem_calloc(L->mem, sizeof *a);
    if (!a) return (Coro){NULL, NULL};
    a->loop = L;
    a->host = L->host;
    a->fut = f;
    future_retain(f);
    return (Coro){&await_vt, a};
}

/* gather ------------------------------------------------------------------ */


static void gather_unref_self(Gather *g)
{
    if (g->self_ref) {
        g->self_ref = false;
        future_release(&g->fut);
    }
}

/* Duplicates share one child and one callback: the first occurrence of
 * each future marks it (Future.mark, cleared again before returning), so
 * callbacks are registered in argument order in O(n). */
Future *nco_gather_take(Loop *L, Future **children, size_t n, bool return_exceptions)
{
    Host *h = L->host;
    Gather *g = mem_calloc(L->mem, sizeof *g);
    if (!g) goto fail;
    future_init(&g->fut, L, FUTURE_GATHER);
    future_link(&g->fut);
    g->return_exceptions = return_exceptions;
    if (n == 0) {
        void *list = h->ops->list_new(h->ctx, NULL, 0);
        if (!list) {
            future_release(&g->fut);
            return NULL;
        }
        future_set_result(&g->fut, list);
        host_release(h, list);
        return &g->fut;
    }
    g->children = children;
    g->n = n;
    g->self_ref = true;
    g->fut.refs++; /* held until every distinct child has reported */
    for (size_t i = 0; i < n; i++) {
        Future *c = children[i];
        if (c->mark) continue;
        c->mark = 1;
        g->nfuts++;
        if (future_add_callback(c, nco_gather_child_done, g) < 0) L->nomem = true;
    }
    for (size_t i = 0; i < n; i++)
        children[i]->mark = 0;
    return &g->fut;
fail:
    for (size_t i = 0; i < n; i++)
        future_release(children[i]);
    mem_free(L->mem, children, n * sizeof *children);
    return NULL;
}

Future *nco_gather(Loop *L, Future *const *children, size_t n, bool return_exceptions)
{
    Future **c = NULL;
    if (n) {
        c = mem_alloc(L->mem, n * sizeof *c);
        if (!c) return NULL;
        for (size_t i = 0; i < n; i++) {
            c[i] = children[i];
            future_retain(c[i]);
        }
    }
    return nco_gather_take(L, c, n, return_exceptions);
}

void nco_gather_child_done(Loop *L, void *data, void *arg)
{
    Gather *g = data;
    Future *child = arg;
    Host *h = L->host;
    g->nfinished++;
    if (g->fut.state != FUTURE_PENDING) {
        if (child->state == FUTURE_EXCEPTION) child->log_exc = 0; /* mark retrieved */
        goto out;
    }
    if (!g->return_exceptions) {
        if (child->state == FUTURE_CANCELLED) {
            void *exc = future_make_cancelled_error(child);
            future_set_exception(&g->fut, exc);
            host_release(h, exc);
            goto out;
        }
        if (child->state == FUTURE_EXCEPTION) {
            child->log_exc = 0;
            future_set_exception(&g->fut, child->value);
            goto out;
        }
    }
    if (g->nfinished == g->nfuts) {
        void **items = mem_alloc(L->mem, g->n * sizeof *items);
        void *list = NULL;
        if (items) {
            /* the items made here are the cancelled children's */
            for (size_t i = 0; i < g->n; i++) {
                Future *c = g->children[i];
                if (c->state == FUTURE_CANCELLED) {
                    items[i] = h->ops->cancelled_error(h->ctx, future_cancel_message(c), true);
                } else {
                    if (c->state == FUTURE_EXCEPTION) c->log_exc = 0;
                    items[i] = c->value;
                }
            }
            list = h->ops->list_new(h->ctx, items, g->n);
            for (size_t i = 0; i < g->n; i++)
                if (g->children[i]->state == FUTURE_CANCELLED) host_release(h, items[i]);
        }
        mem_free(L->mem, items, g->n * sizeof *items);
        if (g->cancel_requested) {
            /* CPython uses the last child of the loop above here. */
            void *exc = future_make_cancelled_error(g->children[g->n - 1]);
            future_set_exception(&g->fut, exc);
            host_release(h, exc);
        } else if (list) {
            future_set_result(&g->fut, list);
        } else {
            void *exc = future_nomem_error(h);
            future_set_exception(&g->fut, exc);
            host_release(h, exc);
        }
        host_release(h, list);
    }
out:
    if (g->nfinished >= g->nfuts) gather_unref_self(g);
}

bool nco_gather_cancel(Gather *g, void *msg)
{
    if (g->fut.state != FUTURE_PENDING) return false;
    bool ret = false;
    for (size_t i = 0; i < g->n; i++)
        if (future_cancel(g->children[i], msg)) ret = true;
    if (ret) g->cancel_requested = 1;
    return ret;
}

static void gather_drop_children(Gather *g)
{
    Future **c = g->children;
    size_t n = g->n;
    g->children = NULL;
    g->n = 0;
    for (size_t i = 0; i < n; i++)
        future_release(c[i]);
    if (c && g->fut.loop)
        mem_free(g->fut.loop->mem, c, n * sizeof *c);
    else if (c)
        mem_free(future_host_of(&g->fut)->mem, c, n * sizeof *c);
}

void nco_gather_fini(Gather *g, Host *h)
{
    gather_drop_children(g);
}

void nco_gather_detach(Gather *g)
{
    /* Children's callbacks are cleared by their own detach; drop the cycle. */
    for (size_t i = 0; i < g->n; i++)
        future_remove_callback(g->children[i], nco_gather_child_done, g);
    gather_drop_children(g);
    gather_unref_self(g);
}

/* wait_for ---------------------------------------------------------------- */

enum { WF_START, WF_INLINE, WF_AWAIT_FUT, WF_WAIT, WF_CAW, WF_DONE };
enum { AFTER_TIMEOUT, AFTER_RERAISE };

typedef struct NcoWaitFor {
    uint8_t state, after;
    Loop *loop; /* valid while waiter is attached */
    Host *host;
    int64_t timeout;
    Coro coro;      /* the awaitable when it is a coroutine (until used) */
    Future *fut;    /* the awaited future or the task wrapping coro */
    Future *waiter; /* released by the timeout or by fut's completion */
    Future *w2;     /* _cancel_and_wait's waiter */
    LoopTimer *timer;
    void *saved_exc; /* CancelledError to re-raise after cancel-and-wait */
} NcoWaitFor;

/* _release_waiter as a done-callback: data is a referenced waiter. */
void nco_release_waiter_cb(Loop *L, void *data, void *arg)
{
    Future *w = data;
    if (w->state == FUTURE_PENDING) future_set_result(w, NULL);
    future_release(w);
}

/* _release_waiter as the timeout: data is the wait_for state (the timer is
 * always cancelled before the state or its waiter goes). */
static void timeout_cb(Loop *L, void *data, void *arg)
{
    NcoWaitFor *w = data;
    w->timer = NULL;
    if (w->waiter->state == FUTURE_PENDING) future_set_result(w->waiter, NULL);
}

static int add_release(Future *f, Future *waiter)
{
    future_retain(waiter);
    if (future_add_callback(f, nco_release_waiter_cb, waiter) < 0) {
        future_release(waiter);
        return -1;
    }
    return 0;
}

static void remove_release(Future *f, Future *waiter)
{
    size_t n = future_remove_callback(f, nco_release_waiter_cb, waiter);
    while (n--)
        future_release(waiter);
}

/* The finally: clause of wait_for. */
static void wf_finish(NcoWaitFor *w)
{
    if (w->timer) {
        if (w->waiter && w->waiter->loop) loop_timer_cancel(w->loop, w->timer);
        w->timer = NULL;
    }
    if (w->waiter) {
        if (w->fut) remove_release(w->fut, w->waiter);
        future_release(w->waiter);
        w->waiter = NULL;
    }
    w->state = WF_DONE;
}

/* _cancel_and_wait(fut): then resume in WF_CAW. */
static CoroStatus wf_cancel_and_wait(NcoWaitFor *w, int after, void **out)
{
    Loop *L = w->loop;
    w->after = (uint8_t)after;
    if (!(w->w2 = future_new(L)) || add_release(w->fut, w->w2) < 0) {
        if (w->w2) future_release(w->w2);
        w->w2 = NULL;
        host_release(L->host, w->saved_exc);
        w->saved_exc = NULL;
        wf_finish(w);
        return raise_nomem(L->host, out);
    }
    w->w2->label = FUTURE_LABEL_WAIT_FOR;
    future_cancel(w->fut, NULL);
    w->state = WF_CAW;
    *out = w->w2;
    return CORO_SUSPEND;
}

static CoroStatus wf_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    NcoWaitFor *w = self;
    Loop *L = w->loop;
    Host *h = L->host;
    switch (w->state) {
    case WF_START:
        if (how == CORO_THROW) {
            w->state = WF_DONE;
            return raise_in(h, in, out);
        }
        if (w->timeout == NCO_NO_TIMEOUT) {
            if (w->coro.vt) {
                w->state = WF_INLINE; /* `return await fut` on a coroutine: inline */
                goto inline_resume;
            }
            if (future_done(w->fut)) {
                w->state = WF_DONE;
                return result_of(h, w->fut, out);
            }
            w->state = WF_AWAIT_FUT;
            *out = w->fut;
            return CORO_SUSPEND;
        }
        if (w->coro.vt) { /* ensure_future: a new task, which takes a number */
            Task *t = task_new(L, w->coro, NULL);
            w->coro.vt = NULL;
            if (!t) {
                w->state = WF_DONE;
                return raise_nomem(h, out);
            }
            w->fut = &t->fut;
        }
        if (w->timeout <= 0) {
            if (future_done(w->fut)) {
                w->state = WF_DONE;
                return result_of(h, w->fut, out);
            }
            return wf_cancel_and_wait(w, AFTER_TIMEOUT, out);
        }
        if (!(w->waiter = future_new(L))) goto nomem;
        w->waiter->label = FUTURE_LABEL_WAIT_FOR;
        if (!(w->timer = loop_call_later(L, w->timeout, timeout_cb, w, NULL))) goto nomem;
        if (add_release(w->fut, w->waiter) < 0) goto nomem;
        w->state = WF_WAIT;
        *out = w->waiter;
        return CORO_SUSPEND;

    case WF_INLINE:
    inline_resume : {
        CoroStatus st = coro_resume(w->coro, task, how, in, out);
        if (st == CORO_RETURN || st == CORO_RAISE) w->state = WF_DONE;
        return st;
    }

    case WF_AWAIT_FUT:
        w->state = WF_DONE;
        if (how == CORO_THROW) return raise_in(h, in, out);
        host_retain(h, in);
        *out = in;
        return CORO_RETURN;

    case WF_WAIT:
        if (how == CORO_THROW && !host_is_cancelled(h, in)) {
            wf_finish(w);
            return raise_in(h, in, out);
        }
        if (future_done(w->fut)) {
            wf_finish(w);
            return result_of(h, w->fut, out);
        }
        remove_release(w->fut, w->waiter);
        if (how == CORO_THROW) {
            host_retain(h, in);
            w->saved_exc = in;
            return wf_cancel_and_wait(w, AFTER_RERAISE, out);
        }
        return wf_cancel_and_wait(w, AFTER_TIMEOUT, out);

    case WF_CAW:
        remove_release(w->fut, w->w2);
        future_release(w->w2);
        w->w2 = NULL;
        wf_finish(w);
        if (how == CORO_THROW) {
            host_release(h, w->saved_exc);
            w->saved_exc = NULL;
            return raise_in(h, in, out);
        }
        if (w->after == AFTER_RERAISE) {
            *out = w->saved_exc;
            w->saved_exc = NULL;
            return CORO_RAISE;
        }
        if (w->fut->state == FUTURE_RESULT) return result_of(h, w->fut, out);
        {
            void *exc = future_take_error(w->fut);
            if (host_is_cancelled(h, exc)) {
                *out = h->ops->timeout_error(h->ctx, exc);
                host_release(h, exc);
            } else {
                *out = exc;
            }
            return CORO_RAISE;
        }
    }
    return raise_in(h, in, out);
nomem:
    wf_finish(w);
    return raise_nomem(h, out);
}

static void wf_drop(void *self)
{
    NcoWaitFor *w = self;
    Host *h = w->host;
    if (w->w2) {
        remove_release(w->fut, w->w2);
        future_release(w->w2);
        w->w2 = NULL;
    }
    if (w->state != WF_DONE) wf_finish(w);
    coro_drop(w->coro);
    if (w->fut) future_release(w->fut);
    host_release(h, w->saved_exc);
    mem_free(h->mem, w, sizeof *w);
}

static const CoroVt wait_for_vt = {"wait_for", wf_resume, wf_drop};

Coro nco_wait_for(Loop *L, NcoAwaitable aw, int64_t timeout_ns)
{
    NcoWaitFor *w = mem_calloc(L->mem, sizeof *w);
    if (!w) {
        coro_drop(aw.coro);
        return (Coro){NULL, NULL};
    }
    w->loop = L;
    w->host = L->host;
    w->timeout = timeout_ns;
    w->coro = aw.coro;
    w->fut = aw.coro.vt ? NULL : aw.fut;
    if (w->fut) future_retain(w->fut);
    return (Coro){&wait_for_vt, w};
}
