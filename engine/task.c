/* task: a future that drives a coroutine one step at a time. The rules (what
 * a step does with each resume status, cancel, names) are in task.h. */
#include "engine/task.h"

#include <stdio.h>
#include <string.h>

#include "engine/internal.h"

static void sleep_cancel(Loop *L, Task *t, void *msg);

/* Pending tasks are listed in creation order through fut.prev/next; a task
 * that is done moves to the all-futures list (internal.h). */
static void link_pending(Loop *L, Task *t)
{
    Future *f = &t->fut;
    f->prev = L->tasks_tail ? &L->tasks_tail->fut : NULL;
    f->next = NULL;
    if (L->tasks_tail)
        L->tasks_tail->fut.next = f;
    else
        L->tasks_head = t;
    L->tasks_tail = t;
    f->on_tasks = 1;
    L->ntasks++;
}

void task_unlink_pending(Loop *L, Task *t)
{
    Future *f = &t->fut;
    if (f->prev)
        f->prev->next = f->next;
    else
        L->tasks_head = (Task *)f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        L->tasks_tail = (Task *)f->prev;
    f->prev = f->next = NULL;
    f->on_tasks = 0;
    L->ntasks--;
}

static const char *explicit_name(const Task *t)
{
    return t->fut.ext ? t->fut.ext->name : NULL;
}

/* N of an unnamed task's "Task-N": Host.named_ids. */
static uint64_t name_num(const Task *t)
{
    const Host *h = future_host_of(&t->fut);
    size_t lo = 0, hi = h->nnamed; /* count the ids below t's */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->named_ids[mid] < t->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return t->id - lo;
}

/* Records that task `id` was made with a name (it takes no number). */
static int note_named(Host *h, uint32_t id)
{
    if (h->nnamed == h->capnamed) {
        size_t ncap = h->capnamed ? h->capnamed * 2 : 8;
        uint32_t *n = mem_realloc(h->mem, h->named_ids, h->capnamed * sizeof *n, ncap * sizeof *n);
        if (!n) return -1;
        h->named_ids = n;
        h->capnamed = ncap;
    }
    h->named_ids[h->nnamed++] = id;
    return 0;
}

/* The future a pending task waits on, kept in fut.value (internal.h). */
static inline Future *waiter(const Task *t)
{
    return t->fut.state == FUTURE_PENDING && t->fut.sl_state == TSLEEP_NONE ? t->fut.value : NULL;
}

static inline void set_waiter(Task *t, Future *f)
{
    t->fut.value = f;
}

