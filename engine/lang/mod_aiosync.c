/* mod_aiosync: asyncio's Lock, Semaphore, Event, Queue, TaskGroup and
 * timeout (part 2 of the asyncio module), on engine futures.
 *
 * The methods that wait (Lock/Semaphore.acquire, Event.wait, Queue.get,
 * put and join, __aenter__/__aexit__, TaskGroup.__aexit__) return coroutine
 * objects, as CPython's async defs do: small C coroutines (NK_CUSTOM) that
 * follow locks.py and queues.py step by step. Lock and Semaphore are fair,
 * as in 3.11: release() completes the first waiter's future, and that
 * future stays in the line until the waiter runs, so a newcomer queues
 * behind it; a woken waiter that is cancelled before it runs passes the
 * lock (the unit) on. Queue is not fair, as in CPython: a woken getter
 * re-checks the queue and may find it empty again. Where CPython iterates a
 * set of tasks (TaskGroup's abort), creation order is used.
 */
#include <stdio.h>
#include <string.h>

#include "engine/lang/vm.h"

typedef struct FutVec {
    Future **v;
    size_t n, cap;
} FutVec;

typedef enum { SK_LOCK, SK_SEM, SK_EVENT, SK_QUEUE, SK_TG, SK_TIMEOUT } SyncKind;

typedef struct SyncObj {
    Obj hdr;
    Vm *vm;
    SyncKind kind;
    int64_t value;      /* lock: locked; sem: counter; event: flag; queue: maxsize */
    int64_t bound;      /* BoundedSemaphore: the initial value; -1 otherwise */
    FutVec waiters;     /* lock/sem/event waiters, queue getters */
    FutVec putters;     /* queue putters */
    FutVec joiners;     /* queue join() */
    List *items;        /* queue */
    int64_t unfinished; /* queue */
    /* TaskGroup */
    FutVec tasks;
    Task *parent;
    bool entered, exiting, aborting, parent_cancel_requested;
    List *errors;
    Value base_error;
    Future *on_completed;
    /* timeout */
    int tstate; /* 0 created, 1 entered, 2 expiring, 3 expired, 4 exited */
    int64_t when; /* ns, or INT64_MIN for None */
    LoopTimer *timer;
    Task *task;
} SyncObj;

static Rt *RT(SyncObj *s)
{
    return &s->vm->rt;
}

/* ------------------------------------------------------------ futures */

static int fv_push(Vm *vm, FutVec *fv, Future *f)
{
    if (fv->n == fv->cap) {
        size_t nc = fv->cap ? fv->cap * 2 : 4;
        Future **v = mem_realloc(vm->mem, fv->v, fv->cap * sizeof *v, nc * sizeof *v);
        if (!v)
            return -1;
        fv->v = v;
        fv->cap = nc;
    }
    future_retain(f);
    fv->v[fv->n++] = f;
    return 0;
}

static void fv_remove_at(FutVec *fv, size_t i)
{
    future_release(fv->v[i]);
    memmove(fv->v + i, fv->v + i + 1, (fv->n - i - 1) * sizeof *fv->v);
    fv->n--;
}

static void fv_remove(FutVec *fv, Future *f)
{
    for (size_t i = 0; i < fv->n; i++)
        if (fv->v[i] == f) {
            fv_remove_at(fv, i);
            return;
        }
}

static void fv_free(Vm *vm, FutVec *fv)
{
    for (size_t i = 0; i < fv->n; i++)
        future_release(fv->v[i]);
    mem_free(vm->mem, fv->v, fv->cap * sizeof *fv->v);
    fv->v = NULL;
    fv->n = fv->cap = 0;
}

/* The first waiter not done yet, popping the done ones (CPython's
 * _wakeup_next / _wake_up_first). */
static Future *fv_first_pending(FutVec *fv)
{
    while (fv->n) {
        Future *f = fv->v[0];
        if (!future_done(f))
            return f;
        fv_remove_at(fv, 0);
    }
    return NULL;
}

static void set_result(Vm *vm, Future *f, Value v)
{
    void *h = vm_to_host(vm, v);
    future_set_result(f, h);
    host_release(&vm->host, h);
}

static RtStatus need_loop(Vm *vm)
{
    if (!vm->loop)
        return rt_raise_id(&vm->rt, CLS_RuntimeError, "no running event loop");
    return RT_OK;
}

/* An awaitable that is already done with `v` (awaiting it does not
 * suspend, as CPython's fast paths). */
