/* mod_asyncio: the asyncio module (part 1: run, sleep, create_task, gather,
 * current_task, Task, CancelledError) on the engine's loop, tasks and
 * native coroutines, plus the HostOps that let the engine carry lesson
 * values and the Python-visible Task/Future handles.
 *
 * asyncio.run is a small state machine (AioRun) so that the host can drive
 * a program's event loop step by step (interp_step) or all at once; see
 * asyncio-semantics.md §1 for the phases copied here: main, cancel the
 * leftovers, then the two shutdown tasks that use a Task-N number each.
 */
#include "engine/lang/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/nco.h"

/* ------------------------------------------------------------ host values */

void *vm_to_host(Vm *vm, Value v)
{
    if (v.tag == VAL_UNDEF || v.tag == VAL_NONE)
        return NULL;
    if (v.tag == VAL_OBJ) {
        obj_incref(v.u.o);
        return v.u.o;
    }
    Boxed *b = (Boxed *)obj_alloc(&vm->rt, &vm_box_type, sizeof(Boxed));
    if (!b) {
        rt_clear_exc(&vm->rt);
        return NULL;
    }
    b->v = v;
    return b;
}

Value vm_from_host(Vm *vm, void *p)
{
    (void)vm;
    if (!p)
        return VAL_NONE_V;
    Obj *o = p;
    if (o->type == &vm_box_type)
        return ((Boxed *)o)->v;
    obj_incref(o);
    return val_obj(o);
}

static void h_retain(void *ctx, void *v)
{
    (void)ctx;
    obj_incref(v);
}

static void h_release(void *ctx, void *v)
{
    Vm *vm = ctx;
    obj_decref(&vm->rt, v);
}

static void *new_exc(Vm *vm, ClassId id, Value *args, size_t n)
{
    Value e;
    if (exc_new(&vm->rt, vm->rt.cls[id], args, n, &e) != RT_OK) {
        rt_clear_exc(&vm->rt);
        return vm->rt.memory_error ? (obj_incref(&vm->rt.memory_error->hdr), &vm->rt.memory_error->hdr)
                                   : NULL;
    }
    return e.u.o;
}

static void *h_cancelled_error(void *ctx, void *msg, bool empty_if_none)
{
    Vm *vm = ctx;
    if (msg) {
        Value a = vm_from_host(vm, msg);
        void *e = new_exc(vm, CLS_CancelledError, &a, 1);
        val_decref(&vm->rt, a);
        return e;
    }
    if (empty_if_none) {
        Value a;
        if (str_value(&vm->rt, "", 0, &a) != RT_OK) {
            rt_clear_exc(&vm->rt);
            return new_exc(vm, CLS_CancelledError, NULL, 0);
        }
        void *e = new_exc(vm, CLS_CancelledError, &a, 1);
        val_decref(&vm->rt, a);
        return e;
    }
    return new_exc(vm, CLS_CancelledError, NULL, 0);
}

static void *h_timeout_error(void *ctx, void *cause)
{
    Vm *vm = ctx;
    Exc *e = new_exc(vm, CLS_TimeoutError, NULL, 0);
    if (e && cause && e->hdr.type == &obj_exc_type) {
        val_decref(&vm->rt, e->cause);
        e->cause = vm_from_host(vm, cause);
        e->suppress_context = true;
        /* wait_for's frames: "return fut.result()" raised the cause, then
         * "raise exceptions.TimeoutError() from exc". */
        vm_tb_prepend_stdlib(vm, e->cause, VM_TB_WAIT_FOR_500);
        vm_tb_prepend_stdlib(vm, val_obj(&e->hdr), VM_TB_WAIT_FOR_502);
    }
    return e;
}

static bool h_is_cancelled(void *ctx, void *exc)
{
    Vm *vm = ctx;
    Value v = val_obj(exc);
    return val_is_exc(v) && obj_isinstance(&vm->rt, v, vm->rt.cls[CLS_CancelledError]);
}

static void *h_list_new(void *ctx, void *const *items, size_t n)
{
    Vm *vm = ctx;
    List *l = list_new(&vm->rt, n);
    if (!l) {
        rt_clear_exc(&vm->rt);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        Value v = vm_from_host(vm, items[i]);
        if (list_append_take(&vm->rt, l, v) != RT_OK) {
            rt_clear_exc(&vm->rt);
            obj_decref(&vm->rt, &l->hdr);
            return NULL;
        }
    }
    return l;
}

static size_t h_repr(void *ctx, void *v, bool is_exception, char *buf, size_t size)
{
    Vm *vm = ctx;
    (void)is_exception;
    Value x = vm_from_host(vm, v), r;
    size_t n = 0;
    if (obj_repr(&vm->rt, x, &r) == RT_OK) {
        n = val_str(r)->len;
        if (size) {
            size_t c = n < size - 1 ? n : size - 1;
            memcpy(buf, val_str(r)->data, c);
            buf[c] = 0;
            n = c;
        }
        val_decref(&vm->rt, r);
    } else {
        rt_clear_exc(&vm->rt);
        if (size)
            buf[0] = 0;
    }
    val_decref(&vm->rt, x);
    return n;
}

static void fut_repr_sb(Vm *vm, Future *f, StrBuf *sb);

static RtStatus futobj_repr(Rt *rt, Obj *o, StrBuf *sb);

static void h_unretrieved(void *ctx, Future *f)
{
    Vm *vm = ctx;
    Rt *rt = &vm->rt;
    if (vm->aborting)
        return;
    StrBuf sb;
    sb_init(&sb, rt);
    const char *what = future_kind(f) == FUTURE_TASK     ? "Task"
                       : future_kind(f) == FUTURE_GATHER ? "_GatheringFuture"
                                                          : "Future";
    sb_printf(&sb, "%s exception was never retrieved\nfuture: ", what);
    /* Through the handle when there still is one (a collected cycle: the
     * exception's args may hold it), so that the repr guard sees it. */
    FutObj *h = task_from_future(f) ? task_host(task_from_future(f)) : future_host(f);
    if (!h || futobj_repr(rt, &h->hdr, &sb) != RT_OK)
        fut_repr_sb(vm, f, &sb);
    sb_putc(&sb, '\n');
    void *e = future_exception(f);
    Value ev = vm_from_host(vm, e);
    vm->tb_logged = true; /* through asyncio's logger */
    vm_format_exception(vm, ev, &sb);
    vm->tb_logged = false;
    val_decref(rt, ev);
    if (sb.buf)
        vm_write_err(vm, sb.buf, sb.len);
    sb_fini(&sb);
}

static const CoroVt ncotask_vt;

/* asyncio's own coroutines, where CPython 3.11.7 defines them (a task's
 * repr names the def line once done, and the line of the await it is paused
 * at while pending). Natives of the simulated network are not CPython's:
 * they are not here, and their tasks print coro=<name()>. */
static const struct NativeDef {
    const char *qualname, *file;
    int def_line, await_line;
} native_defs[] = {
    {"sleep", "<stdlib>/asyncio/tasks.py", 637, 649}, /* 640 for sleep(0): native_paused_line */
    {"wait_for", "<stdlib>/asyncio/tasks.py", 436, 476}, /* 452, 460: native_paused_line */
    {"wait", "<stdlib>/asyncio/tasks.py", 399, 428},
    {"as_completed.<locals>._wait_for_one", "<stdlib>/asyncio/tasks.py", 610, 611},
    {"Lock.acquire", "<stdlib>/asyncio/locks.py", 93, 114},
    {"Semaphore.acquire", "<stdlib>/asyncio/locks.py", 364, 387},
    {"Event.wait", "<stdlib>/asyncio/locks.py", 200, 213},
    {"_ContextManagerMixin.__aenter__", "<stdlib>/asyncio/locks.py", 14, 15},
    {"_ContextManagerMixin.__aexit__", "<stdlib>/asyncio/locks.py", 20, 20},
    {"Queue.put", "<stdlib>/asyncio/queues.py", 110, 120},
    {"Queue.get", "<stdlib>/asyncio/queues.py", 149, 158},
    {"Queue.join", "<stdlib>/asyncio/queues.py", 206, 215},
    {"TaskGroup.__aexit__", "<stdlib>/asyncio/taskgroups.py", 68, 110},
};
_Static_assert(sizeof native_defs / sizeof native_defs[0] <= sizeof((Vm *)0)->native_codes /
                                                                  sizeof((Vm *)0)->native_codes[0],
               "Vm.native_codes holds a Code per native_defs entry");

static const struct NativeDef *native_def(const char *qualname)
{
    for (size_t i = 0; i < sizeof native_defs / sizeof native_defs[0]; i++)
        if (strcmp(native_defs[i].qualname, qualname) == 0)
            return &native_defs[i];
    return NULL;
}

/* The CODE_NATIVE stand-in for n's coroutine (made on first use; NULL when
 * n is not one of asyncio's or memory ran out: the repr then does without). */
static Code *native_code(Vm *vm, const NcoObj *n)
{
    const struct NativeDef *d = native_def(nco_name(n));
    if (!d)
        return NULL;
    Code **slot = &vm->native_codes[d - native_defs];
    if (!*slot) {
        Str *q = rt_intern_cstr(&vm->rt, d->qualname);
        Code *c = q ? mem_calloc(vm->mem, sizeof *c) : NULL;
        if (!c) {
            rt_clear_exc(&vm->rt);
            return NULL;
        }
        c->name = c->qualname = q;
        c->filename = d->file;
        c->firstline = d->def_line;
        c->flags = CODE_NATIVE | CODE_COROUTINE;
        c->mem = vm->mem;
        c->rt = &vm->rt;
        *slot = c;
    }
    return *slot;
}

/* The line CPython's coroutine for n is paused at, n started and its task
 * pending: sleep(0) at its bare yield, wait_for at the await that its
 * timeout picks (none: `return await fut`, <= 0: the cancel), the others
 * at their one await. */
