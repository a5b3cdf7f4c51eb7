/* mod_asyncio_flow: asyncio.wait, as_completed and shield (3.11), written
 * after CPython's asyncio/tasks.py on engine futures and done-callbacks.
 *
 * - wait(fs, timeout=None, return_when=ALL_COMPLETED) is a coroutine: its
 *   checks run when it is awaited; it always suspends at least once (the
 *   done-callbacks and the waiter each take an iteration, as CPython's
 *   _wait); it returns (done, pending) as two sets.
 * - as_completed(fs, timeout=None) is a generator: the first next() wraps
 *   coroutines in tasks and registers the callbacks; each item is a
 *   `_wait_for_one()` coroutine reading CPython's internal Queue of
 *   completed futures.
 * - shield(x) returns a Future `outer` tied to x by two callbacks: cancelling
 *   outer does not cancel x.
 *
 * CPython keeps `fs` in a set, so the order of the tasks that as_completed
 * creates and of the items of wait's done/pending sets follows memory
 * addresses there. Here it is the order of the arguments (creation order).
 * The sets are a small read-only kind named "set" (len, iteration, `in`,
 * repr): the lesson language has no set type of its own.
 */
#include <string.h>

#include "engine/lang/vm.h"
#include "engine/nco.h"

/* ------------------------------------------------------------ a read-only set */

typedef struct SetObj {
    Obj hdr;
    List *items; /* owned */
} SetObj;

static void set_free(Rt *rt, Obj *o)
{
    obj_decref(rt, &((SetObj *)o)->items->hdr);
    obj_release(rt, o, sizeof(SetObj));
}

static RtStatus set_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    List *l = ((SetObj *)o)->items;
    if (l->len == 0) {
        sb_puts(sb, "set()");
        return RT_OK;
    }
    sb_putc(sb, '{');
    for (size_t i = 0; i < l->len; i++) {
        if (i)
            sb_puts(sb, ", ");
        if (obj_repr_sb(rt, l->items[i], sb) != RT_OK)
            return RT_ERR;
    }
    sb_putc(sb, '}');
    return RT_OK;
}

static RtStatus set_iter(Rt *rt, Obj *o, Value *out)
{
    return obj_iter(rt, val_obj(&((SetObj *)o)->items->hdr), out);
}

static RtStatus set_len(Rt *rt, Obj *o, int64_t *out)
{
    (void)rt;
    *out = (int64_t)((SetObj *)o)->items->len;
    return RT_OK;
}

static const ObjType set_type = {
    .name = "set", .free = set_free, .repr = set_repr, .iter = set_iter, .len = set_len, .unhashable = true};

/* Takes l. */
static Value set_wrap(Rt *rt, List *l)
{
    SetObj *s = (SetObj *)obj_alloc(rt, &set_type, sizeof(SetObj));
    if (!s) {
        obj_decref(rt, &l->hdr);
        return VAL_UNDEF_V;
    }
    s->items = l;
    return val_obj(&s->hdr);
}

/* ------------------------------------------------------------ shared state */

/* The state of one wait() or one as_completed(): an object so that the
 * done-callbacks and timers can hold references on it (each registration
 * holds one, dropped when it runs or is removed). */
typedef struct FlowState {
    Obj hdr;
    Vm *vm;
    Value args;          /* the list of awaitables given (owned) */
    Future **fs;         /* the futures, in argument order (retained) */
    size_t nfs;
    bool *registered;    /* fs[i] still carries our done-callback */
    Future *waiter;      /* wait's waiter (retained) */
    LoopTimer *timer;    /* holds a reference on the state while set */
    int64_t timeout_ns;  /* NCO_NO_TIMEOUT for None */
    int64_t counter;     /* wait: futures not done yet */
    int return_when;     /* 0 ALL_COMPLETED, 1 FIRST_COMPLETED, 2 FIRST_EXCEPTION */
    /* as_completed */
    bool started;
    size_t yields_left;
    size_t ntodo;        /* futures not completed yet (0 after the timeout) */
    Future **done;       /* the internal queue: completed futures, NULL = timeout */
    size_t dhead, dlen, dcap;
    Future **getters;    /* _wait_for_one coroutines waiting for an item */
    size_t ghead, glen, gcap;
} FlowState;