static RtStatus done_awaitable(Vm *vm, Value v, Value *out)
{
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    Future *f = future_new(vm->loop);
    if (!f)
        return rt_no_memory(&vm->rt);
    set_result(vm, f, v);
    FutObj *h = vm_fut_wrap(vm, f);
    future_release(f);
    if (!h)
        return RT_ERR;
    *out = val_obj(&h->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ waiting coroutines
 *
 * Lock.acquire, Semaphore.acquire, Event.wait, Queue.join (and get/put) are
 * coroutines in CPython (async defs), so they are NK_CUSTOM coroutine
 * objects here: create_task, gather, wait_for, iscoroutine, their repr and
 * the never-awaited warning treat them as CPython does. Their steps follow
 * locks.py: a waiter's future stays in the line until the waiter itself
 * runs again (its `finally: self._waiters.remove(fut)`), which is what the
 * reprs' "waiters:N" and the fairness rules below count. */

static CoroStatus co_return(Vm *vm, Value v, void **out)
{
    *out = vm_to_host(vm, v);
    return CORO_RETURN;
}

static CoroStatus co_rethrow(Vm *vm, void *in, void **out)
{
    host_retain(&vm->host, in);
    *out = in;
    return CORO_RAISE;
}

static CoroStatus co_raise_pending(Vm *vm, void **out)
{
    Value e = rt_fetch_exc(&vm->rt);
    *out = vm_to_host(vm, e);
    val_decref(&vm->rt, e);
    return CORO_RAISE;
}

/* Suspends co on a new future appended to `line` (state 1). */
static CoroStatus co_wait_in(NcoObj *co, Vm *vm, FutVec *line, void **out)
{
    Future *w = future_new(vm->loop);
    if (!w || fv_push(vm, line, w) < 0) {
        if (w)
            future_release(w);
        rt_no_memory(&vm->rt);
        return co_raise_pending(vm, out);
    }
    co->fut = w; /* the reference future_new gave */
    co->state = 1;
    *out = w;
    return CORO_SUSPEND;
}

/* On the resume after co_wait_in: takes the future back out of `line`.
 * Returns it (the caller releases it). */
static Future *co_leave_line(NcoObj *co, FutVec *line)
{
    Future *w = co->fut;
    co->fut = NULL;
    co->state = 2;
    fv_remove(line, w);
    return w;
}

static NcoObj *sync_coro(Rt *rt, Value self, const char *name, NcoStepFn step, Value arg, Value *out)
{
    NcoObj *co = nco_custom_new(vm_of(rt), name, step, self, arg);
    if (co)
        *out = val_obj(&co->hdr);
    return co;
}

/* ------------------------------------------------------------ the object */

static void sync_free(Rt *rt, Obj *o)
{
    SyncObj *s = (SyncObj *)o;
    Vm *vm = s->vm;
    fv_free(vm, &s->waiters);
    fv_free(vm, &s->putters);
    fv_free(vm, &s->joiners);
    fv_free(vm, &s->tasks);
    if (s->items)
        obj_decref(rt, &s->items->hdr);
    if (s->errors)
        obj_decref(rt, &s->errors->hdr);
    val_decref(rt, s->base_error);
    if (s->on_completed)
        future_release(s->on_completed);
    if (s->parent)
        task_release(s->parent);
    if (s->task)
        task_release(s->task);
    obj_release(rt, o, sizeof(SyncObj));
}

/* Cycle collection (gc.h): what the object holds as lesson values (a
 * queue's items, a TaskGroup's errors). Its engine futures and tasks are
 * not lesson objects: they stay until sync_free. */
static void sync_traverse(Obj *o, GcVisit visit, void *arg)
{
    SyncObj *s = (SyncObj *)o;
    gc_visit_obj((Obj *)s->items, visit, arg);
    gc_visit_obj((Obj *)s->errors, visit, arg);
    gc_visit_val(s->base_error, visit, arg);
}

static void sync_clear(Rt *rt, Obj *o)
{
    SyncObj *s = (SyncObj *)o;
    Obj *items = (Obj *)s->items, *errors = (Obj *)s->errors;
    Value base = s->base_error;
    s->items = NULL;
    s->errors = NULL;
    s->base_error = VAL_UNDEF_V;
    obj_decref(rt, items);
    obj_decref(rt, errors);
    val_decref(rt, base);
}

static SyncObj *sync_new(Vm *vm, const ObjType *t, SyncKind k)
{
    SyncObj *s = (SyncObj *)obj_alloc(&vm->rt, t, sizeof(SyncObj));
    if (!s)
        return NULL;
    s->vm = vm;
    s->kind = k;
    s->base_error = VAL_UNDEF_V;
    s->when = INT64_MIN;
    s->bound = -1;
    return s;
}

#define METHOD(name) static RtStatus name(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
#define SELF ((SyncObj *)self.u.o)

static RtStatus noargs(Rt *rt, const char *name, const Value *a, size_t n, Tuple *kw)
{
    return rt_parse_args(rt, name, "", a, n, kw, NULL);
}

static RtStatus aexit_args(Rt *rt, const Value *a, size_t n, Tuple *kw, Value *v)
{
    return rt_parse_args(rt, "__aexit__", "exc_type,exc,tb", a, n, kw, v);
}

/* ------------------------------------------------------------ Lock, Semaphore */

static bool all_cancelled(const FutVec *fv)
{
    for (size_t i = 0; i < fv->n; i++)
        if (!future_cancelled(fv->v[i]))
            return false;
    return true;
}

/* Semaphore.locked(): no unit left, or someone not cancelled in line. */
static bool sem_locked(const SyncObj *s)
{
    return s->value == 0 || !all_cancelled(&s->waiters);
}

/* Lock._wake_up_first: only the first waiter, and only if not done yet. */
static void lock_wake_first(SyncObj *s)
{
    if (s->waiters.n && !future_done(s->waiters.v[0]))
        set_result(s->vm, s->waiters.v[0], val_bool(true));
}

/* Semaphore._wake_up_next: the unit goes to the first waiter not done. */
static void sem_wake_next(SyncObj *s)
{
    for (size_t i = 0; i < s->waiters.n; i++)
        if (!future_done(s->waiters.v[i])) {
            s->value--;
            set_result(s->vm, s->waiters.v[i], val_bool(true));
            return;
        }
}

static CoroStatus acquire_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    SyncObj *s = (SyncObj *)co->obj.u.o;
    Vm *vm = s->vm;
    bool lock = s->kind == SK_LOCK;
    if (co->state == 0) {
        if (how == CORO_THROW)
            return co_rethrow(vm, in, out);
        co->state = 2;
        if (lock ? !s->value && all_cancelled(&s->waiters) : !sem_locked(s)) {
            if (lock)
                s->value = 1;
            else
                s->value--;
            return co_return(vm, val_bool(true), out);
        }
        return co_wait_in(co, vm, &s->waiters, out);
    }
    Future *w = co_leave_line(co, &s->waiters);
    bool fut_cancelled = future_cancelled(w);
    future_release(w);
    if (how == CORO_THROW) {
        if (host_is_cancelled(&vm->host, in)) {
            if (lock && !s->value) {
                lock_wake_first(s);
            } else if (!lock && !fut_cancelled) {
                /* woken (given a unit), then cancelled: pass the unit on */
                s->value++;
                sem_wake_next(s);
            }
        }
        return co_rethrow(vm, in, out);
    }
    if (lock)
        s->value = 1;
    else if (s->value > 0)
        sem_wake_next(s);
    return co_return(vm, val_bool(true), out);
}

/* `async with lock:` awaits __aenter__: acquire, then None (the `as`
 * value), as _ContextManagerMixin does. */
static CoroStatus aenter_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    CoroStatus cs = acquire_step(co, task, how, in, out);
    if (cs == CORO_RETURN) {
        host_release(&co->vm->host, *out);
        *out = NULL;
    }
    return cs;
}