static int native_paused_line(const NcoObj *n, const Code *code)
{
    const struct NativeDef *d = native_def(code->qualname->data);
    if (!nco_started(n) || !d)
        return code->firstline;
    if (nco_kind(n) == NK_SLEEP && n->delay_ns <= 0)
        return 640;
    if (nco_kind(n) == NK_WAIT_FOR)
        return n->delay_ns == NCO_NO_TIMEOUT ? 452 : n->delay_ns == 0 ? 460 : 476;
    return d->await_line;
}

static void h_task_created(void *ctx, Task *t)
{
    Coro co = task_coro(t);
    CoroObj *c = vm_coro_of_engine(co);
    if (c) {
        vm_note_task_code(ctx, t, coro_code(c));
    } else if (co.vt == &ncotask_vt) {
        Code *code = native_code(ctx, co.self);
        if (code)
            vm_note_task_code(ctx, t, code);
    }
}

const HostOps vm_host_ops = {
    .task_created = h_task_created,
    .retain = h_retain,
    .release = h_release,
    .cancelled_error = h_cancelled_error,
    .timeout_error = h_timeout_error,
    .is_cancelled_error = h_is_cancelled,
    .list_new = h_list_new,
    .repr = h_repr,
    .unretrieved = h_unretrieved,
};

/* ------------------------------------------------------------ task codes */

/* The index (+1) of code in the table of coroutine codes tasks were made
 * with; 0 when the table cannot grow (the task's repr then has no name).
 * A program has a handful of them, and tasks come in runs of one code. */
static uint16_t task_code_index(Vm *vm, Code *code)
{
    for (size_t i = vm->ntask_code_tab; i > 0; i--)
        if (vm->task_code_tab[i - 1] == code)
            return (uint16_t)i;
    size_t n = vm->ntask_code_tab;
    if (n >= UINT16_MAX)
        return 0;
    Code **a = mem_realloc(vm->mem, vm->task_code_tab, n * sizeof *a, (n + 1) * sizeof *a);
    if (!a)
        return 0;
    a[n] = code;
    vm->task_code_tab = a;
    vm->ntask_code_tab = n + 1;
    return (uint16_t)(n + 1);
}

/* The code indices of TC_PAGE ids in a row (id >> TC_PAGE_BITS is the
 * page). Tasks come in runs of one code (gather(*[f() for ...])), so a page
 * starts as one range, ids [lo, hi) with code k (the others 0), and becomes
 * an array of TC_PAGE indices only when an id does not extend that range:
 * 100,000 tasks of one code take 25 pages of 16 bytes, where an index per
 * id took 2 bytes each (and twice that while its array doubled). */
#define TC_PAGE_BITS 12
#define TC_PAGE ((size_t)1 << TC_PAGE_BITS)
struct TaskCodePage {
    uint16_t *ks;    /* TC_PAGE indices, or NULL: the range below */
    uint16_t k;      /* the range's code index (0: no id noted yet) */
    uint16_t lo, hi; /* offsets in the page, hi exclusive */
};

/* Out of line: the usual case (vm_note_task_code) stays a few instructions. */
__attribute__((noinline)) static void note_task_code(Vm *vm, uint64_t id, Code *code)
{
    uint64_t p = id >> TC_PAGE_BITS;
    if (p >= vm->ntask_code_pages) {
        size_t n = vm->ntask_code_pages ? vm->ntask_code_pages : 4;
        while (n <= p)
            n *= 2;
        struct TaskCodePage *a =
            mem_realloc(vm->mem, vm->task_code_pages, vm->ntask_code_pages * sizeof *a, n * sizeof *a);
        if (!a)
            return;
        memset(a + vm->ntask_code_pages, 0, (n - vm->ntask_code_pages) * sizeof *a);
        vm->task_code_pages = a;
        vm->ntask_code_pages = n;
    }
    uint16_t k = vm->ntask_code_tab && vm->task_code_tab[vm->ntask_code_tab - 1] == code
                     ? (uint16_t)vm->ntask_code_tab
                     : task_code_index(vm, code);
    struct TaskCodePage *pg = &vm->task_code_pages[p];
    uint16_t off = (uint16_t)(id & (TC_PAGE - 1));
    if (!pg->ks) {
        if (pg->k == 0 || pg->lo == pg->hi) { /* nothing noted yet */
            pg->k = k;
            pg->lo = off;
            pg->hi = off + 1;
            return;
        }
        if (k == pg->k && off >= pg->lo && off <= pg->hi) { /* extends the range */
            if (off == pg->hi)
                pg->hi++;
            return;
        }
        uint16_t *ks = mem_calloc(vm->mem, TC_PAGE * sizeof *ks);
        if (!ks)
            return;
        for (size_t i = pg->lo; i < pg->hi; i++)
            ks[i] = pg->k;
        pg->ks = ks;
    }
    pg->ks[off] = k;
}

void vm_note_task_code(Vm *vm, Task *t, Code *code)
{
    uint64_t id = task_id(t);
    uint64_t p = id >> TC_PAGE_BITS;
    size_t ntab = vm->ntask_code_tab;
    /* The usual case first: the next id of a run of the last code. */
    if (p < vm->ntask_code_pages && ntab && vm->task_code_tab[ntab - 1] == code) {
        struct TaskCodePage *pg = &vm->task_code_pages[p];
        if (!pg->ks && pg->k == ntab && (id & (TC_PAGE - 1)) == pg->hi && pg->lo < pg->hi) {
            pg->hi++;
            return;
        }
    }
    note_task_code(vm, id, code);
}

Code *vm_task_id_code(const Vm *vm, uint64_t id)
{
    uint64_t p = id >> TC_PAGE_BITS;
    if (p >= vm->ntask_code_pages)
        return NULL;
    const struct TaskCodePage *pg = &vm->task_code_pages[p];
    size_t off = (size_t)(id & (TC_PAGE - 1));
    uint16_t k = pg->ks ? pg->ks[off] : (off >= pg->lo && off < pg->hi ? pg->k : 0);
    return k ? vm->task_code_tab[k - 1] : NULL;
}

void vm_task_codes_fini(Vm *vm)
{
    for (size_t i = 0; i < sizeof vm->native_codes / sizeof vm->native_codes[0]; i++) {
        mem_free(vm->mem, vm->native_codes[i], sizeof(Code));
        vm->native_codes[i] = NULL;
    }
    for (size_t i = 0; i < vm->ntask_code_pages; i++)
        mem_free(vm->mem, vm->task_code_pages[i].ks, TC_PAGE * sizeof(uint16_t));
    mem_free(vm->mem, vm->task_code_pages, vm->ntask_code_pages * sizeof *vm->task_code_pages);
    vm->task_code_pages = NULL;
    vm->ntask_code_pages = 0;
}

Code *vm_task_code(Vm *vm, Task *t)
{
    return vm_task_id_code(vm, task_id(t));
}

/* ------------------------------------------------------------ reprs */

static void exc_repr_sb(Vm *vm, void *e, StrBuf *sb)
{
    Value v = vm_from_host(vm, e);
    if (obj_repr_sb(&vm->rt, v, sb) != RT_OK)
        rt_clear_exc(&vm->rt);
    val_decref(&vm->rt, v);
}


static int paused_line(CoroObj *c);
static void done_cb_run(Loop *loop, void *data, void *arg);
static void stop_cb(Loop *loop, void *data, void *arg);

/* add_done_callback(fn): fn(task) is called through the loop. */
typedef struct DoneCb {
    Vm *vm;
    Value fn;
} DoneCb;

/* The repr of f's lesson handle (made if it has none), through reprlib when
 * limited: the handle prints "..." inside its own repr (a cycle of waits).
 * An error is dropped, as a repr should not raise here. */
static void handle_repr(Vm *vm, Future *f, bool limited, StrBuf *sb)
{
    FutObj *h = vm_fut_wrap(vm, f);
    if (!h) {
        rt_clear_exc(&vm->rt);
        return;
    }
    Value v = val_obj(&h->hdr);
    if ((limited ? obj_reprlib_sb(&vm->rt, v, sb) : obj_repr_sb(&vm->rt, v, sb)) != RT_OK)
        rt_clear_exc(&vm->rt);
    obj_decref(&vm->rt, &h->hdr);
}

/* A lesson callable as CPython's format_helpers._format_callback_source
 * shows it: its qualname, "()", and " at FILE:LINE" for a function. */
static void callable_source(Vm *vm, Value fn, StrBuf *sb)
{
    if (val_is_type(fn, &vm_function_type)) {
        Code *c = ((Function *)fn.u.o)->code;
        sb_printf(sb, "%s() at %s:%d", c->qualname->data, c->filename, c->firstline);
        return;
    }
    static const char *const attrs[] = {"__qualname__", "__name__"};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        Value name;
        if (obj_getattr(&vm->rt, fn, rt_intern_cstr(&vm->rt, attrs[i]), &name) != RT_OK) {
            rt_clear_exc(&vm->rt);
            continue;
        }
        bool ok = val_is_str(name) && val_str(name)->len > 0;
        if (ok)
            sb_put(sb, val_str(name)->data, val_str(name)->len);
        val_decref(&vm->rt, name);
        if (ok) {
            sb_puts(sb, "()");
            return;
        }
    }
    if (obj_repr_sb(&vm->rt, fn, sb) != RT_OK)
        rt_clear_exc(&vm->rt);
    sb_puts(sb, "()");
}

/* One done-callback as a Future's repr lists it. asyncio's own are named
 * with the line of CPython 3.11's source that defines them, under
 * "<stdlib>/asyncio/" as tracebacks show that source. */