static void trace_created(Loop *L, Task *t)
{
    char buf[64];
    size_t n = task_name(t, buf, sizeof buf);
    const char *s = explicit_name(t) ? explicit_name(t) : buf;
    if (explicit_name(t))
        n = strlen(s);
    else if (n >= sizeof buf)
        n = sizeof buf - 1;
    uint64_t parent = L->current ? L->current->id : 0;
    loop_trace_event(L, TRACE_TASK_CREATED, t->id, parent, TRACE_WHY_NONE, 0, s, n);
    loop_trace_event(L, TRACE_READY, t->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
}

/* A copy of name in the task's side block (replacing any previous one). */
static int store_name(Task *t, Mem *m, const char *name)
{
    size_t n = strlen(name) + 1;
    char *s = mem_alloc(m, n);
    if (!s) return -1;
    FutureExt *x = future_ext(&t->fut);
    if (!x) {
        mem_free(m, s, n);
        return -1;
    }
    memcpy(s, name, n);
    if (x->name) mem_free(m, x->name, strlen(x->name) + 1);
    x->name = s;
    return 0;
}

Task *task_new(Loop *L, Coro coro, const char *name)
{
    if (!coro.vt) return NULL; /* a constructor that failed (ENOMEM) */
    Task *t = mem_calloc(L->mem, sizeof *t);
    if (!t) {
        coro_drop(coro);
        return NULL;
    }
    future_init(&t->fut, L, FUTURE_TASK);
    Host *h = L->host;
    uint32_t id = (uint32_t)(h->task_ids + 1);
    bool noted = false;
    if ((name && (store_name(t, L->mem, name) < 0 || !(noted = note_named(h, id) == 0))) ||
        loop_enqueue_first_step(L, t) < 0) {
        if (noted) h->nnamed--;
        if (t->fut.ext && t->fut.ext->name)
            mem_free(L->mem, t->fut.ext->name, strlen(t->fut.ext->name) + 1);
        if (t->fut.ext) mem_free(L->mem, t->fut.ext, sizeof *t->fut.ext);
        mem_free(L->mem, t, sizeof *t);
        coro_drop(coro);
        return NULL;
    }
    t->fut.refs = 2; /* the caller's and the loop's (until done) */
    t->coro = coro;
    t->id = id;
    h->task_ids++;
    if (!name) h->task_names++;
    link_pending(L, t);
    if (L->trace) trace_created(L, t);
    if (h->ops->task_created) h->ops->task_created(h->ctx, t);
    return t;
}

Task *task_from_future(Future *f)
{
    return f && f->kind == FUTURE_TASK ? (Task *)f : NULL;
}

void task_retain(Task *t)
{
    future_retain(&t->fut);
}

void task_release(Task *t)
{
    future_release(&t->fut);
}

Loop *task_loop(const Task *t)
{
    return t->fut.loop;
}

static void trace_value(Loop *L, TraceKind kind, Task *t, void *v, bool is_exc)
{
    Host *h = L->host;
    char buf[160];
    size_t n = 0;
    if (h->ops->repr && (v || !is_exc)) {
        n = h->ops->repr(h->ctx, v, is_exc, buf, sizeof buf);
        if (n >= sizeof buf) n = sizeof buf - 1;
    }
    loop_trace_event(L, kind, t->id, 0, TRACE_WHY_NONE, 0, buf, n);
}

/* The task is done: its coroutine goes, it moves from the pending list to
 * the all-futures list (the loop's reference goes after the step). */
static void finish(Loop *L, Task *t)
{
    Future *w = waiter(t); /* none: a step runs after the wakeup took it */
    if (w) {
        set_waiter(t, NULL);
        future_release(w);
    }
    Coro c = t->coro;
    t->coro.vt = NULL;
    t->coro.self = NULL;
    coro_drop(c);
    task_unlink_pending(L, t);
    future_link(&t->fut);
}

/* One step: resume the coroutine with (how, in), act on what it returns. */
static void task_step(Loop *L, Task *t, CoroIn how, void *in)
{
    if (t->fut.state != FUTURE_PENDING || !t->coro.vt) return;
    Host *h = L->host;
    void *made = NULL;
    if (t->fut.must_cancel) {
        if (!(how == CORO_THROW && host_is_cancelled(h, in))) {
            made = future_make_cancelled_error(&t->fut);
            how = CORO_THROW;
            in = made;
        }
        t->fut.must_cancel = 0;
    }
    Task *prev = L->current;
    L->current = t;
    t->fut.started = 1;
    L->steps++;
    LOOP_TRACE(L, TRACE_STEP_BEGIN, t->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
    void *out = NULL;
    CoroStatus st = coro_resume(t->coro, t, how, in, &out);
    L->current = prev;
    host_release(h, made);

    switch (st) {
    case CORO_SUSPEND: {
        Future *f = out;
        if (!f) { /* on its own timer (task_sleep_until) */
            if (t->fut.sl_state != TSLEEP_PENDING) { /* a host bug: do not hang */
                loop_enqueue(L, task_step_cb, t);
                return;
            }
            LOOP_TRACE(L, TRACE_STEP_END, t->id, 0, TRACE_WHY_AWAIT, 0, "sleep", 5);
            if (t->fut.must_cancel) { /* as cancelling a pending sleep future */
                t->fut.must_cancel = 0;
                sleep_cancel(L, t, future_cancel_message(&t->fut));
            }
            return;
        }
        future_retain(f);
        set_waiter(t, f);
        if (L->trace) {
            Task *w = task_from_future(f);
            const char *label = future_label(f);
            loop_trace_event(L, TRACE_STEP_END, t->id, w ? w->id : 0, TRACE_WHY_AWAIT, 0, label,
                             strlen(label));
        }
        if (future_add_callback(f, task_wakeup_cb, t) < 0) {
            /* Cannot wait on it: raise MemoryError at the await instead. */
            set_waiter(t, NULL);
            future_release(f);
            loop_enqueue(L, task_wakeup_cb, t);
            L->nomem = true;
            return;
        }
        if (t->fut.must_cancel && future_cancel(f, future_cancel_message(&t->fut)))
            t->fut.must_cancel = 0;
        return;
    }
    case CORO_YIELD:
        LOOP_TRACE(L, TRACE_STEP_END, t->id, 0, TRACE_WHY_YIELD, 0, NULL, 0);
        if (loop_enqueue(L, task_step_cb, t) == 0)
            LOOP_TRACE(L, TRACE_READY, t->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
        return;
    case CORO_RETURN:
        LOOP_TRACE(L, TRACE_STEP_END, t->id, 0, TRACE_WHY_RETURN, 0, NULL, 0);
        finish(L, t);
        if (t->fut.must_cancel) {
            /* cancel() during the step that returned: the task ends cancelled */
            t->fut.must_cancel = 0;
            future_cancel_base(&t->fut, future_cancel_message(&t->fut));
            LOOP_TRACE(L, TRACE_CANCELLED, t->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
        } else {
            future_set_result(&t->fut, out);
            if (L->trace) trace_value(L, TRACE_RESULT, t, out, false);
        }
        host_release(h, out);
        break;
    case CORO_RAISE:
        if (host_is_cancelled(h, out)) {
            LOOP_TRACE(L, TRACE_STEP_END, t->id, 0, TRACE_WHY_CANCELLED, 0, NULL, 0);
            finish(L, t);
            /* handed to the first awaiter; without memory for the side
             * block, awaiting makes a CancelledError(msg) instead */
            FutureExt *x = future_ext(&t->fut);
            if (x) {
                host_release(h, x->cancelled_exc);
                x->cancelled_exc = out;
            } else {
                host_release(h, out);
            }
            future_set_cancel_msg(&t->fut, NULL);
            future_cancel_base(&t->fut, NULL);
            LOOP_TRACE(L, TRACE_CANCELLED, t->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
        } else {
            LOOP_TRACE(L, TRACE_STEP_END, t->id, 0, TRACE_WHY_RAISE, 0, NULL, 0);
            finish(L, t);
            future_set_exception(&t->fut, out);
            if (L->trace) trace_value(L, TRACE_EXCEPTION, t, out, true);
            host_release(h, out);
        }
        break;
    }
    future_release(&t->fut); /* the loop's reference */
}

void task_step_cb(Loop *L, void *data, void *arg)
{
    task_step(L, data, CORO_SEND, NULL);
}

/* Done-callback of the future the task waits on (arg); arg is NULL when a
 * MemoryError must be thrown instead (see CORO_SUSPEND above). */
void task_wakeup_cb(Loop *L, void *data, void *arg)
{
    Task *t = data;
    Future *f = arg;
    Host *h = L->host;
    Future *w = waiter(t);
    if (w) {
        set_waiter(t, NULL);
        future_release(w);
    }
    if (!f) {
        void *e = future_nomem_error(h);
        task_step(L, t, CORO_THROW, e);
        host_release(h, e);
    } else if (f->state == FUTURE_RESULT) {
        task_step(L, t, CORO_SEND, f->value);
    } else {
        void *e = future_take_error(f);
        task_step(L, t, CORO_THROW, e);
        host_release(h, e);
    }
}

/* task_sleep_until ----------------------------------------------------------
 * What CPython's sleep() does with a future and a call_later handle, a task
 * does here with its own timer and fut.sl_state standing for that future:
 * the timer coming due "sets the future" (TSLEEP_WOKEN) and queues the
 * wakeup, a cancel "cancels the future" (TSLEEP_CANCELLED, the message held
 * in fut.value) and queues the wakeup at once, and the wakeup step cancels
 * the timer (sleep's `finally: h.cancel()`) before resuming the coroutine
 * with None or CancelledError(msg). Every event lands in the ready queue at
 * the place the future's done-callback would, so the order of steps, the
 * trace and cancellation are those of the future-based sleep (nco_sleep). */

static void sleep_wakeup_cb(Loop *L, void *data, void *arg)
{
    Task *t = data;
    uint8_t s = t->fut.sl_state;
    if (s == TSLEEP_NONE) return;
    t->fut.sl_state = TSLEEP_NONE;
    uint8_t ts = t->fut.sl_timer;
    if (ts == TIMER_IN_HEAP || ts == TIMER_IN_READY) loop_task_sleep_cancel(L, t);
    if (s == TSLEEP_CANCELLED) {
        Host *h = L->host;
        void *msg = t->fut.value;
        t->fut.value = NULL;
        void *e = h->ops->cancelled_error(h->ctx, msg, false);
        host_release(h, msg);
        task_step(L, t, CORO_THROW, e);
        host_release(h, e);
    } else {
        task_step(L, t, CORO_SEND, NULL);
    }
}

static void sleep_wake_soon(Loop *L, Task *t)
{
    if (loop_enqueue(L, sleep_wakeup_cb, t) == 0)
        LOOP_TRACE(L, TRACE_READY, t->id, 0, TRACE_WHY_NONE, 0, NULL, 0);
}

static void sleep_cancel(Loop *L, Task *t, void *msg)
{
    host_retain(L->host, msg);
    t->fut.value = msg;
    t->fut.sl_state = TSLEEP_CANCELLED;
    sleep_wake_soon(L, t);
}

void task_sleep_run(Loop *L, void *data, void *arg)
{
    Task *t = data;
    bool live = t->fut.sl_timer == TIMER_IN_READY;
    t->fut.sl_timer = TIMER_IDLE;
    if (t->fut.zombie) {
        mem_free(L->mem, t, sizeof *t);
        return;
    }
    if (live && t->fut.sl_state == TSLEEP_PENDING) {
        t->fut.sl_state = TSLEEP_WOKEN;
        sleep_wake_soon(L, t);
    }
}

int task_sleep_until(Task *t, int64_t when)
{
    Loop *L = t->fut.loop;
    if (!L || t->fut.state != FUTURE_PENDING || t->fut.sl_state != TSLEEP_NONE ||
        t->fut.sl_timer != TIMER_IDLE || waiter(t))
        return 1;
    if (loop_task_sleep_arm(L, t, when) < 0) return -1;
    t->fut.sl_state = TSLEEP_PENDING;
    LOOP_TRACE(L, TRACE_SLEEP, t->id, 0, TRACE_WHY_NONE, when, NULL, 0);
    return 0;
}

void task_sleep_abandon(Task *t)
{
    uint8_t ts = t->fut.sl_timer;
    if (t->fut.loop && (ts == TIMER_IN_HEAP || ts == TIMER_IN_READY))
        loop_task_sleep_cancel(t->fut.loop, t);
}

bool task_sleeping(const Task *t)
{
    return t->fut.sl_state != TSLEEP_NONE;
}

FutureState task_sleep_state(const Task *t)
{
    switch (t->fut.sl_state) {
    case TSLEEP_WOKEN: return FUTURE_RESULT;
    case TSLEEP_CANCELLED: return FUTURE_CANCELLED;
    default: return FUTURE_PENDING;
    }
}

bool task_cancel(Task *t, void *msg)
{
    if (t->fut.state != FUTURE_PENDING) return false;
    Loop *L = t->fut.loop;
    if (L && L->cancel_depth == 0)
        L->cancel_overflow = false; /* a new cancel, whatever the last one met */
    FutureExt *x = future_ext(&t->fut);
    if (x)
        x->cancelling++;
    else if (L)
        L->nomem = true; /* the cancel still happens, uncounted (as a lost message) */
    if (L)
        LOOP_TRACE(L, TRACE_CANCEL, t->id, L->current ? L->current->id : 0, TRACE_WHY_NONE, 0, NULL,
                   0);
    if (L && t->fut.sl_state == TSLEEP_PENDING) {
        sleep_cancel(L, t, msg);
        return true;
    }
    Future *w = waiter(t);
    if (w) {
        if (L && L->cancel_depth >= TASK_CANCEL_MAX_DEPTH) {
            L->cancel_overflow = true;
            return false;
        }
        if (L) L->cancel_depth++;
        bool taken = future_cancel(w, msg);
        if (L) L->cancel_depth--;
        if (L && L->cancel_overflow) return false; /* unwinding: nothing more is done */
        if (taken) return true;
    }
    t->fut.must_cancel = 1;
    if (L) future_set_cancel_msg(&t->fut, msg);
    return true;
}

bool task_cancel_overflowed(Loop *L)
{
    bool o = L->cancel_overflow;
    L->cancel_overflow = false;
    return o;
}

int task_cancelling(const Task *t)
{
    return t->fut.ext ? t->fut.ext->cancelling : 0;
}

int task_uncancel(Task *t)
{
    FutureExt *x = t->fut.ext;
    if (!x) return 0;
    if (x->cancelling > 0) x->cancelling--;
    return x->cancelling;
}

bool task_must_cancel(const Task *t)
{
    return t->fut.must_cancel;
}

size_t task_name(const Task *t, char *buf, size_t size)
{
    const char *name = explicit_name(t);
    int n = name ? snprintf(buf, size, "%s", name)
                 : snprintf(buf, size, "Task-%llu", (unsigned long long)name_num(t));
    return n < 0 ? 0 : (size_t)n;
}

uint64_t task_name_num(const Task *t)
{
    return explicit_name(t) ? 0 : name_num(t);
}

int task_set_name(Task *t, const char *name)
{
    Loop *L = t->fut.loop;
    if (!L) return -1;
    if (store_name(t, L->mem, name) < 0) return -1;
    LOOP_TRACE(L, TRACE_TASK_RENAMED, t->id, 0, TRACE_WHY_NONE, 0, name, strlen(name));
    return 0;
}

uint64_t task_id(const Task *t)
{
    return t->id;
}

Future *task_fut_waiter(const Task *t)
{
    return waiter(t);
}

bool task_started(const Task *t)
{
    return t->fut.started;
}

bool task_running(const Task *t)
{
    return t->fut.loop && t->fut.loop->current == t;
}

Coro task_coro(const Task *t)
{
    return t->coro;
}

void task_set_host(Task *t, void *host_obj)
{
    t->host = host_obj;
}

void *task_host(const Task *t)
{
    return t->host;
}

Task *task_next_pending(const Task *t)
{
    return t->fut.on_tasks ? (Task *)t->fut.next : NULL;
}

void task_fini(Task *t, Host *h)
{
    Coro c = t->coro;
    t->coro.vt = NULL;
    coro_drop(c);
    Future *w = waiter(t);
    if (w) {
        set_waiter(t, NULL);
        future_release(w);
    }
    FutureExt *x = t->fut.ext;
    if (x) {
        if (x->name) mem_free(h->mem, x->name, strlen(x->name) + 1);
        x->name = NULL;
        host_release(h, x->cancelled_exc);
        x->cancelled_exc = NULL;
    }
}

void task_detach(Task *t)
{
    /* loop_free has taken the timer back already (its state is idle) */
    if (t->fut.sl_state == TSLEEP_CANCELLED) {
        Host *h = future_host_of(&t->fut);
        host_release(h, t->fut.value);
        t->fut.value = NULL;
    }
    t->fut.sl_state = TSLEEP_NONE;
    Coro c = t->coro;
    t->coro.vt = NULL;
    t->coro.self = NULL;
    coro_drop(c);
    Future *w = waiter(t);
    if (w) {
        set_waiter(t, NULL);
        future_release(w);
    }
}