static void flow_free(Rt *rt, Obj *o)
{
    FlowState *s = (FlowState *)o;
    Vm *vm = s->vm;
    val_decref(rt, s->args);
    for (size_t i = 0; i < s->nfs; i++)
        if (s->fs[i])
            future_release(s->fs[i]);
    mem_free(vm->mem, s->fs, s->nfs * sizeof *s->fs);
    mem_free(vm->mem, s->registered, s->nfs * sizeof *s->registered);
    if (s->waiter)
        future_release(s->waiter);
    for (size_t i = s->dhead; i < s->dlen; i++)
        if (s->done[i])
            future_release(s->done[i]);
    mem_free(vm->mem, s->done, s->dcap * sizeof *s->done);
    for (size_t i = s->ghead; i < s->glen; i++)
        future_release(s->getters[i]);
    mem_free(vm->mem, s->getters, s->gcap * sizeof *s->getters);
    obj_release(rt, o, sizeof(FlowState));
}

static const ObjType flow_type = {.name = "_flow_state", .free = flow_free};

static FlowState *flow_new(Vm *vm, Value args, int64_t timeout_ns)
{
    FlowState *s = (FlowState *)obj_alloc(&vm->rt, &flow_type, sizeof(FlowState));
    if (!s)
        return NULL;
    s->vm = vm;
    s->args = val_incref(args);
    s->timeout_ns = timeout_ns;
    return s;
}