static void cb_repr(Vm *vm, LoopFn fn, void *data, StrBuf *sb)
{
    const char *name = NULL;
    switch (future_callback_kind(fn)) {
    case FUTURE_CB_TASK_WAKEUP: name = "Task.task_wakeup()"; break;
    case FUTURE_CB_GATHER_CHILD: name = "gather.<locals>._done_callback() at <stdlib>/asyncio/tasks.py:764"; break;
    case FUTURE_CB_RELEASE_WAITER: {
        /* functools.partial(_release_waiter, waiter): the partial's
         * arguments, then those of the call, which has none */
        sb_puts(sb, "_release_waiter(");
        handle_repr(vm, data, true, sb);
        sb_puts(sb, ")() at <stdlib>/asyncio/tasks.py:431");
        return;
    }
    case FUTURE_CB_OTHER:
        if (fn == done_cb_run) {
            callable_source(vm, ((const DoneCb *)data)->fn, sb);
            return;
        }
        if (fn == stop_cb)
            name = "_run_until_complete_cb() at <stdlib>/asyncio/base_events.py:180";
        else if (!(name = mod_aioflow_cb_name(fn)))
            name = mod_aiosync_cb_name(fn);
        break;
    }
    sb_puts(sb, name ? name : "<callback>()");
}

/* " cb=[...]": a pending future's done-callbacks, as
 * base_futures._format_callbacks: one, two, or the first, "<N more>" and
 * the last. */
static void cbs_repr(Vm *vm, const Future *f, StrBuf *sb)
{
    size_t n = future_callback_count(f);
    if (n == 0)
        return;
    void *data;
    sb_puts(sb, " cb=[");
    LoopFn fn = future_callback_at(f, 0, &data);
    cb_repr(vm, fn, data, sb);
    if (n > 2)
        sb_printf(sb, ", <%zu more>", n - 2);
    if (n > 1) {
        sb_puts(sb, ", ");
        fn = future_callback_at(f, n - 1, &data);
        cb_repr(vm, fn, data, sb);
    }
    sb_putc(sb, ']');
}

void vm_task_repr(Vm *vm, Task *t, StrBuf *sb)
{
    Future *f = task_future(t);
    char name[128];
    task_name(t, name, sizeof name);
    FutureState st = future_state(f);
    const char *state = st == FUTURE_PENDING ? "pending" : st == FUTURE_CANCELLED ? "cancelled" : "finished";
    if (st == FUTURE_PENDING && task_cancelling(t) > 0)
        state = "cancelling";
    sb_printf(sb, "<Task %s name='%s'", state, name);
    Code *code = vm_task_code(vm, t);
    if (code) {
        /* the line its coroutine is paused at, as CPython; asyncio's own
         * (create_task(asyncio.sleep(1)), of ev.wait()) where CPython's is */
        Coro co = task_coro(t);
        CoroObj *c = vm_coro_of_engine(co);
        int line = c                        ? paused_line(c)
                   : co.vt == &ncotask_vt ? native_paused_line(co.self, code)
                                          : code->firstline;
        if (st == FUTURE_PENDING && !(c && vm->repr_coros_closed))
            sb_printf(sb, " coro=<%s() running at %s:%d>", code->qualname->data, code->filename, line);
        else
            sb_printf(sb, " coro=<%s() done, defined at %s:%d>", code->qualname->data, code->filename,
                      code->firstline);
    } else if (task_coro(t).vt == &ncotask_vt) {
        sb_printf(sb, " coro=<%s()>", nco_name(task_coro(t).self)); /* the simulated network's */
    } else {
        sb_printf(sb, " coro=<%s()>", task_coro(t).vt ? task_coro(t).vt->name : "coroutine");
    }
    if (st == FUTURE_RESULT) {
        sb_puts(sb, " result=");
        Value r = vm_from_host(vm, future_result(f));
        if (obj_reprlib_sb(&vm->rt, r, sb) != RT_OK) /* base_futures: reprlib.repr(result) */
            rt_clear_exc(&vm->rt);
        val_decref(&vm->rt, r);
    } else if (st == FUTURE_EXCEPTION) {
        sb_puts(sb, " exception=");
        /* Peek without marking it retrieved. */
        bool unret = future_exception_unretrieved(f);
        void *e = future_exception(f);
        exc_repr_sb(vm, e, sb);
        (void)unret;
    } else if (st == FUTURE_PENDING && task_fut_waiter(t) &&
               (task_from_future(task_fut_waiter(t)) || future_kind(task_fut_waiter(t)) == FUTURE_GATHER)) {
        /* awaiting a task or a gather: its own repr (a task waiting, in a
         * cycle, on itself prints "..." there) */
        sb_puts(sb, " wait_for=");
        handle_repr(vm, task_fut_waiter(t), false, sb);
    } else if (st == FUTURE_PENDING && (task_fut_waiter(t) || task_sleeping(t))) {
        /* A future it waits on that is already done (its wakeup is queued)
         * prints as CPython's does: asyncio.sleep's, a plain future's. */
        Future *w = task_fut_waiter(t);
        FutureState ws = !w ? task_sleep_state(t)
                         : future_kind(w) == FUTURE_PLAIN && future_state(w) != FUTURE_EXCEPTION
                             ? future_state(w)
                             : FUTURE_PENDING;
        if (ws == FUTURE_CANCELLED) {
            sb_puts(sb, " wait_for=<Future cancelled>");
        } else if (ws == FUTURE_RESULT) {
            sb_puts(sb, " wait_for=<Future finished result=");
            Value r = w ? vm_from_host(vm, future_result(w)) : VAL_NONE_V;
            if (obj_reprlib_sb(&vm->rt, r, sb) != RT_OK)
                rt_clear_exc(&vm->rt);
            val_decref(&vm->rt, r);
            sb_putc(sb, '>');
        } else {
            sb_puts(sb, " wait_for=<Future pending cb=[Task.task_wakeup()]>");
        }
    }
    if (st == FUTURE_PENDING)
        cbs_repr(vm, f, sb);
    sb_putc(sb, '>');
}

static void fut_repr_sb(Vm *vm, Future *f, StrBuf *sb)
{
    Task *t = task_from_future(f);
    if (t) {
        vm_task_repr(vm, t, sb);
        return;
    }
    const char *cls = future_kind(f) == FUTURE_GATHER ? "_GatheringFuture" : "Future";
    FutureState st = future_state(f);
    const char *state = st == FUTURE_PENDING ? "pending" : st == FUTURE_CANCELLED ? "cancelled" : "finished";
    sb_printf(sb, "<%s %s", cls, state);
    if (st == FUTURE_RESULT) {
        sb_puts(sb, " result=");
        Value r = vm_from_host(vm, future_result(f));
        if (obj_reprlib_sb(&vm->rt, r, sb) != RT_OK) /* base_futures: reprlib.repr(result) */
            rt_clear_exc(&vm->rt);
        val_decref(&vm->rt, r);
    } else if (st == FUTURE_EXCEPTION) {
        sb_puts(sb, " exception=");
        exc_repr_sb(vm, future_exception(f), sb);
    }
    if (st == FUTURE_PENDING)
        cbs_repr(vm, f, sb);
    sb_putc(sb, '>');
}

/* ------------------------------------------------------------ handles */

/* Drops the handle's reference on its future (f NULL after). */
static void futobj_unlink(FutObj *h)
{
    Future *f = h->f;
    if (!f)
        return;
    /* A future that outlives the handle forgets it now. One that goes with
     * it keeps it, and h->f stays, until it is released: its "exception was
     * never retrieved" report may show this very handle (the collector's
     * case: the exception's args hold it), and reads the future, intact
     * until then. */
    bool sole;
    (void)future_held_value(f, &sole);
    if (!sole || !h->hdr.rc) {
        if (task_from_future(f)) {
            if (task_host(task_from_future(f)) == h)
                task_set_host(task_from_future(f), NULL);
        } else if (future_host(f) == h) {
            future_set_host(f, NULL);
        }
    }
    future_release(f);
    h->f = NULL;
}

static void futobj_free(Rt *rt, Obj *o)
{
    futobj_unlink((FutObj *)o);
    obj_release(rt, o, sizeof(FutObj));
}

/* Cycle collection (gc.h): a finished future that only this handle holds
 * is part of it, and so is its result or exception (a task that returns
 * itself, asyncio.current_task(), is a cycle). A future the engine also
 * holds (pending, awaited, gathered) keeps what it holds alive anyway:
 * nothing is reported, and the collector treats its value as held from
 * outside. */
static void futobj_traverse(Obj *o, GcVisit visit, void *arg)
{
    FutObj *h = (FutObj *)o;
    bool sole;
    void *v = h->f ? future_held_value(h->f, &sole) : NULL;
    if (v && sole)
        visit((Obj *)v, arg);
}

/* Only for a handle nothing reaches: its future goes (or stays with the
 * engine, without this handle, which a later wrap would make anew). */
static void futobj_clear(Rt *rt, Obj *o)
{
    (void)rt;
    futobj_unlink((FutObj *)o);
}

/* A task's repr shows its exception, whose args may hold the task: inside
 * its own repr a handle prints "...", as CPython's (reprlib.recursive_repr). */
static RtStatus futobj_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    FutObj *h = (FutObj *)o;
    bool failed;
    if (obj_repr_enter(rt, o, &failed)) {
        sb_puts(sb, "...");
        return RT_OK;
    }
    if (failed)
        return RT_ERR;
    if (!h->f) /* cleared by the collector, shown by another's report */
        sb_printf(sb, "<%s object at %p>", o->type->name, (void *)o);
    else
        fut_repr_sb(vm_of(rt), h->f, sb);
    obj_repr_leave(rt, o);
    return RT_OK;
}