static RtStatus release(SyncObj *s)
{
    Rt *rt = RT(s);
    if (s->kind == SK_LOCK) {
        if (!s->value)
            return rt_raise_id(rt, CLS_RuntimeError, "Lock is not acquired.");
        s->value = 0;
        lock_wake_first(s);
        return RT_OK;
    }
    if (s->bound >= 0 && s->value >= s->bound)
        return rt_raise_id(rt, CLS_ValueError, "BoundedSemaphore released too many times");
    s->value++;
    sem_wake_next(s);
    return RT_OK;
}

static CoroStatus aexit_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    SyncObj *s = (SyncObj *)co->obj.u.o;
    if (how == CORO_THROW)
        return co_rethrow(s->vm, in, out);
    co->state = 2;
    if (release(s) != RT_OK)
        return co_raise_pending(s->vm, out);
    *out = NULL;
    return CORO_RETURN;
}

METHOD(lock_acquire)
{
    if (noargs(rt, "acquire", a, n, kw) != RT_OK)
        return RT_ERR;
    const char *name = SELF->kind == SK_LOCK ? "Lock.acquire" : "Semaphore.acquire";
    return sync_coro(rt, self, name, acquire_step, VAL_NONE_V, out) ? RT_OK : RT_ERR;
}

METHOD(lock_release)
{
    if (noargs(rt, "release", a, n, kw) != RT_OK)
        return RT_ERR;
    if (release(SELF) != RT_OK) {
        static const VmStdlibFrame lock_at[] = {VM_TB_LOCKS_140}, sem_at[] = {VM_TB_LOCKS_434};
        return vm_raise_from_stdlib(SELF->vm, SELF->kind == SK_LOCK ? lock_at : sem_at, 1, NULL, 0);
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

METHOD(lock_locked)
{
    if (noargs(rt, "locked", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *s = SELF;
    *out = val_bool(s->kind == SK_LOCK ? s->value != 0 : sem_locked(s));
    return RT_OK;
}

METHOD(lock_aenter)
{
    if (noargs(rt, "__aenter__", a, n, kw) != RT_OK)
        return RT_ERR;
    return sync_coro(rt, self, "_ContextManagerMixin.__aenter__", aenter_step, VAL_NONE_V, out) ? RT_OK : RT_ERR;
}

METHOD(lock_aexit)
{
    Value v[3];
    if (aexit_args(rt, a, n, kw, v) != RT_OK)
        return RT_ERR;
    return sync_coro(rt, self, "_ContextManagerMixin.__aexit__", aexit_step, VAL_NONE_V, out) ? RT_OK : RT_ERR;
}

/* Queue._format(): maxsize=N[ _queue=[...]][ _getters[N]][ _putters[N]][ tasks=N] */
static RtStatus queue_format(Rt *rt, SyncObj *s, StrBuf *sb)
{
    sb_printf(sb, "maxsize=%lld", (long long)s->value);
    if (s->items->len) {
        sb_puts(sb, " _queue=");
        if (obj_repr_sb(rt, val_obj(&s->items->hdr), sb) != RT_OK)
            return RT_ERR;
    }
    if (s->waiters.n)
        sb_printf(sb, " _getters[%zu]", s->waiters.n);
    if (s->putters.n)
        sb_printf(sb, " _putters[%zu]", s->putters.n);
    if (s->unfinished)
        sb_printf(sb, " tasks=%lld", (long long)s->unfinished);
    return RT_OK;
}

static RtStatus sync_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    SyncObj *s = (SyncObj *)o;
    /* CPython's reprs: [locked|unlocked[, value:N]][, waiters:N], N counting
     * every future still in the line (woken and cancelled ones included). */
    char w[40] = "";
    if (s->waiters.n)
        snprintf(w, sizeof w, ", waiters:%zu", s->waiters.n);
    switch (s->kind) {
    case SK_LOCK:
        sb_printf(sb, "<asyncio.locks.Lock object at %p [%s%s]>", (void *)o, s->value ? "locked" : "unlocked", w);
        break;
    case SK_SEM:
        sb_printf(sb, "<asyncio.locks.%s object at %p [", o->type->name, (void *)o);
        if (sem_locked(s))
            sb_printf(sb, "locked%s]>", w);
        else
            sb_printf(sb, "unlocked, value:%lld%s]>", (long long)s->value, w);
        break;
    case SK_EVENT:
        sb_printf(sb, "<asyncio.locks.Event object at %p [%s%s]>", (void *)o, s->value ? "set" : "unset", w);
        break;
    case SK_QUEUE:
        sb_printf(sb, "<Queue at %p ", (void *)o);
        if (queue_format(rt, s, sb) != RT_OK)
            return RT_ERR;
        sb_putc(sb, '>');
        break;
    default:
        sb_printf(sb, "<%s object at %p>", o->type->name, (void *)o);
        break;
    }
    return RT_OK;
}

static RtStatus queue_str(Rt *rt, Obj *o, StrBuf *sb)
{
    sb_puts(sb, "<Queue ");
    if (queue_format(rt, (SyncObj *)o, sb) != RT_OK)
        return RT_ERR;
    sb_putc(sb, '>');
    return RT_OK;
}

static const MethodDef lock_methods[] = {
    {"acquire", lock_acquire}, {"release", lock_release},   {"locked", lock_locked},
    {"__aenter__", lock_aenter}, {"__aexit__", lock_aexit}, {NULL, NULL},
};
static const ObjType lock_type = {.name = "Lock", .free = sync_free, .traverse = sync_traverse, .clear = sync_clear, .repr = sync_repr, .methods = lock_methods};
static const ObjType sem_type = {.name = "Semaphore", .free = sync_free, .traverse = sync_traverse, .clear = sync_clear, .repr = sync_repr, .methods = lock_methods};
static const ObjType bsem_type = {
    .name = "BoundedSemaphore", .free = sync_free, .traverse = sync_traverse, .clear = sync_clear, .repr = sync_repr, .methods = lock_methods};

static RtStatus f_lock(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (noargs(rt, "Lock", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *s = sync_new(vm_of(rt), &lock_type, SK_LOCK);
    if (!s)
        return RT_ERR;
    *out = val_obj(&s->hdr);
    return RT_OK;
}

static RtStatus new_semaphore(Rt *rt, bool bounded, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Value v[1];
    if (rt_parse_args(rt, bounded ? "BoundedSemaphore" : "Semaphore", "|value", a, n, kw, v) != RT_OK)
        return RT_ERR;
    int64_t val = 1;
    if (!val_is_undef(v[0])) {
        if (v[0].tag != VAL_INT)
            return rt_raise_id(rt, CLS_TypeError, "'<' not supported between instances of '%s' and 'int'",
                               obj_type_name(rt, v[0]));
        val = v[0].u.i;
        if (val < 0) {
            rt_raise_id(rt, CLS_ValueError, "Semaphore initial value must be >= 0");
            static const VmStdlibFrame at[] = {VM_TB_LOCKS_348};
            return vm_raise_from_stdlib(vm_of(rt), at, 1, NULL, 0);
        }
    }
    SyncObj *s = sync_new(vm_of(rt), bounded ? &bsem_type : &sem_type, SK_SEM);
    if (!s)
        return RT_ERR;
    s->value = val;
    s->bound = bounded ? val : -1;
    *out = val_obj(&s->hdr);
    return RT_OK;
}

static RtStatus f_semaphore(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    return new_semaphore(rt, false, a, n, kw, out);
}

static RtStatus f_bounded_semaphore(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    return new_semaphore(rt, true, a, n, kw, out);
}

/* ------------------------------------------------------------ Event */

/* Event.wait() and Queue.join() (which awaits its _finished Event): wait
 * until set, then True (join: None). */
static CoroStatus flag_wait_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    SyncObj *s = (SyncObj *)co->obj.u.o;
    Vm *vm = s->vm;
    bool event = s->kind == SK_EVENT;
    FutVec *line = event ? &s->waiters : &s->joiners;
    if (co->state == 0) {
        if (how == CORO_THROW)
            return co_rethrow(vm, in, out);
        co->state = 2;
        if (event ? s->value != 0 : s->unfinished == 0)
            return co_return(vm, event ? val_bool(true) : VAL_NONE_V, out);
        return co_wait_in(co, vm, line, out);
    }
    future_release(co_leave_line(co, line));
    if (how == CORO_THROW)
        return co_rethrow(vm, in, out);
    return co_return(vm, event ? val_bool(true) : VAL_NONE_V, out);
}

/* Completes every future of the line not done yet; each waiter takes its
 * own out when it runs. */
static void wake_all(Vm *vm, FutVec *line)
{
    for (size_t i = 0; i < line->n; i++)
        if (!future_done(line->v[i]))
            set_result(vm, line->v[i], val_bool(true));
}

METHOD(event_wait)
{
    if (noargs(rt, "wait", a, n, kw) != RT_OK)
        return RT_ERR;
    return sync_coro(rt, self, "Event.wait", flag_wait_step, VAL_NONE_V, out) ? RT_OK : RT_ERR;
}

METHOD(event_set)
{
    if (noargs(rt, "set", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *s = SELF;
    if (!s->value) {
        s->value = 1;
        wake_all(s->vm, &s->waiters);
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

METHOD(event_clear)
{
    if (noargs(rt, "clear", a, n, kw) != RT_OK)
        return RT_ERR;
    SELF->value = 0;
    *out = VAL_NONE_V;
    return RT_OK;
}

METHOD(event_is_set)
{
    if (noargs(rt, "is_set", a, n, kw) != RT_OK)
        return RT_ERR;
    *out = val_bool(SELF->value != 0);
    return RT_OK;
}

static const MethodDef event_methods[] = {
    {"wait", event_wait}, {"set", event_set}, {"clear", event_clear}, {"is_set", event_is_set}, {NULL, NULL},
};
static const ObjType event_type = {.name = "Event", .free = sync_free, .traverse = sync_traverse, .clear = sync_clear, .repr = sync_repr, .methods = event_methods};

static RtStatus f_event(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (noargs(rt, "Event", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *s = sync_new(vm_of(rt), &event_type, SK_EVENT);
    if (!s)
        return RT_ERR;
    *out = val_obj(&s->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ Queue */

static bool q_full(SyncObj *s)
{
    return s->value > 0 && (int64_t)s->items->len >= s->value;
}

static void wake_next(Vm *vm, FutVec *fv)
{
    Future *f = fv_first_pending(fv);
    if (f) {
        set_result(vm, f, VAL_NONE_V);
        fv_remove_at(fv, 0);
    }
}

static RtStatus q_put_nowait(SyncObj *s, Value item)
{
    Rt *rt = RT(s);
    if (q_full(s))
        return rt_raise_value(rt, val_obj(&rt->cls[CLS_QueueFull]->hdr)); /* QueueFull() */
    if (list_append(rt, s->items, item) != RT_OK)
        return RT_ERR;
    s->unfinished++;
    wake_next(s->vm, &s->waiters);
    return RT_OK;
}

static RtStatus q_get_nowait(SyncObj *s, Value *out)
{
    Rt *rt = RT(s);
    if (s->items->len == 0)
        return rt_raise_value(rt, val_obj(&rt->cls[CLS_QueueEmpty]->hdr)); /* QueueEmpty() */
    List *l = s->items;
    *out = l->items[0];
    memmove(l->items, l->items + 1, (l->len - 1) * sizeof *l->items);
    l->len--;
    wake_next(s->vm, &s->putters);
    return RT_OK;
}

METHOD(q_put_nowait_m)
{
    Value v[1];
    if (rt_parse_args(rt, "put_nowait", "item", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (q_put_nowait(SELF, v[0]) != RT_OK) {
        static const VmStdlibFrame at[] = {VM_TB_QUEUES_143};
        return vm_raise_from_stdlib(SELF->vm, at, 1, v, 1);
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

METHOD(q_get_nowait_m)
{
    if (noargs(rt, "get_nowait", a, n, kw) != RT_OK)
        return RT_ERR;
    if (q_get_nowait(SELF, out) != RT_OK) {
        static const VmStdlibFrame at[] = {VM_TB_QUEUES_181};
        return vm_raise_from_stdlib(SELF->vm, at, 1, NULL, 0);
    }
    return RT_OK;
}

/* Queue.get() / put(): while the queue is empty (full), wait on a new
 * getter (putter) future; on cancellation leave the line and pass the
 * wake-up on if the item is still there. */
static CoroStatus q_wait_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out, bool is_get)
{
    (void)task;
    SyncObj *s = (SyncObj *)co->obj.u.o;
    Vm *vm = s->vm;
    Rt *rt = &vm->rt;
    FutVec *line = is_get ? &s->waiters : &s->putters;
    if (co->state == 1) {
        Future *w = co->fut;
        co->fut = NULL;
        if (how == CORO_THROW) {
            future_cancel(w, NULL);
            fv_remove(line, w);
            bool go_on = is_get ? s->items->len > 0 : !q_full(s);
            if (go_on && !future_cancelled(w))
                wake_next(vm, line);
            future_release(w);
            host_retain(&vm->host, in);
            *out = in;
            return CORO_RAISE;
        }
        future_release(w);
    }
    if (how == CORO_THROW) {
        host_retain(&vm->host, in);
        *out = in;
        return CORO_RAISE;
    }
    for (;;) {
        bool wait = is_get ? s->items->len == 0 : q_full(s);
        if (!wait)
            break;
        Future *w = future_new(vm->loop);
        if (!w || fv_push(vm, line, w) < 0) {
            if (w)
                future_release(w);
            rt_no_memory(rt);
            break;
        }
        co->fut = w;
        co->state = 1;
        *out = w;
        return CORO_SUSPEND;
    }
    co->state = 2;
    if (!rt_has_exc(rt)) {
        Value r = VAL_NONE_V;
        if ((is_get ? q_get_nowait(s, &r) : q_put_nowait(s, co->arg)) == RT_OK) {
            *out = vm_to_host(vm, r);
            val_decref(rt, r);
            return CORO_RETURN;
        }
    }
    Value e = rt_fetch_exc(rt);
    *out = vm_to_host(vm, e);
    val_decref(rt, e);
    return CORO_RAISE;
}

static CoroStatus q_get_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    return q_wait_step(co, task, how, in, out, true);
}

static CoroStatus q_put_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    return q_wait_step(co, task, how, in, out, false);
}

METHOD(q_get)
{
    if (noargs(rt, "get", a, n, kw) != RT_OK)
        return RT_ERR;
    NcoObj *co = nco_custom_new(SELF->vm, "Queue.get", q_get_step, self, VAL_NONE_V);
    if (!co)
        return RT_ERR;
    *out = val_obj(&co->hdr);
    return RT_OK;
}

METHOD(q_put)
{
    Value v[1];
    if (rt_parse_args(rt, "put", "item", a, n, kw, v) != RT_OK)
        return RT_ERR;
    NcoObj *co = nco_custom_new(SELF->vm, "Queue.put", q_put_step, self, v[0]);
    if (!co)
        return RT_ERR;
    *out = val_obj(&co->hdr);
    return RT_OK;
}

METHOD(q_qsize)
{
    if (noargs(rt, "qsize", a, n, kw) != RT_OK)
        return RT_ERR;
    *out = val_int((int64_t)SELF->items->len);
    return RT_OK;
}

METHOD(q_empty)
{
    if (noargs(rt, "empty", a, n, kw) != RT_OK)
        return RT_ERR;
    *out = val_bool(SELF->items->len == 0);
    return RT_OK;
}

METHOD(q_full_m)
{
    if (noargs(rt, "full", a, n, kw) != RT_OK)
        return RT_ERR;
    *out = val_bool(q_full(SELF));
    return RT_OK;
}

METHOD(q_task_done)
{
    if (noargs(rt, "task_done", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *s = SELF;
    if (s->unfinished <= 0) {
        rt_raise_id(rt, CLS_ValueError, "task_done() called too many times");
        static const VmStdlibFrame at[] = {VM_TB_QUEUES_201};
        return vm_raise_from_stdlib(s->vm, at, 1, NULL, 0);
    }
    if (--s->unfinished == 0)
        wake_all(s->vm, &s->joiners);
    *out = VAL_NONE_V;
    return RT_OK;
}

METHOD(q_join)
{
    if (noargs(rt, "join", a, n, kw) != RT_OK)
        return RT_ERR;
    return sync_coro(rt, self, "Queue.join", flag_wait_step, VAL_NONE_V, out) ? RT_OK : RT_ERR;
}

static RtStatus q_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    (void)rt;
    if (str_eq_cstr(name, "maxsize")) {
        *out = val_int(((SyncObj *)o)->value);
        return RT_OK;
    }
    return RT_STOP;
}

static const MethodDef queue_methods[] = {
    {"put", q_put},     {"get", q_get},          {"put_nowait", q_put_nowait_m}, {"get_nowait", q_get_nowait_m},
    {"qsize", q_qsize}, {"empty", q_empty},      {"full", q_full_m},             {"task_done", q_task_done},
    {"join", q_join},   {NULL, NULL},
};
static const ObjType queue_type = {.name = "Queue",
                                   .free = sync_free, .traverse = sync_traverse, .clear = sync_clear,
                                   .repr = sync_repr,
                                   .str = queue_str,
                                   .getattr = q_getattr,
                                   .methods = queue_methods};

static RtStatus f_queue(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "Queue", "|maxsize", a, n, kw, v) != RT_OK)
        return RT_ERR;
    SyncObj *s = sync_new(vm_of(rt), &queue_type, SK_QUEUE);
    if (!s)
        return RT_ERR;
    if (!val_is_undef(v[0]) && v[0].tag == VAL_INT)
        s->value = v[0].u.i;
    s->items = list_new(rt, 0);
    if (!s->items) {
        obj_decref(rt, &s->hdr);
        return RT_ERR;
    }
    *out = val_obj(&s->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ TaskGroup */

static bool is_base_error(Rt *rt, Value e)
{
    return val_is_exc(e) && !obj_isinstance(rt, e, rt->cls[CLS_Exception]);
}

static void tg_abort(SyncObj *g)
{
    g->aborting = true;
    for (size_t i = 0; i < g->tasks.n; i++)
        if (!future_done(g->tasks.v[i]))
            future_cancel(g->tasks.v[i], NULL);
}

static void tg_on_done(Loop *loop, void *data, void *arg)
{
    (void)loop;
    SyncObj *g = data;
    Vm *vm = g->vm;
    Rt *rt = &vm->rt;
    Future *f = arg;
    fv_remove(&g->tasks, f);
    if (g->on_completed && g->tasks.n == 0 && !future_done(g->on_completed))
        set_result(vm, g->on_completed, val_bool(true));
    if (!future_cancelled(f) && future_state(f) == FUTURE_EXCEPTION) {
        Value e = vm_from_host(vm, future_exception(f));
        if (g->errors && list_append(rt, g->errors, e) != RT_OK)
            rt_clear_exc(rt);
        if (is_base_error(rt, e) && val_is_undef(g->base_error))
            g->base_error = val_incref(e);
        val_decref(rt, e);
        if (!g->aborting && !g->parent_cancel_requested && g->parent && !future_done(task_future(g->parent))) {
            tg_abort(g);
            g->parent_cancel_requested = true;
            task_cancel(g->parent, NULL);
        }
    }
    obj_decref(rt, &g->hdr);
}

const char *mod_aiosync_cb_name(LoopFn fn)
{
    return fn == tg_on_done ? "TaskGroup._on_task_done() at <stdlib>/asyncio/taskgroups.py:184" : NULL;
}

METHOD(tg_aenter)
{
    if (noargs(rt, "__aenter__", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *g = SELF;
    Vm *vm = g->vm;
    if (g->entered)
        return rt_raise_id(rt, CLS_RuntimeError, "TaskGroup %R has already been entered", self);
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    Task *t = loop_current_task(vm->loop);
    if (!t)
        return rt_raise_id(rt, CLS_RuntimeError, "TaskGroup %R cannot determine the parent task", self);
    g->entered = true;
    g->parent = t;
    task_retain(t);
    return done_awaitable(vm, self, out);
}

METHOD(tg_create_task)
{
    SyncObj *g = SELF;
    Vm *vm = g->vm;
    Value v[3];
    if (rt_parse_args(rt, "create_task", "coro|$name,context", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (!g->entered)
        return rt_raise_id(rt, CLS_RuntimeError, "TaskGroup %R has not been entered", self);
    if (g->exiting && g->tasks.n == 0)
        return rt_raise_id(rt, CLS_RuntimeError, "TaskGroup %R is finished", self);
    if (g->aborting)
        return rt_raise_id(rt, CLS_RuntimeError, "TaskGroup %R is shutting down", self);
    if (!vm_is_coroutine(v[0]))
        return rt_raise_id(rt, CLS_TypeError, "a coroutine was expected, got %R", v[0]);
    Task *t = vm_new_task(vm, v[0], NULL);
    if (!t)
        return RT_ERR;
    if (!val_is_undef(v[1]) && !val_is_none(v[1])) {
        Value s;
        if (obj_str(rt, v[1], &s) == RT_OK) {
            task_set_name(t, val_str(s)->data);
            val_decref(rt, s);
        } else {
            rt_clear_exc(rt);
        }
    }
    if (fv_push(vm, &g->tasks, task_future(t)) < 0 ||
        future_add_callback(task_future(t), tg_on_done, g) < 0) {
        task_release(t);
        return rt_no_memory(rt);
    }
    obj_incref(&g->hdr); /* held by the done-callback */
    FutObj *h = vm_fut_wrap(vm, task_future(t));
    task_release(t);
    if (!h)
        return RT_ERR;
    *out = val_obj(&h->hdr);
    return RT_OK;
}

static CoroStatus raise_value(Vm *vm, Value e, void **out)
{
    *out = vm_to_host(vm, e);
    return CORO_RAISE;
}

/* __aexit__: co->arg is the exception of the block (or None), co->result
 * the CancelledError to propagate (or None). */
static CoroStatus tg_exit_step(NcoObj *co, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    SyncObj *g = (SyncObj *)co->obj.u.o;
    Vm *vm = g->vm;
    Rt *rt = &vm->rt;
    Value exc = co->arg;
    if (co->state == 0) {
        g->exiting = true;
        if (!val_is_none(exc) && is_base_error(rt, exc) && val_is_undef(g->base_error))
            g->base_error = val_incref(exc);
        bool exc_cancel = val_is_exc(exc) && obj_isinstance(rt, exc, rt->cls[CLS_CancelledError]);
        val_decref(rt, co->result);
        co->result = exc_cancel ? val_incref(exc) : VAL_NONE_V;
        if (g->parent_cancel_requested && task_uncancel(g->parent) == 0) {
            val_decref(rt, co->result);
            co->result = VAL_NONE_V;
        }
        if (!val_is_none(exc) && !g->aborting)
            tg_abort(g);
        co->state = 1;
    } else if (co->state == 2) {
        /* Woken (or cancelled) while waiting for the children. */
        if (how == CORO_THROW && host_is_cancelled(&vm->host, in) && !g->aborting) {
            val_decref(rt, co->result);
            co->result = vm_from_host(vm, in);
            tg_abort(g);
        }
        if (g->on_completed) {
            future_release(g->on_completed);
            g->on_completed = NULL;
        }
        co->state = 1;
    }
    if (g->tasks.n) {
        if (!g->on_completed) {
            g->on_completed = future_new(vm->loop);
            if (!g->on_completed)
                return raise_value(vm, val_obj(&rt->memory_error->hdr), out);
        }
        co->state = 2;
        *out = g->on_completed;
        return CORO_SUSPEND;
    }
    co->state = 3;
    if (!val_is_undef(g->base_error))
        return raise_value(vm, g->base_error, out);
    size_t nerr = g->errors ? g->errors->len : 0;
    if (!val_is_none(co->result) && nerr == 0)
        return raise_value(vm, co->result, out);
    if (!val_is_none(exc) && !obj_isinstance(rt, exc, rt->cls[CLS_CancelledError])) {
        if (list_append(rt, g->errors, exc) != RT_OK)
            rt_clear_exc(rt);
        nerr = g->errors->len;
    }
    if (nerr) {
        bool all_exc = true;
        for (size_t i = 0; i < nerr; i++)
            if (!obj_isinstance(rt, g->errors->items[i], rt->cls[CLS_Exception]))
                all_exc = false;
        Value args[2], me;
        if (str_value(rt, "unhandled errors in a TaskGroup", 31, &args[0]) != RT_OK) {
            rt_clear_exc(rt);
            return raise_value(vm, val_obj(&rt->memory_error->hdr), out);
        }
        args[1] = val_obj(&g->errors->hdr);
        RtStatus st = exc_new(rt, rt->cls[all_exc ? CLS_ExceptionGroup : CLS_BaseExceptionGroup], args, 2, &me);
        val_decref(rt, args[0]);
        obj_decref(rt, &g->errors->hdr);
        g->errors = list_new(rt, 0);
        if (st != RT_OK) {
            Value e = rt_fetch_exc(rt);
            CoroStatus cs = raise_value(vm, e, out);
            val_decref(rt, e);
            return cs;
        }
        Exc *x = (Exc *)me.u.o;
        x->suppress_context = true; /* raise me from None */
        vm_tb_prepend_stdlib(vm, me, VM_TB_TASKGROUPS_145);
        CoroStatus cs = raise_value(vm, me, out);
        val_decref(rt, me);
        return cs;
    }
    *out = NULL;
    return CORO_RETURN;
}

METHOD(tg_aexit)
{
    Value v[3];
    if (aexit_args(rt, a, n, kw, v) != RT_OK)
        return RT_ERR;
    NcoObj *co = nco_custom_new(SELF->vm, "TaskGroup.__aexit__", tg_exit_step, self, v[1]);
    if (!co)
        return RT_ERR;
    *out = val_obj(&co->hdr);
    return RT_OK;
}

static RtStatus tg_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    SyncObj *g = (SyncObj *)o;
    sb_puts(sb, "<TaskGroup");
    if (g->tasks.n)
        sb_printf(sb, " tasks=%zu", g->tasks.n);
    if (g->errors && g->errors->len)
        sb_printf(sb, " errors=%zu", g->errors->len);
    if (g->aborting)
        sb_puts(sb, " cancelling");
    else if (g->entered)
        sb_puts(sb, " entered");
    sb_putc(sb, '>');
    return RT_OK;
}

static const MethodDef tg_methods[] = {
    {"__aenter__", tg_aenter}, {"__aexit__", tg_aexit}, {"create_task", tg_create_task}, {NULL, NULL},
};
static const ObjType tg_type = {.name = "TaskGroup", .free = sync_free, .traverse = sync_traverse, .clear = sync_clear, .repr = tg_repr, .methods = tg_methods};

static RtStatus f_taskgroup(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (noargs(rt, "TaskGroup", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *g = sync_new(vm_of(rt), &tg_type, SK_TG);
    if (!g)
        return RT_ERR;
    g->errors = list_new(rt, 0);
    if (!g->errors) {
        obj_decref(rt, &g->hdr);
        return RT_ERR;
    }
    *out = val_obj(&g->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ timeout */

static void to_fire(Loop *loop, void *data, void *arg)
{
    (void)loop;
    (void)arg;
    SyncObj *t = data;
    t->timer = NULL;
    if (t->task && t->tstate == 1) {
        task_cancel(t->task, NULL);
        t->tstate = 2;
    }
    obj_decref(&t->vm->rt, &t->hdr);
}

static void to_unschedule(SyncObj *t)
{
    if (t->timer) {
        loop_timer_cancel(t->vm->loop, t->timer);
        t->timer = NULL;
        obj_decref(&t->vm->rt, &t->hdr);
    }
}

static RtStatus to_schedule(SyncObj *t)
{
    Vm *vm = t->vm;
    to_unschedule(t);
    if (t->when == INT64_MIN || t->tstate != 1)
        return RT_OK;
    int64_t now = loop_time(vm->loop);
    t->timer = loop_call_at(vm->loop, t->when <= now ? now : t->when, to_fire, t, NULL);
    if (!t->timer)
        return rt_no_memory(&vm->rt);
    obj_incref(&t->hdr);
    return RT_OK;
}

METHOD(to_aenter)
{
    if (noargs(rt, "__aenter__", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *t = SELF;
    Vm *vm = t->vm;
    if (t->tstate != 0)
        return rt_raise_id(rt, CLS_RuntimeError, "Timeout has already been entered");
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    Task *task = loop_current_task(vm->loop);
    if (!task)
        return rt_raise_id(rt, CLS_RuntimeError, "Timeout should be used inside a task");
    t->task = task;
    task_retain(task);
    t->tstate = 1;
    if (to_schedule(t) != RT_OK)
        return RT_ERR;
    return done_awaitable(vm, self, out);
}

METHOD(to_aexit)
{
    Value v[3];
    if (aexit_args(rt, a, n, kw, v) != RT_OK)
        return RT_ERR;
    SyncObj *t = SELF;
    to_unschedule(t);
    if (t->tstate == 2) {
        t->tstate = 3;
        bool cancelled = val_is_exc(v[1]) && obj_isinstance(rt, v[1], rt->cls[CLS_CancelledError]);
        if (task_uncancel(t->task) <= 0 && cancelled) {
            Value e;
            if (exc_new(rt, rt->cls[CLS_TimeoutError], NULL, 0, &e) != RT_OK)
                return RT_ERR;
            Exc *x = (Exc *)e.u.o;
            val_decref(rt, x->cause);
            x->cause = val_incref(v[1]);
            x->suppress_context = true;
            vm_tb_prepend_stdlib(t->vm, e, VM_TB_TIMEOUTS_115);
            rt_raise_value(rt, e);
            val_decref(rt, e);
            return RT_ERR;
        }
    } else if (t->tstate == 1) {
        t->tstate = 4;
    }
    return done_awaitable(t->vm, VAL_NONE_V, out);
}

METHOD(to_when)
{
    if (noargs(rt, "when", a, n, kw) != RT_OK)
        return RT_ERR;
    SyncObj *t = SELF;
    *out = t->when == INT64_MIN ? VAL_NONE_V : val_float((double)t->when / 1e9);
    return RT_OK;
}

static RtStatus when_arg(Rt *rt, Value v, int64_t *out)
{
    if (val_is_none(v) || val_is_undef(v))
        *out = INT64_MIN;
    else if (v.tag == VAL_INT)
        *out = loop_ns_from_seconds((double)v.u.i);
    else if (v.tag == VAL_FLOAT)
        *out = loop_ns_from_seconds(v.u.f);
    else
        return rt_raise_id(rt, CLS_TypeError, "'<=' not supported between instances of '%s' and 'float'",
                           obj_type_name(rt, v));
    return RT_OK;
}

METHOD(to_reschedule)
{
    Value v[1];
    if (rt_parse_args(rt, "reschedule", "when", a, n, kw, v) != RT_OK)
        return RT_ERR;
    SyncObj *t = SELF;
    if (when_arg(rt, v[0], &t->when) != RT_OK || to_schedule(t) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

METHOD(to_expired)
{
    if (noargs(rt, "expired", a, n, kw) != RT_OK)
        return RT_ERR;
    *out = val_bool(SELF->tstate == 2 || SELF->tstate == 3);
    return RT_OK;
}

static const MethodDef to_methods[] = {
    {"__aenter__", to_aenter}, {"__aexit__", to_aexit}, {"when", to_when},
    {"reschedule", to_reschedule}, {"expired", to_expired}, {NULL, NULL},
};
static const ObjType to_type = {.name = "Timeout", .free = sync_free, .traverse = sync_traverse, .clear = sync_clear, .repr = sync_repr, .methods = to_methods};

static RtStatus make_timeout(Rt *rt, int64_t when, Value *out)
{
    SyncObj *t = sync_new(vm_of(rt), &to_type, SK_TIMEOUT);
    if (!t)
        return RT_ERR;
    t->when = when;
    *out = val_obj(&t->hdr);
    return RT_OK;
}

static RtStatus f_timeout(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[1];
    int64_t d;
    if (rt_parse_args(rt, "timeout", "delay", a, n, kw, v) != RT_OK || when_arg(rt, v[0], &d) != RT_OK ||
        need_loop(vm) != RT_OK)
        return RT_ERR;
    return make_timeout(rt, d == INT64_MIN ? d : loop_time(vm->loop) + d, out);
}

static RtStatus f_timeout_at(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    int64_t w;
    if (rt_parse_args(rt, "timeout_at", "when", a, n, kw, v) != RT_OK || when_arg(rt, v[0], &w) != RT_OK)
        return RT_ERR;
    return make_timeout(rt, w, out);
}

/* ------------------------------------------------------------ module */

RtStatus mod_aiosync_init(Vm *vm, Module *m)
{
    Rt *rt = &vm->rt;
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        {"Lock", f_lock},   {"Semaphore", f_semaphore}, {"BoundedSemaphore", f_bounded_semaphore},
        {"Event", f_event}, {"Queue", f_queue},         {"TaskGroup", f_taskgroup},
        {"timeout", f_timeout}, {"timeout_at", f_timeout_at},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (module_add_native(rt, m, fns[i].name, fns[i].fn, vm) != RT_OK)
            return RT_ERR;
    return RT_OK;
}