static int push_fut(Vm *vm, Future ***v, size_t *len, size_t *cap, Future *f)
{
    if (*len == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        Future **nv = mem_realloc(vm->mem, *v, *cap * sizeof *nv, nc * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    if (f)
        future_retain(f);
    (*v)[(*len)++] = f;
    return 0;
}

/* Raises the pending exception of the Rt out of a native coroutine step. */
static CoroStatus raise_pending(Vm *vm, void **out)
{
    Value e = rt_fetch_exc(&vm->rt);
    *out = vm_to_host(vm, e);
    val_decref(&vm->rt, e);
    return CORO_RAISE;
}

static CoroStatus rethrow(void *in, void **out)
{
    if (in)
        obj_incref(in);
    *out = in;
    return CORO_RAISE;
}

static RtStatus timeout_arg(Rt *rt, Value v, int64_t *ns)
{
    double d;
    if (val_is_undef(v) || val_is_none(v)) {
        *ns = NCO_NO_TIMEOUT;
        return RT_OK;
    }
    if (v.tag == VAL_INT)
        d = (double)v.u.i;
    else if (v.tag == VAL_FLOAT)
        d = v.u.f;
    else if (v.tag == VAL_BOOL)
        d = v.u.b;
    else
        return rt_raise_id(rt, CLS_TypeError, "'<=' not supported between instances of '%s' and 'int'",
                           obj_type_name(rt, v));
    *ns = d <= 0 ? 0 : loop_ns_from_seconds(d);
    return RT_OK;
}

static bool is_coroutine(Value v)
{
    return val_is_type(v, &vm_coro_type) || val_is_type(v, &vm_nco_type);
}

static bool is_future(Value v)
{
    return val_is_type(v, &vm_task_type) || val_is_type(v, &vm_future_type) || val_is_type(v, &vm_gfuture_type);
}

/* ensure_future(v) through asyncio.create_task (a coroutine becomes a task
 * and takes a Task-N number). New reference to the engine future. */
static Future *ensure_future(Vm *vm, Value v)
{
    if (is_future(v)) {
        Future *f = ((FutObj *)v.u.o)->f;
        future_retain(f);
        return f;
    }
    if (!is_coroutine(v)) {
        rt_raise_id(&vm->rt, CLS_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
        return NULL;
    }
    Value ct, t;
    Str *name = rt_intern_cstr(&vm->rt, "create_task");
    if (!name || obj_getattr(&vm->rt, val_obj(&vm->mod_asyncio->hdr), name, &ct) != RT_OK)
        return NULL;
    RtStatus st = obj_call(&vm->rt, ct, &v, 1, NULL, &t);
    val_decref(&vm->rt, ct);
    if (st != RT_OK)
        return NULL;
    Future *f = ((FutObj *)t.u.o)->f;
    future_retain(f);
    val_decref(&vm->rt, t);
    return f;
}

/* The list of the items of an iterable (new reference). */
static RtStatus to_list(Rt *rt, Value it, List **out)
{
    Value iter, x;
    if (obj_iter(rt, it, &iter) != RT_OK)
        return RT_ERR;
    List *l = list_new(rt, 0);
    if (!l) {
        val_decref(rt, iter);
        return RT_ERR;
    }
    RtStatus st;
    while ((st = obj_next(rt, iter, &x)) == RT_OK)
        if (list_append_take(rt, l, x) != RT_OK) {
            st = RT_ERR;
            break;
        }
    val_decref(rt, iter);
    if (st == RT_ERR) {
        obj_decref(rt, &l->hdr);
        return RT_ERR;
    }
    /* set(fs): a duplicate counts once. */
    for (size_t i = 0; i < l->len; i++)
        for (size_t j = i + 1; j < l->len;)
            if (l->items[j].tag == VAL_OBJ && l->items[i].tag == VAL_OBJ && l->items[j].u.o == l->items[i].u.o) {
                val_decref(rt, l->items[j]);
                memmove(l->items + j, l->items + j + 1, (l->len - j - 1) * sizeof *l->items);
                l->len--;
            } else {
                j++;
            }
    *out = l;
    return RT_OK;
}

static int add_cb(FlowState *s, Future *f, LoopFn fn)
{
    obj_incref(&s->hdr);
    if (future_add_callback(f, fn, s) < 0) {
        obj_decref(&s->vm->rt, &s->hdr);
        return -1;
    }
    return 0;
}

static void remove_cb(FlowState *s, Future *f, LoopFn fn)
{
    size_t k = future_remove_callback(f, fn, s);
    while (k--)
        obj_decref(&s->vm->rt, &s->hdr);
}

static void cancel_timer(FlowState *s)
{
    if (s->timer) {
        loop_timer_cancel(s->vm->loop, s->timer);
        s->timer = NULL;
        obj_decref(&s->vm->rt, &s->hdr);
    }
}

/* ------------------------------------------------------------ wait */

static void wait_release_waiter(Loop *loop, void *data, void *arg)
{
    (void)loop;
    (void)arg;
    FlowState *s = data;
    s->timer = NULL;
    if (s->waiter && !future_done(s->waiter))
        future_set_result(s->waiter, NULL);
    obj_decref(&s->vm->rt, &s->hdr);
}

static void wait_on_completion(Loop *loop, void *data, void *arg)
{
    (void)loop;
    FlowState *s = data;
    Future *f = arg;
    s->counter--;
    bool failed = future_state(f) == FUTURE_EXCEPTION;
    if (failed)
        (void)future_exception(f); /* f.exception() marks it retrieved */
    if (s->counter <= 0 || s->return_when == 1 || (s->return_when == 2 && failed)) {
        cancel_timer(s);
        if (s->waiter && !future_done(s->waiter))
            future_set_result(s->waiter, NULL);
    }
    obj_decref(&s->vm->rt, &s->hdr);
}

static void wait_cleanup(FlowState *s)
{
    cancel_timer(s);
    for (size_t i = 0; i < s->nfs; i++)
        remove_cb(s, s->fs[i], wait_on_completion);
}

static const char *const when_names[] = {"ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"};

static CoroStatus wait_step(NcoObj *n, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    Vm *vm = n->vm;
    Rt *rt = &vm->rt;
    FlowState *s = (FlowState *)n->obj.u.o;
    if (n->state == 0) {
        n->state = 1;
        if (how == CORO_THROW)
            return rethrow(in, out);
        Value fs = s->args;
        if (is_future(fs) || is_coroutine(fs)) {
            rt_raise_id(rt, CLS_TypeError, "expect a list of futures, not %s", obj_type_name(rt, fs));
            return raise_pending(vm, out);
        }
        List *l;
        if (to_list(rt, fs, &l) != RT_OK)
            return raise_pending(vm, out);
        val_decref(rt, s->args);
        s->args = val_obj(&l->hdr);
        if (l->len == 0) {
            rt_raise_id(rt, CLS_ValueError, "Set of Tasks/Futures is empty.");
            static const VmStdlibFrame at[] = {VM_TB_TASKS_418};
            vm_raise_from_stdlib(vm, at, 1, NULL, 0);
            return raise_pending(vm, out);
        }
        for (size_t i = 0; i < l->len; i++)
            if (is_coroutine(l->items[i])) {
                /* wait()'s frame keeps fs: its coroutines warn when the
                 * exception goes */
                rt_raise_id(rt, CLS_TypeError, "Passing coroutines is forbidden, use tasks explicitly.");
                static const VmStdlibFrame at[] = {VM_TB_TASKS_425};
                vm_raise_from_stdlib(vm, at, 1, &s->args, 1);
                return raise_pending(vm, out);
            }
        for (size_t i = 0; i < l->len; i++)
            if (!is_future(l->items[i])) {
                rt_raise_id(rt, CLS_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
                return raise_pending(vm, out);
            }
        s->fs = mem_calloc(vm->mem, l->len * sizeof *s->fs);
        if (!s->fs) {
            rt_no_memory(rt);
            return raise_pending(vm, out);
        }
        s->nfs = l->len;
        for (size_t i = 0; i < l->len; i++) {
            s->fs[i] = ((FutObj *)l->items[i].u.o)->f;
            future_retain(s->fs[i]);
        }
        s->waiter = future_new(vm->loop);
        if (!s->waiter) {
            rt_no_memory(rt);
            return raise_pending(vm, out);
        }
        future_set_label(s->waiter, "wait");
        if (s->timeout_ns != NCO_NO_TIMEOUT) {
            s->timer = loop_call_later(vm->loop, s->timeout_ns, wait_release_waiter, s, NULL);
            if (s->timer)
                obj_incref(&s->hdr);
        }
        s->counter = (int64_t)s->nfs;
        for (size_t i = 0; i < s->nfs; i++)
            if (add_cb(s, s->fs[i], wait_on_completion) < 0) {
                wait_cleanup(s);
                rt_no_memory(rt);
                return raise_pending(vm, out);
            }
        *out = s->waiter;
        return CORO_SUSPEND;
    }
    /* Woken: the waiter is done, or we are cancelled. */
    wait_cleanup(s);
    if (how == CORO_THROW)
        return rethrow(in, out);
    List *done = list_new(rt, 0), *pending = list_new(rt, 0);
    Tuple *t = NULL;
    if (!done || !pending)
        goto fail;
    List *l = (List *)s->args.u.o;
    for (size_t i = 0; i < s->nfs; i++)
        if (list_append(rt, future_done(s->fs[i]) ? done : pending, l->items[i]) != RT_OK)
            goto fail;
    Value sd = set_wrap(rt, done), sp;
    done = NULL;
    if (val_is_undef(sd))
        goto fail;
    sp = set_wrap(rt, pending);
    pending = NULL;
    if (val_is_undef(sp)) {
        val_decref(rt, sd);
        goto fail;
    }
    Value items[2] = {sd, sp};
    t = tuple_from(rt, items, 2);
    val_decref(rt, sd);
    val_decref(rt, sp);
    if (!t)
        goto fail;
    Value tv = val_obj(&t->hdr);
    *out = vm_to_host(vm, tv);
    val_decref(rt, tv);
    return CORO_RETURN;
fail:
    if (done)
        obj_decref(rt, &done->hdr);
    if (pending)
        obj_decref(rt, &pending->hdr);
    return raise_pending(vm, out);
}

static RtStatus f_wait(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[3];
    if (rt_parse_args(rt, "wait", "fs|$timeout,return_when", a, n, kw, v) != RT_OK)
        return RT_ERR;
    int64_t t;
    if (timeout_arg(rt, v[1], &t) != RT_OK)
        return RT_ERR;
    int rw = 0;
    if (!val_is_undef(v[2])) {
        rw = -1;
        if (val_is_str(v[2]))
            for (int i = 0; i < 3; i++)
                if (str_eq_cstr(val_str(v[2]), when_names[i]))
                    rw = i;
        if (rw < 0) {
            rt_raise_id(rt, CLS_ValueError, "Invalid return_when value: %R", v[2]);
            static const VmStdlibFrame at[] = {VM_TB_TASKS_420};
            return vm_raise_from_stdlib(vm, at, 1, v, 1);
        }
    }
    FlowState *s = flow_new(vm, v[0], t);
    if (!s)
        return RT_ERR;
    s->return_when = rw;
    Value sv = val_obj(&s->hdr);
    NcoObj *c = nco_custom_new(vm, "wait", wait_step, sv, VAL_NONE_V);
    val_decref(rt, sv);
    if (!c)
        return RT_ERR;
    *out = val_obj(&c->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ as_completed */

static void ac_put(FlowState *s, Future *f)
{
    if (push_fut(s->vm, &s->done, &s->dlen, &s->dcap, f) < 0)
        return;
    /* _wakeup_next(getters) */
    while (s->ghead < s->glen) {
        Future *g = s->getters[s->ghead++];
        bool was_pending = !future_done(g);
        if (was_pending)
            future_set_result(g, NULL);
        future_release(g);
        if (was_pending)
            break;
    }
}

static void ac_on_completion(Loop *loop, void *data, void *arg)
{
    (void)loop;
    FlowState *s = data;
    Future *f = arg;
    for (size_t i = 0; i < s->nfs; i++)
        if (s->fs[i] == f && s->registered[i]) {
            s->registered[i] = false;
            s->ntodo--;
            ac_put(s, f);
            if (s->ntodo == 0)
                cancel_timer(s);
            break;
        }
    obj_decref(&s->vm->rt, &s->hdr);
}

static void ac_timeout_fired(Loop *loop, void *data, void *arg)
{
    (void)loop;
    (void)arg;
    FlowState *s = data;
    s->timer = NULL;
    for (size_t i = 0; i < s->nfs; i++)
        if (s->registered[i]) {
            s->registered[i] = false;
            remove_cb(s, s->fs[i], ac_on_completion);
            ac_put(s, NULL);
        }
    s->ntodo = 0;
    obj_decref(&s->vm->rt, &s->hdr);
}

/* _wait_for_one(): f = await done.get(); None -> TimeoutError; f.result(). */
static CoroStatus ac_one_step(NcoObj *n, Task *task, CoroIn how, void *in, void **out)
{
    (void)task;
    Vm *vm = n->vm;
    FlowState *s = (FlowState *)n->obj.u.o;
    if (n->state == 1) {
        /* Woken from a getter (or cancelled). */
        Future *g = n->fut;
        n->fut = NULL;
        if (how == CORO_THROW) {
            future_cancel(g, NULL);
            for (size_t i = s->ghead; i < s->glen; i++)
                if (s->getters[i] == g) {
                    future_release(g);
                    memmove(s->getters + i, s->getters + i + 1, (s->glen - i - 1) * sizeof *s->getters);
                    s->glen--;
                    break;
                }
            if (s->dhead < s->dlen && !future_cancelled(g))
                while (s->ghead < s->glen) {
                    Future *w = s->getters[s->ghead++];
                    bool p = !future_done(w);
                    if (p)
                        future_set_result(w, NULL);
                    future_release(w);
                    if (p)
                        break;
                }
            future_release(g);
            return rethrow(in, out);
        }
        future_release(g);
    } else if (how == CORO_THROW) {
        return rethrow(in, out);
    }
    n->state = 1;
    if (s->dhead == s->dlen) {
        Future *g = future_new(vm->loop);
        if (!g || push_fut(vm, &s->getters, &s->glen, &s->gcap, g) < 0) {
            if (g)
                future_release(g);
            rt_no_memory(&vm->rt);
            return raise_pending(vm, out);
        }
        future_set_label(g, "as_completed");
        n->fut = g;
        *out = g;
        return CORO_SUSPEND;
    }
    Future *f = s->done[s->dhead++];
    if (!f) {
        Exc *e = exc_new_msg(&vm->rt, vm->rt.cls[CLS_TimeoutError], NULL);
        if (!e)
            return raise_pending(vm, out);
        *out = &e->hdr;
        return CORO_RAISE;
    }
    void *e = future_take_error(f);
    CoroStatus st;
    if (e) {
        *out = e;
        st = CORO_RAISE;
    } else {
        void *r = future_result(f);
        if (r)
            obj_incref(r);
        *out = r;
        st = CORO_RETURN;
    }
    future_release(f);
    return st;
}

typedef struct AcIter {
    Obj hdr;
    FlowState *s; /* owned */
} AcIter;

static void aci_free(Rt *rt, Obj *o)
{
    obj_decref(rt, &((AcIter *)o)->s->hdr);
    obj_release(rt, o, sizeof(AcIter));
}

static RtStatus aci_iter(Rt *rt, Obj *o, Value *out)
{
    (void)rt;
    obj_incref(o);
    *out = val_obj(o);
    return RT_OK;
}

static RtStatus aci_next(Rt *rt, Obj *o, Value *out)
{
    FlowState *s = ((AcIter *)o)->s;
    Vm *vm = s->vm;
    if (!s->started) {
        s->started = true;
        if (!vm->loop)
            return rt_raise_id(rt, CLS_RuntimeError, "no running event loop");
        List *l;
        if (to_list(rt, s->args, &l) != RT_OK)
            return RT_ERR;
        val_decref(rt, s->args);
        s->args = val_obj(&l->hdr);
        s->fs = mem_calloc(vm->mem, (l->len ? l->len : 1) * sizeof *s->fs);
        s->registered = mem_calloc(vm->mem, (l->len ? l->len : 1) * sizeof *s->registered);
        if (!s->fs || !s->registered)
            return rt_no_memory(rt);
        for (size_t i = 0; i < l->len; i++) {
            Future *f = ensure_future(vm, l->items[i]);
            if (!f)
                return RT_ERR;
            s->fs[s->nfs++] = f;
        }
        for (size_t i = 0; i < s->nfs; i++) {
            if (add_cb(s, s->fs[i], ac_on_completion) < 0)
                return rt_no_memory(rt);
            s->registered[i] = true;
        }
        s->ntodo = s->nfs;
        if (s->nfs && s->timeout_ns != NCO_NO_TIMEOUT) {
            s->timer = loop_call_later(vm->loop, s->timeout_ns, ac_timeout_fired, s, NULL);
            if (s->timer)
                obj_incref(&s->hdr);
        }
        s->yields_left = s->nfs;
    }
    if (s->yields_left == 0)
        return RT_STOP;
    s->yields_left--;
    NcoObj *c = nco_custom_new(vm, "as_completed.<locals>._wait_for_one", ac_one_step, val_obj(&s->hdr),
                               VAL_NONE_V);
    if (!c)
        return RT_ERR;
    *out = val_obj(&c->hdr);
    return RT_OK;
}

static RtStatus aci_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    sb_printf(sb, "<generator object as_completed at %p>", (void *)o);
    return RT_OK;
}

static const ObjType aci_type = {
    .name = "generator", .free = aci_free, .repr = aci_repr, .iter = aci_iter, .next = aci_next};

static RtStatus f_as_completed(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[2];
    if (rt_parse_args(rt, "as_completed", "fs|$timeout", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (is_future(v[0]) || is_coroutine(v[0]))
        return rt_raise_id(rt, CLS_TypeError, "expect an iterable of futures, not %s", obj_type_name(rt, v[0]));
    int64_t t;
    if (timeout_arg(rt, v[1], &t) != RT_OK)
        return RT_ERR;
    FlowState *s = flow_new(vm, v[0], t);
    if (!s)
        return RT_ERR;
    AcIter *it = (AcIter *)obj_alloc(rt, &aci_type, sizeof(AcIter));
    if (!it) {
        obj_decref(rt, &s->hdr);
        return RT_ERR;
    }
    it->s = s;
    *out = val_obj(&it->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ shield */

/* _inner_done_callback: data = outer (one reference, held by the callback). */
static void shield_inner_done(Loop *loop, void *data, void *arg)
{
    (void)loop;
    Future *outer = data, *inner = arg;
    if (future_cancelled(outer)) {
        if (!future_cancelled(inner))
            (void)future_exception(inner);
    } else if (future_cancelled(inner)) {
        future_cancel(outer, NULL);
    } else if (future_state(inner) == FUTURE_EXCEPTION) {
        future_set_exception(outer, future_exception(inner));
    } else {
        future_set_result(outer, future_result(inner));
    }
    future_release(outer);
}

/* _outer_done_callback: data = inner (one reference). */
static void shield_outer_done(Loop *loop, void *data, void *arg)
{
    (void)loop;
    Future *inner = data, *outer = arg;
    if (!future_done(inner)) {
        size_t k = future_remove_callback(inner, shield_inner_done, outer);
        while (k--)
            future_release(outer);
    }
    future_release(inner);
}

const char *mod_aioflow_cb_name(LoopFn fn)
{
    if (fn == wait_on_completion) return "_wait.<locals>._on_completion() at <stdlib>/asyncio/tasks.py:519";
    if (fn == ac_on_completion) return "as_completed.<locals>._on_completion() at <stdlib>/asyncio/tasks.py:602";
    if (fn == shield_inner_done) return "shield.<locals>._inner_done_callback() at <stdlib>/asyncio/tasks.py:891";
    if (fn == shield_outer_done) return "shield.<locals>._outer_done_callback() at <stdlib>/asyncio/tasks.py:908";
    return NULL;
}

static RtStatus f_shield(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[1];
    if (rt_parse_args(rt, "shield", "arg", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (!vm->loop && !is_future(v[0]))
        return rt_raise_id(rt, CLS_RuntimeError, "no running event loop");
    Future *inner = ensure_future(vm, v[0]);
    if (!inner)
        return RT_ERR;
    if (future_done(inner)) {
        FutObj *h = vm_fut_wrap(vm, inner);
        future_release(inner);
        if (!h)
            return RT_ERR;
        *out = val_obj(&h->hdr);
        return RT_OK;
    }
    Future *outer = future_new(future_loop(inner));
    if (!outer) {
        future_release(inner);
        return rt_no_memory(rt);
    }
    future_set_label(outer, "shield");
    future_retain(outer);
    if (future_add_callback(inner, shield_inner_done, outer) < 0) {
        future_release(outer);
        future_release(outer);
        future_release(inner);
        return rt_no_memory(rt);
    }
    /* inner's reference moves to the outer callback. */
    if (future_add_callback(outer, shield_outer_done, inner) < 0) {
        future_release(inner);
        future_release(outer);
        return rt_no_memory(rt);
    }
    FutObj *h = vm_fut_wrap(vm, outer);
    future_release(outer);
    if (!h)
        return RT_ERR;
    *out = val_obj(&h->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ module */

RtStatus mod_aioflow_init(Vm *vm, Module *m)
{
    Rt *rt = &vm->rt;
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        {"wait", f_wait},
        {"as_completed", f_as_completed},
        {"shield", f_shield},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (module_add_native(rt, m, fns[i].name, fns[i].fn, vm) != RT_OK)
            return RT_ERR;
    for (size_t i = 0; i < 3; i++) {
        Value s;
        if (str_value(rt, when_names[i], strlen(when_names[i]), &s) != RT_OK)
            return RT_ERR;
        RtStatus st = module_add_value(rt, m, when_names[i], s);
        val_decref(rt, s);
        if (st != RT_OK)
            return RT_ERR;
    }
    return RT_OK;
}