FutObj *vm_fut_wrap(Vm *vm, Future *f)
{
    Task *t = task_from_future(f);
    FutObj *h = t ? task_host(t) : future_host(f);
    if (h) {
        obj_incref(&h->hdr);
        return h;
    }
    const ObjType *type = t ? &vm_task_type : future_kind(f) == FUTURE_GATHER ? &vm_gfuture_type : &vm_future_type;
    h = (FutObj *)obj_alloc(&vm->rt, type, sizeof(FutObj));
    if (!h)
        return NULL;
    h->vm = vm;
    h->f = f;
    future_retain(f);
    if (t)
        task_set_host(t, h);
    else
        future_set_host(f, h);
    return h;
}

static Future *self_fut(Value self)
{
    return ((FutObj *)self.u.o)->f;
}

static RtStatus m_done(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)a;
    if (rt_parse_args(rt, "done", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_bool(future_done(self_fut(self)));
    return RT_OK;
}

static RtStatus m_cancelled(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    if (rt_parse_args(rt, "cancelled", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_bool(future_cancelled(self_fut(self)));
    return RT_OK;
}

static RtStatus raise_host(Vm *vm, void *e)
{
    Value v = vm_from_host(vm, e);
    host_release(&vm->host, e);
    rt_raise_value(&vm->rt, v);
    val_decref(&vm->rt, v);
    return RT_ERR;
}

static RtStatus m_result(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Vm *vm = vm_of(rt);
    if (rt_parse_args(rt, "result", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    Future *f = self_fut(self);
    if (!future_done(f))
        return rt_raise_id(rt, CLS_InvalidStateError, "Result is not set.");
    void *e = future_take_error(f);
    if (e)
        return raise_host(vm, e);
    *out = vm_from_host(vm, future_result(f));
    return RT_OK;
}

static RtStatus m_exception(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Vm *vm = vm_of(rt);
    if (rt_parse_args(rt, "exception", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    Future *f = self_fut(self);
    if (!future_done(f))
        return rt_raise_id(rt, CLS_InvalidStateError, "Exception is not set.");
    if (future_cancelled(f))
        return raise_host(vm, future_take_error(f));
    *out = vm_from_host(vm, future_exception(f));
    return RT_OK;
}

static RtStatus m_cancel(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Vm *vm = vm_of(rt);
    Value msg[1];
    if (rt_parse_args(rt, "cancel", "|msg", a, n, kw, msg) != RT_OK)
        return RT_ERR;
    void *hm = val_is_undef(msg[0]) ? NULL : vm_to_host(vm, msg[0]);
    Future *f = self_fut(self);
    bool r = future_cancel(f, hm);
    host_release(&vm->host, hm);
    if (future_loop(f) && task_cancel_overflowed(future_loop(f)))
        return rt_raise_id(rt, CLS_RecursionError, "maximum recursion depth exceeded while calling a Python object");
    *out = val_bool(r);
    return RT_OK;
}

static RtStatus m_get_name(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    if (rt_parse_args(rt, "get_name", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    char buf[256];
    size_t len = task_name(task_from_future(self_fut(self)), buf, sizeof buf);
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    return str_value(rt, buf, len, out);
}

static RtStatus m_set_name(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Value v[1];
    if (rt_parse_args(rt, "set_name", "value", a, n, kw, v) != RT_OK)
        return RT_ERR;
    Value s;
    if (obj_str(rt, v[0], &s) != RT_OK)
        return RT_ERR;
    int r = task_set_name(task_from_future(self_fut(self)), val_str(s)->data);
    val_decref(rt, s);
    if (r < 0)
        return rt_no_memory(rt);
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_get_coro(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    if (rt_parse_args(rt, "get_coro", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    Coro c = task_coro(task_from_future(self_fut(self)));
    if (c.vt && c.vt->resume && strcmp(c.vt->name, "coroutine") == 0) {
        obj_incref((Obj *)c.self);
        *out = val_obj((Obj *)c.self);
    } else {
        *out = VAL_NONE_V;
    }
    return RT_OK;
}


static void done_cb_run(Loop *loop, void *data, void *arg)
{
    (void)loop;
    DoneCb *d = data;
    Vm *vm = d->vm;
    Future *f = arg;
    FutObj *h = vm_fut_wrap(vm, f);
    if (h) {
        Value a = val_obj(&h->hdr), r;
        Frame *saved = vm->frame;
        vm->frame = NULL;
        if (vm_call(vm, d->fn, &a, 1, NULL, &r) == RT_OK) {
            val_decref(&vm->rt, r);
        } else {
            Value e = rt_fetch_exc(&vm->rt);
            StrBuf sb;
            sb_init(&sb, &vm->rt);
            sb_puts(&sb, "Exception in callback ");
            obj_repr_sb(&vm->rt, d->fn, &sb);
            sb_puts(&sb, "\n");
            vm->tb_logged = true; /* through asyncio's logger */
            vm_format_exception(vm, e, &sb);
            vm->tb_logged = false;
            if (sb.buf)
                vm_write_err(vm, sb.buf, sb.len);
            sb_fini(&sb);
            val_decref(&vm->rt, e);
        }
        vm->frame = saved;
        obj_decref(&vm->rt, &h->hdr);
    } else {
        rt_clear_exc(&vm->rt);
    }
    val_decref(&vm->rt, d->fn);
    mem_free(vm->mem, d, sizeof *d);
}

static RtStatus m_add_done_callback(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Vm *vm = vm_of(rt);
    Value v[1];
    if (rt_parse_args(rt, "add_done_callback", "fn", a, n, kw, v) != RT_OK)
        return RT_ERR;
    DoneCb *d = mem_alloc(vm->mem, sizeof *d);
    if (!d)
        return rt_no_memory(rt);
    d->vm = vm;
    d->fn = val_incref(v[0]);
    if (future_add_callback(self_fut(self), done_cb_run, d) < 0) {
        val_decref(rt, d->fn);
        mem_free(vm->mem, d, sizeof *d);
        return rt_no_memory(rt);
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

/* Task.cancelling() / Task.uncancel() (3.11), PART2. */
static RtStatus m_cancelling(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    if (rt_parse_args(rt, "cancelling", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_int(task_cancelling(task_from_future(self_fut(self))));
    return RT_OK;
}

static RtStatus m_uncancel(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    if (rt_parse_args(rt, "uncancel", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_int(task_uncancel(task_from_future(self_fut(self))));
    return RT_OK;
}

static const MethodDef task_methods[] = {
    {"done", m_done},           {"cancelled", m_cancelled}, {"result", m_result},
    {"exception", m_exception}, {"cancel", m_cancel},       {"get_name", m_get_name},
    {"set_name", m_set_name},   {"get_coro", m_get_coro},   {"add_done_callback", m_add_done_callback},
    {"cancelling", m_cancelling}, {"uncancel", m_uncancel}, {NULL, NULL},
};
static const MethodDef future_methods[] = {
    {"done", m_done},           {"cancelled", m_cancelled}, {"result", m_result},
    {"exception", m_exception}, {"cancel", m_cancel},       {"add_done_callback", m_add_done_callback},
    {NULL, NULL},
};

const ObjType vm_task_type = {
    .name = "Task", .tp_name = "_asyncio.Task", .free = futobj_free, .repr = futobj_repr, .methods = task_methods,
    .traverse = futobj_traverse, .clear = futobj_clear, .gc_clear_first = true};
const ObjType vm_future_type = {
    .name = "Future", .tp_name = "_asyncio.Future", .free = futobj_free, .repr = futobj_repr, .methods = future_methods,
    .traverse = futobj_traverse, .clear = futobj_clear, .gc_clear_first = true};
const ObjType vm_gfuture_type = {
    .name = "_GatheringFuture", .free = futobj_free, .repr = futobj_repr, .methods = future_methods};
/* Not tracked: a gather's handle is in a cycle only when the program puts
 * it in its own result list, and tracking the one every `await gather()`
 * makes cost the tree benchmark ~8% of its time (freeing a tracked object
 * that lived across many others touches a cold slot of the gc array). */

/* ------------------------------------------------------------ native coroutines */

/* asyncio.sleep() objects are allocated without the tail (name, step,
 * state, obj, arg, fut) that only wait_for and nco_custom_new's objects use:
 * 64 bytes instead of 136 (vm.h). */
static size_t nco_obj_size(const NcoObj *n)
{
    return nco_kind(n) == NK_SLEEP ? NCO_SLEEP_SIZE : sizeof(NcoObj);
}

static void nco_free(Rt *rt, Obj *o)
{
    NcoObj *n = (NcoObj *)o;
    if (!nco_started(n) && !nco_in_task(n) && n->vm) {
        /* asyncio.sleep(1) without await: CPython warns about 'sleep'. */
        Code fake;
        memset(&fake, 0, sizeof fake);
        Str *q = rt_intern_cstr(rt, nco_name(n));
        if (q) {
            fake.qualname = q;
            vm_warn_never_awaited(n->vm, &fake);
        } else {
            rt_clear_exc(rt);
        }
    }
    if (coro_ok(n->coro))
        coro_drop(n->coro);
    val_decref(rt, n->result);
    if (nco_kind(n) != NK_SLEEP) {
        val_decref(rt, n->obj);
        val_decref(rt, n->arg);
        if (n->fut)
            future_release(n->fut);
    }
    obj_release(rt, o, nco_obj_size(n));
}

static RtStatus nco_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    sb_printf(sb, "<coroutine object %s at %p>", nco_name((NcoObj *)o), (void *)o);
    return RT_OK;
}

const ObjType vm_nco_type = {.name = "coroutine", .free = nco_free, .repr = nco_repr};

static CoroStatus custom_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    NcoObj *n = self;
    return n->step(n, task, how, in, out);
}
static const CoroVt custom_vt = {"coroutine", custom_resume, NULL};

NcoObj *nco_custom_new(Vm *vm, const char *name, NcoStepFn step, Value obj, Value arg)
{
    NcoObj *o = (NcoObj *)obj_alloc(&vm->rt, &vm_nco_type, sizeof(NcoObj));
    if (!o)
        return NULL;
    o->vm = vm;
    o->hdr.flags |= NK_CUSTOM;
    o->name = name;
    o->step = step;
    o->result = VAL_NONE_V;
    o->obj = val_incref(obj);
    o->arg = val_incref(arg);
    return o;
}

static bool as_engine_coro(Vm *vm, Value v, Coro *c, Code **code);
bool vm_is_coroutine(Value v);

Coro nco_make(Vm *vm, NcoObj *n)
{
    Rt *rt = &vm->rt;
    if (!vm->loop) {
        rt_raise_id(rt, CLS_RuntimeError, "no running event loop");
        return (Coro){NULL, NULL};
    }
    switch (nco_kind(n)) {
    case NK_SLEEP: {
        void *r = vm_to_host(vm, n->result);
        Coro c = nco_sleep(vm->loop, n->delay_ns, r);
        host_release(&vm->host, r);
        return c;
    }
    case NK_CUSTOM: return (Coro){&custom_vt, n};
    case NK_WAIT_FOR: {
        NcoAwaitable aw = {0};
        Value v = n->result;
        if (val_is_type(v, &vm_coro_type) || val_is_type(v, &vm_nco_type)) {
            Code *code;
            if (!as_engine_coro(vm, v, &aw.coro, &code)) {
                rt_raise_id(rt, CLS_RuntimeError, "cannot reuse already awaited coroutine");
                return (Coro){NULL, NULL};
            }
        } else {
            aw.fut = ((FutObj *)v.u.o)->f;
        }
        return nco_wait_for(vm->loop, aw, n->delay_ns);
    }
    default:
        rt_raise_id(rt, CLS_RuntimeError, "internal error: unknown native coroutine");
        return (Coro){NULL, NULL};
    }
}

/* A task running a native coroutine object: the engine drives n->coro; the
 * NcoObj only made it. */
static CoroStatus ncotask_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    NcoObj *n = self;
    if (!nco_started(n)) {
        n->hdr.flags |= NCOF_STARTED;
        n->coro = nco_make(n->vm, n);
        if (!coro_ok(n->coro)) {
            Value e = rt_fetch_exc(&n->vm->rt);
            *out = vm_to_host(n->vm, e);
            val_decref(&n->vm->rt, e);
            return CORO_RAISE;
        }
    }
    return coro_resume(n->coro, task, how, in, out);
}

static void ncotask_drop(void *self)
{
    NcoObj *n = self;
    obj_decref(&n->vm->rt, &n->hdr);
}

static const CoroVt ncotask_vt = {"sleep", ncotask_resume, ncotask_drop};

/* ------------------------------------------------------------ module functions */

static RtStatus need_loop(Vm *vm)
{
    if (!vm->loop)
        return rt_raise_id(&vm->rt, CLS_RuntimeError, "no running event loop");
    return RT_OK;
}

/* The engine coroutine of a coroutine object (the task takes a ref). */
static bool as_engine_coro(Vm *vm, Value v, Coro *c, Code **code)
{
    (void)vm;
    if (val_is_type(v, &vm_coro_type)) {
        CoroObj *co = (CoroObj *)v.u.o;
        /* A finished (or closed) coroutine makes a task too, which fails at
         * its first step with "cannot reuse already awaited coroutine"
         * (coro_vt_resume), as CPython's does: the task takes its Task-N. */
        if (co->state == CS_RUNNING || co->state == CS_SUSPENDED)
            return false;
        *c = vm_coro_as_engine(co);
        *code = coro_code(co);
        return true;
    }
    if (val_is_type(v, &vm_nco_type)) {
        NcoObj *n = (NcoObj *)v.u.o;
        if (nco_started(n) || nco_in_task(n))
            return false;
        obj_incref(&n->hdr);
        n->hdr.flags |= NCOF_IN_TASK;
        *c = (Coro){&ncotask_vt, n};
        *code = NULL;
        return true;
    }
    return false;
}

bool vm_is_coroutine(Value v)
{
    return val_is_type(v, &vm_coro_type) || val_is_type(v, &vm_nco_type);
}

/* Marks a coroutine object as owned by a task (no never-awaited warning). */
Task *vm_new_task(Vm *vm, Value coro, const char *name)
{
    Coro c;
    Code *code = NULL;
    if (!as_engine_coro(vm, coro, &c, &code)) {
        rt_raise_id(&vm->rt, CLS_RuntimeError, "cannot reuse already awaited coroutine");
        return NULL;
    }
    if (val_is_type(coro, &vm_coro_type))
        ((CoroObj *)coro.u.o)->in_task = true;
    Task *t = task_new(vm->loop, c, name);
    if (!t) {
        rt_no_memory(&vm->rt);
        return NULL;
    }
    (void)code; /* noted by h_task_created */
    return t;
}

static RtStatus f_create_task(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[3];
    if (rt_parse_args(rt, "create_task", "coro|$name,context", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    if (!vm_is_coroutine(v[0])) { /* create_task(f): the Task constructor's check */
        rt_raise_id(rt, CLS_TypeError, "a coroutine was expected, got %R", v[0]);
        static const VmStdlibFrame at[] = {VM_TB_TASKS_384, VM_TB_BASE_EVENTS_436};
        return vm_raise_from_stdlib(vm, at, 2, v, 1);
    }
    Task *t = vm_new_task(vm, v[0], NULL);
    if (!t)
        return RT_ERR;
    if (!val_is_undef(v[1]) && !val_is_none(v[1])) {
        Value s;
        if (obj_str(rt, v[1], &s) != RT_OK) {
            task_release(t);
            return RT_ERR;
        }
        task_set_name(t, val_str(s)->data);
        val_decref(rt, s);
    }
    FutObj *h = vm_fut_wrap(vm, task_future(t));
    task_release(t);
    if (!h)
        return RT_ERR;
    *out = val_obj(&h->hdr);
    return RT_OK;
}

static RtStatus f_sleep(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[2];
    if (rt_parse_args(rt, "sleep", "delay|result", a, n, kw, v) != RT_OK)
        return RT_ERR;
    double d;
    if (v[0].tag == VAL_INT)
        d = (double)v[0].u.i;
    else if (v[0].tag == VAL_FLOAT)
        d = v[0].u.f;
    else if (v[0].tag == VAL_BOOL)
        d = v[0].u.b;
    else
        return rt_raise_id(rt, CLS_TypeError, "'<=' not supported between instances of '%s' and 'int'",
                           obj_type_name(rt, v[0]));
    NcoObj *o = (NcoObj *)obj_alloc(rt, &vm_nco_type, NCO_SLEEP_SIZE);
    if (!o)
        return RT_ERR;
    o->vm = vm;
    o->hdr.flags |= NK_SLEEP;
    o->delay_ns = d <= 0 ? 0 : loop_ns_from_seconds(d);
    o->result = val_is_undef(v[1]) ? VAL_NONE_V : val_incref(v[1]);
    *out = val_obj(&o->hdr);
    return RT_OK;
}

/* gather's duplicate arguments share one child (CPython's arg_to_fut): an
 * open-addressing table of argument indices (+1, 0 = empty) keyed by the
 * object's address finds the first occurrence of each in O(1). Coroutines,
 * the usual arguments (gather(*[f() for ...])), need no table unless one
 * repeats: a mark bit in each, set by a first scan and cleared by a second,
 * tells whether one does (100,000 coroutines: no 1 MiB table alive while
 * their tasks are made). */
static bool coro_mark(Value v, bool set)
{
    if (val_is_type(v, &vm_coro_type)) {
        CoroObj *c = (CoroObj *)v.u.o;
        bool was = c->mark;
        c->mark = set;
        return was;
    }
    NcoObj *n = (NcoObj *)v.u.o;
    bool was = (n->hdr.flags & NCOF_MARK) != 0;
    n->hdr.flags = set ? n->hdr.flags | NCOF_MARK : n->hdr.flags & ~(uint32_t)NCOF_MARK;
    return was;
}

static size_t arg_slot(const Value *a, const uint32_t *tab, size_t mask, size_t i)
{
    uint64_t h = ((uint64_t)(uintptr_t)a[i].u.o >> 4) * 0x9E3779B97F4A7C15ull;
    size_t k = (size_t)(h >> 32) & mask;
    while (tab[k] && a[tab[k] - 1].u.o != a[i].u.o)
        k = (k + 1) & mask;
    return k;
}

static RtStatus f_wait_for(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[2];
    if (rt_parse_args(rt, "wait_for", "fut,timeout", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (!vm_is_coroutine(v[0]) && !val_is_type(v[0], &vm_task_type) && !val_is_type(v[0], &vm_future_type) &&
        !val_is_type(v[0], &vm_gfuture_type))
        return rt_raise_id(rt, CLS_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
    int64_t t = NCO_NO_TIMEOUT;
    if (!val_is_none(v[1])) {
        double d;
        if (v[1].tag == VAL_INT)
            d = (double)v[1].u.i;
        else if (v[1].tag == VAL_FLOAT)
            d = v[1].u.f;
        else
            return rt_raise_id(rt, CLS_TypeError, "'<=' not supported between instances of '%s' and 'int'",
                               obj_type_name(rt, v[1]));
        t = d <= 0 ? 0 : loop_ns_from_seconds(d);
    }
    NcoObj *o = (NcoObj *)obj_alloc(rt, &vm_nco_type, sizeof(NcoObj));
    if (!o)
        return RT_ERR;
    o->vm = vm;
    o->hdr.flags |= NK_WAIT_FOR;
    o->name = "wait_for";
    o->delay_ns = t;
    o->result = val_incref(v[0]);
    o->obj = o->arg = VAL_NONE_V;
    /* The awaitable is consumed by wait_for: no never-awaited warning for
     * it, the one for wait_for itself is enough. */
    if (val_is_type(v[0], &vm_coro_type))
        ((CoroObj *)v[0].u.o)->in_task = true;
    *out = val_obj(&o->hdr);
    return RT_OK;
}

static RtStatus f_gather(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    bool retexc = false;
    size_t nkw = kw ? kw->len : 0;
    for (size_t k = 0; k < nkw; k++) {
        Str *name = val_str(kw->items[k]);
        if (!str_eq_cstr(name, "return_exceptions"))
            return rt_raise_id(rt, CLS_TypeError, "gather() got an unexpected keyword argument '%s'",
                               name->data);
        bool t;
        if (obj_truthy(rt, a[n + k], &t) != RT_OK)
            return RT_ERR;
        retexc = t;
    }
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    /* As CPython's gather, the arguments before the first one that is not
     * awaitable become tasks (which run) before it raises. */
    size_t bad = n;
    for (size_t i = 0; i < n && bad == n; i++)
        if (!vm_is_coroutine(a[i]) && !val_is_type(a[i], &vm_task_type) &&
            !val_is_type(a[i], &vm_future_type) && !val_is_type(a[i], &vm_gfuture_type))
            bad = i;
    /* Which arguments go through the table: the futures and tasks, and
     * every argument when a coroutine repeats. */
    bool repeats = false;
    size_t nfut = 0;
    for (size_t i = 0; i < n; i++) {
        if (!vm_is_coroutine(a[i]))
            nfut++;
        else if (coro_mark(a[i], true))
            repeats = true;
    }
    for (size_t i = 0; i < n; i++)
        if (vm_is_coroutine(a[i]))
            coro_mark(a[i], false);
    size_t intab = repeats ? n : nfut;
    size_t cap = n ? n : 1;
    size_t tsize = 0;
    if (intab) {
        tsize = 4;
        while (tsize < 2 * intab)
            tsize *= 2;
    }
    Future **fs = mem_alloc(vm->mem, cap * sizeof *fs); /* fs[0..nfs) are set */
    uint32_t *tab = tsize ? mem_calloc(vm->mem, tsize * sizeof *tab) : NULL;
    if (!fs || (tsize && !tab) || n >= UINT32_MAX) {
        mem_free(vm->mem, fs, cap * sizeof *fs);
        mem_free(vm->mem, tab, tsize * sizeof *tab);
        return rt_no_memory(rt);
    }
    RtStatus st = RT_OK;
    size_t nfs = 0;
    for (size_t i = 0; i < bad && st == RT_OK; i++, nfs++) {
        fs[i] = NULL;
        if (repeats || !vm_is_coroutine(a[i])) {
            size_t k = arg_slot(a, tab, tsize - 1, i);
            if (tab[k]) { /* a duplicate: shares the first one's child */
                fs[i] = fs[tab[k] - 1];
                future_retain(fs[i]);
                continue;
            }
            tab[k] = (uint32_t)i + 1;
        }
        if (vm_is_coroutine(a[i])) {
            Task *t = vm_new_task(vm, a[i], NULL);
            if (!t)
                st = RT_ERR;
            else
                fs[i] = task_future(t);
        } else {
            fs[i] = ((FutObj *)a[i].u.o)->f;
            future_retain(fs[i]);
        }
    }
    mem_free(vm->mem, tab, tsize * sizeof *tab);
    if (st != RT_OK || bad < n) {
        for (size_t i = 0; i < nfs; i++)
            if (fs[i])
                future_release(fs[i]);
        mem_free(vm->mem, fs, cap * sizeof *fs);
        if (st != RT_OK)
            return st;
        rt_raise_id(rt, CLS_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
        static const VmStdlibFrame at[] = {VM_TB_TASKS_827, VM_TB_TASKS_674};
        return vm_raise_from_stdlib(vm, at, 2, a, n);
    }
    if (n == 0) {
        mem_free(vm->mem, fs, cap * sizeof *fs);
        fs = NULL;
    }
    Future *g = nco_gather_take(vm->loop, fs, n, retexc); /* fs is the gather's now */
    if (!g)
        return rt_no_memory(rt);
    FutObj *h = vm_fut_wrap(vm, g);
    future_release(g);
    if (!h)
        return RT_ERR;
    *out = val_obj(&h->hdr);
    return RT_OK;
}

static RtStatus f_current_task(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value lv[1];
    if (rt_parse_args(rt, "current_task", "|loop", a, n, kw, lv) != RT_OK)
        return RT_ERR;
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    Task *t = loop_current_task(vm->loop);
    if (!t) {
        *out = VAL_NONE_V;
        return RT_OK;
    }
    FutObj *h = vm_fut_wrap(vm, task_future(t));
    if (!h)
        return RT_ERR;
    *out = val_obj(&h->hdr);
    return RT_OK;
}

static RtStatus f_all_tasks(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value lv[1];
    if (rt_parse_args(rt, "all_tasks", "|loop", a, n, kw, lv) != RT_OK)
        return RT_ERR;
    if (need_loop(vm) != RT_OK)
        return RT_ERR;
    List *l = list_new(rt, 0);
    if (!l)
        return RT_ERR;
    for (Task *t = loop_first_task(vm->loop); t; t = task_next_pending(t)) {
        FutObj *h = vm_fut_wrap(vm, task_future(t));
        if (!h || list_append_take(rt, l, val_obj(&h->hdr)) != RT_OK) {
            obj_decref(rt, &l->hdr);
            return RT_ERR;
        }
    }
    *out = val_obj(&l->hdr);
    return RT_OK;
}

static RtStatus f_iscoroutine(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "iscoroutine", "object", a, n, kw, v) != RT_OK)
        return RT_ERR;
    *out = val_bool(vm_is_coroutine(v[0]));
    return RT_OK;
}

static RtStatus f_run(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value v[2];
    if (rt_parse_args(rt, "run", "main|$debug", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (vm->loop) {
        rt_raise_id(rt, CLS_RuntimeError, "asyncio.run() cannot be called from a running event loop");
        static const VmStdlibFrame at[] = {VM_TB_RUNNERS_186};
        return vm_raise_from_stdlib(vm, at, 1, v, 1);
    }
    if (!vm_is_coroutine(v[0])) { /* asyncio.run(main): Runner.run's check */
        rt_raise_id(rt, CLS_ValueError, "a coroutine was expected, got %R", v[0]);
        static const VmStdlibFrame at[] = {VM_TB_RUNNERS_190, VM_TB_RUNNERS_89};
        return vm_raise_from_stdlib(vm, at, 2, v, 1);
    }
    if (vm->c_depth == 1 && vm->defer_runs) {
        /* Hand the loop to the host (interp.c), which resumes us after. */
        vm->run_request = val_incref(v[0]);
        *out = VAL_NONE_V;
        return RT_OK;
    }
    return vm_asyncio_run(vm, v[0], out);
}

/* ------------------------------------------------------------ asyncio.run */

static void stop_cb(Loop *loop, void *data, void *arg)
{
    (void)data;
    (void)arg;
    loop_stop(loop);
}

static CoroStatus trivial_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    (void)self;
    (void)task;
    if (how == CORO_THROW) {
        *out = in;
        if (in)
            obj_incref(in);
        return CORO_RAISE;
    }
    *out = NULL;
    return CORO_RETURN;
}
static const CoroVt trivial_vt = {"shutdown", trivial_resume, NULL};

static void set_clock(Vm *vm, Loop *loop)
{
    double speed = 1.0;
    InterpClock c = vm_clock(vm, &speed);
    if (c == INTERP_CLOCK_REAL)
        loop_set_clock(loop, LOOP_CLOCK_REAL, speed);
    else if (c == INTERP_CLOCK_STEPPED)
        loop_set_clock(loop, LOOP_CLOCK_STEPPED, 1.0);
}

RtStatus aiorun_start(Vm *vm, AioRun *r, Value coro)
{
    Rt *rt = &vm->rt;
    memset(r, 0, sizeof *r);
    Loop *loop = loop_new(&vm->host);
    if (!loop)
        return rt_no_memory(rt);
    set_clock(vm, loop);
    if (vm->trace)
        loop_set_trace(loop, vm->trace);
    vm->loop = loop;
    r->loop = loop;
    Task *t = vm_new_task(vm, coro, NULL);
    if (!t) {
        vm->loop = NULL;
        loop_free(loop);
        return RT_ERR;
    }
    r->main = t;
    r->wait = task_future(t);
    future_retain(r->wait);
    if (future_add_callback(r->wait, stop_cb, NULL) < 0) {
        future_release(r->wait);
        task_release(t);
        vm->loop = NULL;
        loop_free(loop);
        return rt_no_memory(rt);
    }
    r->phase = AR_MAIN;
    return RT_OK;
}

static void report_shutdown_errors(Vm *vm, AioRun *r)
{
    for (size_t i = 0; i < r->ncancelled; i++) {
        Future *f = r->cancelled[i];
        if (future_state(f) != FUTURE_EXCEPTION)
            continue;
        void *e = future_exception(f);
        if (host_is_cancelled(&vm->host, e))
            continue;
        StrBuf sb;
        sb_init(&sb, &vm->rt);
        sb_puts(&sb, "unhandled exception during asyncio.run() shutdown\ntask: ");
        fut_repr_sb(vm, f, &sb);
        sb_putc(&sb, '\n');
        Value ev = vm_from_host(vm, e);
        vm->tb_logged = true; /* through asyncio's logger */
        vm_format_exception(vm, ev, &sb);
        vm->tb_logged = false;
        val_decref(&vm->rt, ev);
        if (sb.buf)
            vm_write_err(vm, sb.buf, sb.len);
        sb_fini(&sb);
    }
}

/* What asyncio.run's own frames add to main's exception on the way out. */
static void prepend_run_frames(Vm *vm, AioRun *r, Value ev)
{
    if (r->tb_prepended)
        return;
    r->tb_prepended = true;
    vm_tb_prepend_stdlib(vm, ev, VM_TB_BASE_EVENTS_653);
    vm_tb_prepend_stdlib(vm, ev, VM_TB_RUNNERS_118);
    vm_tb_prepend_stdlib(vm, ev, VM_TB_RUNNERS_190);
}

/* CPython shuts the loop down in Runner.__exit__, so when main raised,
 * that exception (already through asyncio.run's frames) is the one being
 * handled while the remaining tasks run: the context of what they raise. */
static void set_shutdown_context(Vm *vm, AioRun *r)
{
    Future *mf = task_future(r->main);
    if (!future_done(mf) || r->main_err)
        return;
    r->main_err = future_take_error(mf); /* asyncio.run re-raises it after */
    if (!r->main_err)
        return;
    Value ev = vm_from_host(vm, r->main_err);
    if (val_is_exc(ev)) {
        prepend_run_frames(vm, r, ev);
        vm->shutdown_exc = (Exc *)ev.u.o; /* r->main_err keeps it */
    }
    val_decref(&vm->rt, ev);
}

/* Moves to the next phase; returns false when there is nothing to wait for
 * in it (the caller advances again). */
static bool next_phase(Vm *vm, AioRun *r)
{
    Loop *loop = r->loop;
    if (r->wait) {
        future_release(r->wait);
        r->wait = NULL;
    }
    switch (r->phase) {
    case AR_MAIN: {
        r->phase = AR_CANCEL;
        set_shutdown_context(vm, r);
        size_t n = 0;
        for (Task *t = loop_first_task(loop); t; t = task_next_pending(t))
            n++;
        if (n == 0)
            return false;
        r->cancelled = mem_calloc(vm->mem, n * sizeof *r->cancelled);
        if (!r->cancelled)
            return false;
        for (Task *t = loop_first_task(loop); t && r->ncancelled < n; t = task_next_pending(t)) {
            r->cancelled[r->ncancelled++] = task_future(t);
            future_retain(task_future(t));
        }
        for (size_t i = 0; i < r->ncancelled; i++) {
            task_cancel(task_from_future(r->cancelled[i]), NULL);
            if (task_cancel_overflowed(loop)) {
                /* tasks awaiting each other in a cycle: _cancel_all_tasks
                 * stops at the RecursionError, which asyncio.run raises
                 * instead of main's outcome; the tasks stay pending */
                rt_raise_id(&vm->rt, CLS_RecursionError,
                            "maximum recursion depth exceeded while calling a Python object");
                vm_set_exc_context(vm, NULL); /* main's exception, when it raised */
                Value e = rt_fetch_exc(&vm->rt);
                /* raised in Runner.__exit__, not through run_until_complete */
                vm_tb_prepend_stdlib(vm, e, VM_TB_RUNNERS_199);
                vm_tb_prepend_stdlib(vm, e, VM_TB_RUNNERS_71);
                vm_tb_prepend_stdlib(vm, e, VM_TB_RUNNERS_63);
                vm_tb_prepend_stdlib(vm, e, VM_TB_RUNNERS_189);
                r->tb_prepended = true;
                r->cancel_raised = true;
                vm->shutdown_exc = NULL; /* r->main_err kept it */
                host_release(&vm->host, r->main_err);
                r->main_err = vm_to_host(vm, e);
                val_decref(&vm->rt, e);
                r->phase = AR_DONE;
                return true;
            }
        }
        r->wait = nco_gather(loop, r->cancelled, r->ncancelled, true);
        if (!r->wait || future_add_callback(r->wait, stop_cb, NULL) < 0)
            return false;
        return true;
    }
    case AR_CANCEL:
        report_shutdown_errors(vm, r);
        r->phase = AR_AGEN;
        break;
    case AR_AGEN: r->phase = AR_EXEC; break;
    default: r->phase = AR_DONE; return true;
    }
    /* AGEN and EXEC: a task each, which takes a Task-N number. */
    Task *t = task_new(loop, (Coro){&trivial_vt, NULL}, NULL);
    if (!t)
        return false;
    r->wait = task_future(t);
    if (future_add_callback(r->wait, stop_cb, NULL) < 0)
        return false;
    return true;
}

/* ---- tasks destroyed pending
 *
 * asyncio.run neither cancels nor awaits a task created during its shutdown
 * (e.g. in the `finally:` of a task it cancels): the task may start, then
 * the loop is closed under it. CPython reports each such task when it is
 * deallocated: "Task was destroyed but it is pending!" and its repr. One
 * waiting in the ready queue goes with the loop's queue at close (repr
 * first, with the line its coroutine is paused at; then its coroutine is
 * closed, running its `finally` blocks); one suspended on a future is in a
 * reference cycle, collected at interpreter exit (coroutine closed first,
 * so the repr shows it done). Both happen here at those two moments: the
 * second kind is kept in vm->destroyed until aiorun_at_exit. */

static void write_destroyed(Vm *vm, Value report)
{
    static const char head[] = "Task was destroyed but it is pending!\ntask: ";
    vm_write_err(vm, head, sizeof head - 1);
    Str *s = val_str(report);
    vm_write_err(vm, s->data, s->len);
    vm_write_err(vm, "\n", 1);
}

/* Stops the coroutine from awaiting anything of the loop (timers, futures)
 * before the loop goes: what it awaited is dropped, so that a later
 * GeneratorExit is raised at the await itself. */
static void detach_await(Vm *vm, CoroObj *c)
{
    Frame *inner = c->state == CS_SUSPENDED ? coro_inner(c) : NULL;
    if (!inner)
        return;
    if (frame_awaits(inner, &vm_nco_type)) {
        NcoObj *n = (NcoObj *)inner->awaiting;
        if (coro_ok(n->coro) && nco_kind(n) != NK_CUSTOM) {
            Coro nc = n->coro;
            n->coro = (Coro){NULL, NULL};
            coro_drop(nc);
        }
    }
    vm_frame_drop_await(vm, inner);
}

/* coroutine.close() on a suspended coroutine: GeneratorExit at its await,
 * which runs its `finally` blocks. What CPython prints when the coroutine
 * does not end with GeneratorExit is printed the same way. */
static void close_coro(Vm *vm, CoroObj *c)
{
    Rt *rt = &vm->rt;
    if (c->state == CS_CREATED) {
        c->closed = true; /* a task owned it: no never-awaited warning */
        return;
    }
    if (c->state != CS_SUSPENDED)
        return;
    detach_await(vm, c);
    Value ge;
    if (exc_new(rt, rt->cls[CLS_GeneratorExit], NULL, 0, &ge) != RT_OK) {
        rt_clear_exc(rt);
        return;
    }
    void *in = vm_to_host(vm, ge);
    void *out = NULL;
    Coro cc = vm_coro_as_engine(c);
    CoroStatus cs = coro_resume(cc, NULL, CORO_THROW, in, &out);
    StrBuf sb;
    sb_init(&sb, rt);
    if (cs == CORO_RAISE) {
        Value e = vm_from_host(vm, out);
        if (!obj_isinstance(rt, e, rt->cls[CLS_GeneratorExit]) && val_is_exc(e)) {
            /* sys.unraisablehook's report: no chained exceptions */
            sb_puts(&sb, "Exception ignored in: ");
            obj_repr_sb(rt, val_obj(&c->hdr), &sb);
            sb_putc(&sb, '\n');
            Value tb = ((Exc *)e.u.o)->traceback;
            if (val_is_type(tb, &vm_tb_type)) {
                sb_puts(&sb, "Traceback (most recent call last):\n");
                vm_format_tb(vm, tb, &sb);
            }
            vm_format_exc_only(vm, e, &sb);
        }
        val_decref(rt, e);
    } else if (cs != CORO_RETURN) {
        sb_puts(&sb, "Exception ignored in: ");
        obj_repr_sb(rt, val_obj(&c->hdr), &sb);
        sb_puts(&sb, "\nRuntimeError: coroutine ignored GeneratorExit\n");
    }
    rt_clear_exc(rt);
    if (sb.buf && sb.len)
        vm_write_err(vm, sb.buf, sb.len);
    sb_fini(&sb);
    if (cs == CORO_RAISE || cs == CORO_RETURN)
        host_release(&vm->host, out);
    host_release(&vm->host, in);
    val_decref(rt, ge);
    coro_drop(cc);
}

static int paused_line(CoroObj *c)
{
    const Frame *f = c->state == CS_SUSPENDED ? coro_inner(c) : coro_frame(c);
    if (!f || !f->code || !f->code->locs)
        return coro_code(c)->firstline;
    if (c->state == CS_CREATED)
        return f->code->firstline;
    uint32_t pc = f->pc ? f->pc - 1 : 0;
    return pc < f->code->nins ? f->code->locs[pc].line : coro_code(c)->firstline;
}

/* The task's repr at its deallocation: coro=<f() running at FILE:LINE>
 * (ready queue) or, waiting on a future, its repr as a program would print
 * it (what it waits for, the tasks waiting for it), with its coroutine
 * closed, coro=<f() done, defined at FILE:LINE>: the collector finalizes
 * the coroutine before the task (made first, tracked first; corpus 232).
 * When _cancel_all_tasks raised, its traceback kept every task alive
 * through the first collection at exit, which moves a coroutine behind its
 * task: the task is finalized first, and its coroutine still shows where
 * it is paused (tests/hostile/cancel-await-cycle.py; CPython's order of the
 * reports then follows that collection, ours is creation order). */
static RtStatus destroyed_repr(Vm *vm, Task *t, CoroObj *c, bool cancel_raised, Value *out)
{
    StrBuf sb;
    sb_init(&sb, &vm->rt);
    if (c && (task_fut_waiter(t) || task_sleeping(t))) {
        vm->repr_coros_closed = !cancel_raised;
        handle_repr(vm, task_future(t), false, &sb);
        vm->repr_coros_closed = false;
        return sb_finish(&sb, out);
    }
    char name[128];
    task_name(t, name, sizeof name);
    /* a task whose cancel() went round a cycle of awaits (RecursionError)
     * was counted cancelling on the way: CPython's repr says so */
    sb_printf(&sb, "<Task %s name='%s' coro=<", task_cancelling(t) > 0 ? "cancelling" : "pending", name);
    Coro tc = task_coro(t);
    if (!c)
        sb_printf(&sb, "%s()>", tc.vt == &ncotask_vt ? ((NcoObj *)tc.self)->name : "coroutine");
    else if (task_fut_waiter(t) || task_sleeping(t))
        sb_printf(&sb, "%s() done, defined at %s:%d>", coro_code(c)->qualname->data, coro_code(c)->filename,
                  coro_code(c)->firstline);
    else
        sb_printf(&sb, "%s() running at %s:%d>", coro_code(c)->qualname->data, coro_code(c)->filename, paused_line(c));
    if (task_fut_waiter(t) || task_sleeping(t))
        sb_puts(&sb, " wait_for=<Future pending cb=[Task.task_wakeup()]>");
    sb_putc(&sb, '>');
    return sb_finish(&sb, out);
}

/* At the loop's close: reports (and closes) the ready ones, keeps the
 * waiting ones for aiorun_at_exit. */
static void drop_leftover_tasks(Vm *vm, Loop *loop, bool cancel_raised)
{
    Rt *rt = &vm->rt;
    Loop *running = vm->loop;
    vm->loop = NULL; /* the loop is not running any more (asyncio calls fail) */
    for (Task *t = loop_first_task(loop); t; t = task_next_pending(t)) {
        CoroObj *c = vm_coro_of_engine(task_coro(t));
        Value report;
        if (destroyed_repr(vm, t, c, cancel_raised, &report) != RT_OK) {
            rt_clear_exc(rt);
            continue;
        }
        if (!task_fut_waiter(t) && !task_sleeping(t)) {
            write_destroyed(vm, report);
            val_decref(rt, report);
            if (c)
                close_coro(vm, c);
            continue;
        }
        Tuple *pair = tuple_new(rt, 2);
        if (!vm->destroyed)
            vm->destroyed = list_new(rt, 0);
        if (!pair || !vm->destroyed) {
            rt_clear_exc(rt);
            val_decref(rt, report);
            if (pair)
                obj_decref(rt, &pair->hdr);
            continue;
        }
        if (c) {
            obj_incref(&c->hdr);
            detach_await(vm, c);
        }
        pair->items[0] = c ? val_obj(&c->hdr) : VAL_NONE_V;
        pair->items[1] = report;
        if (list_append_take(rt, vm->destroyed, val_obj(&pair->hdr)) != RT_OK)
            rt_clear_exc(rt);
    }
    vm->loop = running;
}

void aiorun_at_exit(Vm *vm, bool report)
{
    Rt *rt = &vm->rt;
    List *l = vm->destroyed;
    vm->destroyed = NULL;
    if (!l)
        return;
    report = report && !vm->budget_hit && !vm->interrupted;
    for (size_t i = 0; i < l->len; i++) {
        Tuple *pair = (Tuple *)l->items[i].u.o;
        if (!report)
            continue;
        if (val_is_type(pair->items[0], &vm_coro_type))
            close_coro(vm, (CoroObj *)pair->items[0].u.o);
        write_destroyed(vm, pair->items[1]);
    }
    obj_decref(rt, &l->hdr);
}

static void aiorun_finish(Vm *vm, AioRun *r)
{
    if (r->wait) {
        future_release(r->wait);
        r->wait = NULL;
    }
    for (size_t i = 0; i < r->ncancelled; i++)
        future_release(r->cancelled[i]);
    mem_free(vm->mem, r->cancelled, r->ncancelled * sizeof *r->cancelled);
    r->cancelled = NULL;
    r->ncancelled = 0;
    if (r->loop && !vm->aborting)
        drop_leftover_tasks(vm, r->loop, r->cancel_raised);
    vm->shutdown_exc = NULL;
    vm->loop = NULL;
    if (r->loop)
        loop_free(r->loop);
    r->loop = NULL;
}

void aiorun_abort(Vm *vm, AioRun *r)
{
    Task *m = r->main;
    vm->aborting = true;
    aiorun_finish(vm, r);
    host_release(&vm->host, r->main_err);
    r->main_err = NULL;
    if (m)
        task_release(m);
    vm->aborting = false;
    r->main = NULL;
    r->phase = AR_DONE;
}

int aiorun_step(Vm *vm, AioRun *r, AioStepMode mode, Value *out, RtStatus *st)
{
    Rt *rt = &vm->rt;
    for (;;) {
        if (r->phase == AR_DONE) {
            /* main's outcome */
            Task *m = r->main;
            Future *mf = task_future(m);
            aiorun_finish(vm, r);
            r->main = NULL;
            void *e = r->main_err;
            r->main_err = NULL;
            if (!e && future_done(mf))
                e = future_take_error(mf);
            if (!future_done(mf)) {
                *st = rt_raise_id(rt, CLS_RuntimeError, "Event loop stopped before Future completed.");
            } else if (e) {
                Value ev = vm_from_host(vm, e);
                host_release(&vm->host, e);
                prepend_run_frames(vm, r, ev);
                rt_raise_value(rt, ev);
                val_decref(rt, ev);
                *st = RT_ERR;
            } else {
                *out = vm_from_host(vm, future_result(mf));
                *st = RT_OK;
            }
            task_release(m);
            return 1;
        }
        if (!r->wait) {
            if (!next_phase(vm, r) && r->phase != AR_DONE && !r->wait)
                continue;
            continue;
        }
        vm->loop_running = true;
        LoopStatus ls = mode == AIO_STEP_TASK ? loop_run_step(r->loop) : loop_run_once(r->loop);
        vm->loop_running = false;
        if (vm->budget_hit || vm->interrupted) {
            Value e = vm->budget_exc;
            vm->budget_exc = VAL_UNDEF_V;
            aiorun_abort(vm, r);
            if (!val_is_undef(e)) {
                rt_raise_value(rt, e);
                val_decref(rt, e);
            } else {
                rt_raise_id(rt, CLS_RuntimeError, "program interrupted");
            }
            *st = RT_ERR;
            return 1;
        }
        if (vm->max_time_ns && loop_time(r->loop) > vm->max_time_ns) {
            aiorun_abort(vm, r);
            *st = rt_raise_id(rt, CLS_RuntimeError,
                              "the program's clock passed the limit of %.0f seconds of (virtual) time",
                              (double)vm->max_time_ns / 1e9);
            return 1;
        }
        switch (ls) {
        case LOOP_STOPPED:
            if (!next_phase(vm, r))
                continue;
            break;
        case LOOP_RAN: break;
        case LOOP_WAITING: return 2;
        case LOOP_IDLE:
            if (r->phase == AR_MAIN) {
                aiorun_abort(vm, r);
                *st = rt_raise_id(rt, CLS_RuntimeError,
                                  "the event loop has nothing left to run, but main() never finished: "
                                  "it awaits something that nothing will ever complete");
                return 1;
            }
            /* Shutdown stuck: give up on it. */
            future_release(r->wait);
            r->wait = NULL;
            if (r->phase == AR_EXEC)
                r->phase = AR_DONE;
            else if (!next_phase(vm, r))
                continue;
            break;
        case LOOP_ENOMEM:
            aiorun_abort(vm, r);
            *st = rt_no_memory(rt);
            return 1;
        }
        if (mode != AIO_STEP_ALL)
            return 0;
    }
}

RtStatus vm_asyncio_run(Vm *vm, Value coro, Value *out)
{
    AioRun r;
    if (aiorun_start(vm, &r, coro) != RT_OK)
        return RT_ERR;
    RtStatus st = RT_OK;
    while (aiorun_step(vm, &r, AIO_STEP_ALL, out, &st) != 1)
        ;
    return st;
}

/* ------------------------------------------------------------ module */

RtStatus mod_asyncio_init(Vm *vm)
{
    Rt *rt = &vm->rt;
    Module *m = module_new(rt, "asyncio");
    if (!m)
        return RT_ERR;
    vm->mod_asyncio = m;
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        {"run", f_run},
        {"sleep", f_sleep},
        {"create_task", f_create_task},
        {"ensure_future", f_create_task},
        {"gather", f_gather},
        {"current_task", f_current_task},
        {"all_tasks", f_all_tasks},
        {"iscoroutine", f_iscoroutine},
        {"wait_for", f_wait_for},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (module_add_native(rt, m, fns[i].name, fns[i].fn, vm) != RT_OK)
            return RT_ERR;
    if (module_add_value(rt, m, "CancelledError", val_obj(&rt->cls[CLS_CancelledError]->hdr)) != RT_OK ||
        module_add_value(rt, m, "TimeoutError", val_obj(&rt->cls[CLS_TimeoutError]->hdr)) != RT_OK ||
        module_add_value(rt, m, "InvalidStateError", val_obj(&rt->cls[CLS_InvalidStateError]->hdr)) !=
            RT_OK ||
        module_add_value(rt, m, "QueueEmpty", val_obj(&rt->cls[CLS_QueueEmpty]->hdr)) != RT_OK ||
        module_add_value(rt, m, "QueueFull", val_obj(&rt->cls[CLS_QueueFull]->hdr)) != RT_OK)
        return RT_ERR;
    if (mod_aiosync_init(vm, m) != RT_OK)
        return RT_ERR;
    return mod_aioflow_init(vm, m); /* wait, as_completed, shield (PART2) */
}
