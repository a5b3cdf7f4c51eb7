/* interp: the embedding API (interp.h) over the parser, compiler and VM.
 *
 * A program runs as a little state machine: module code runs in the VM until
 * it finishes or calls asyncio.run at top level; then the event loop of that
 * run is driven here (AioRun, one step or iteration per interp_step), and
 * when it is over the module frame is resumed with asyncio.run's result or
 * exception. interp_run just steps until the end.
 */
#include "engine/lang/interp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/lang/compile.h"
#include "engine/lang/disasm.h"
#include "engine/lang/parse.h"
#include "engine/lang/vm.h"

typedef enum { IS_EMPTY, IS_MODULE, IS_LOOP, IS_DONE } IState;

struct Interp {
    InterpConfig cfg;
    Mem mem;
    Vm vm;
    bool vm_ok;
    Ast *ast;
    Code *code;
    Dict *globals;
    Frame *modframe; /* the module's frame (entry) */
    Frame *resume;   /* frame to continue the module in */
    bool throw_next; /* resume by raising rt->exc */
    AioRun run;
    IState state;
    int status;
    InterpDiag diag;
    /* The uncaught exception once printed, kept as CPython's sys.last_value
     * until exit (teardown_program): what its traceback's frames held goes
     * then, warning as `sys:1:`. */
    Value last_exc;
    Trace *trace;
    /* The spin watch (spin_watch): the loop it watches, loop_steps() at the
     * last sign of progress, and the clock and timer count seen last. */
    Loop *spin_loop;
    uint64_t spin_mark;
    int64_t spin_time;
    size_t spin_timers;
    /* The busy watch (busy_watch): the loop it watches, loop_steps() when
     * it last looked, and the task steps counted since the last wait. */
    Loop *busy_loop;
    uint64_t busy_seen;
    uint64_t busy_steps;
};

void interp_config_init(InterpConfig *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->clock = INTERP_CLOCK_VIRTUAL;
    cfg->speed = 1.0;
}

void interp_emit_out(Interp *ip, const char *s, size_t n)
{
    if (ip->cfg.out && n)
        ip->cfg.out(ip->cfg.host, s, n);
}

void interp_emit_err(Interp *ip, const char *s, size_t n)
{
    if (ip->cfg.err && n)
        ip->cfg.err(ip->cfg.host, s, n);
}

InterpClock vm_clock(Vm *vm, double *speed)
{
    *speed = vm->ip->cfg.speed;
    return vm->ip->cfg.clock;
}

Interp *interp_new(const InterpConfig *cfg)
{
    /* The Interp holds the Mem everything else is allocated from, so it is
     * the one block that comes from calloc. */
    Interp *ip = calloc(1, sizeof *ip);
    if (!ip)
        return NULL;
    if (cfg)
        ip->cfg = *cfg;
    else
        interp_config_init(&ip->cfg);
    InterpConfig *c = &ip->cfg;
    if (!c->step_budget)
        c->step_budget = 30000000; /* about 0.3 s of the tightest loop */
    if (!c->recursion_limit)
        c->recursion_limit = 1000;
    if (!c->mem_limit)
        c->mem_limit = (size_t)1 << 30;
    if (c->max_virtual_time <= 0)
        c->max_virtual_time = 1e7;
    if (!c->spin_limit)
        c->spin_limit = 3000000; /* the switch bench runs 1M steps at one instant */
    if (!c->busy_limit)
        c->busy_limit = 3000000; /* the benchmarks take up to 1.1M, lessons far less */
    if (c->speed <= 0)
        c->speed = 1.0;
    mem_init(&ip->mem, c->mem_limit);
    ip->status = -1;
    if (vm_init(&ip->vm, &ip->mem, ip) != RT_OK) {
        ip->vm_ok = true; /* partially: fini is still safe */
        interp_free(ip);
        return NULL;
    }
    ip->vm_ok = true;
    ip->vm.budget = c->step_budget;
    ip->vm.recursion_limit = c->recursion_limit;
    ip->vm.max_time_ns = (int64_t)(c->max_virtual_time * 1e9);
    ip->vm.defer_runs = true;
    if (c->trace) {
        ip->trace = trace_new(&ip->mem);
        ip->vm.trace = ip->trace;
    }
    return ip;
}

static void teardown_program(Interp *ip)
{
    Vm *vm = &ip->vm;
    bool ended = ip->state == IS_DONE;
    if (ip->state == IS_LOOP)
        aiorun_abort(vm, &ip->run);
    vm->at_exit = true;
    Value last = ip->last_exc; /* sys.last_value goes first (finalize_modules_delete_special) */
    ip->last_exc = VAL_UNDEF_V;
    val_decref(&vm->rt, last);
    vm_drop_kept_locals(vm);
    aiorun_at_exit(vm, ended); /* CPython's collection of cycles at exit */
    if (ip->modframe) {
        vm_frame_free(vm, ip->modframe);
        ip->modframe = NULL;
    }
    if (ip->globals) {
        /* Functions hold the globals dict (a cycle, as in CPython): empty
         * it entry by entry, in insertion order, before dropping it. */
        Dict *g = ip->globals;
        ip->globals = NULL;
        Rt *rt = &vm->rt;
        List *keys = list_new(rt, g->len);
        size_t pos = 0;
        Value k, v;
        while (keys && dict_next(g, &pos, &k, &v))
            if (list_append(rt, keys, k) != RT_OK)
                break;
        for (size_t i = 0; keys && i < keys->len; i++) {
            bool found;
            if (dict_del(rt, g, keys->items[i], &found) != RT_OK)
                rt_clear_exc(rt);
        }
        if (keys)
            obj_decref(rt, &keys->hdr);
        rt_clear_exc(rt);
        obj_decref(rt, &g->hdr);
    }
    /* The cycles the program left (CPython collects them at exit too): now,
     * while the code their coroutines' warnings name still exists. */
    gc_collect(&vm->rt);
    vm->at_exit = false;
}

/* The builtin modules can hold the program's objects (`asyncio.x = f()`,
 * `asyncio.me = asyncio`): they go, with the cycles they were in, while
 * the code that those objects' warnings name still exists (vm_fini would
 * drop them after code_free). */
static void drop_modules(Vm *vm)
{
    Rt *rt = &vm->rt;
    Obj *objs[] = {(Obj *)vm->builtins, (Obj *)vm->mod_asyncio, (Obj *)vm->mod_time,
                   (Obj *)vm->mod_random};
    vm->builtins = NULL;
    vm->mod_asyncio = vm->mod_time = vm->mod_random = NULL;
    vm->at_exit = true;
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        obj_decref(rt, objs[i]);
    gc_collect(rt);
    vm->at_exit = false;
}

void interp_free(Interp *ip)
{
    if (!ip)
        return;
    if (ip->vm_ok) {
        teardown_program(ip);
        drop_modules(&ip->vm);
        if (ip->code)
            code_free(&ip->vm.rt, ip->code);
        vm_fini(&ip->vm);
    }
    ast_free(ip->ast);
    if (ip->trace)
        trace_free(ip->trace);
    free(ip);
}

static void fill_diag(InterpDiag *d, const ParseError *pe, const char *filename)
{
    memset(d, 0, sizeof *d);
    snprintf(d->kind, sizeof d->kind, "%s", parse_error_class(pe));
    snprintf(d->msg, sizeof d->msg, "%s", pe->msg);
    d->line = pe->line;
    d->col = pe->col;
    parse_error_format(pe, filename, d->text, sizeof d->text);
}

/* The compiler's SyntaxWarnings, printed as the program is compiled. */
static void compile_warn(void *host, const char *text, size_t len)
{
    interp_emit_err(host, text, len);
}

int interp_load(Interp *ip, const char *src, size_t len, const char *filename)
{
    Vm *vm = &ip->vm;
    if (ip->ast || ip->code)
        return -1;
    ParseError pe;
    ip->ast = parse_module(&ip->mem, src, len, filename, &pe);
    if (ip->ast)
        ip->code = compile_module(&vm->rt, ip->ast, &pe, compile_warn, ip);
    if (!ip->ast || !ip->code) {
        if (pe.kind == PARSE_NO_MEMORY) {
            snprintf(ip->diag.kind, sizeof ip->diag.kind, "MemoryError");
            snprintf(ip->diag.text, sizeof ip->diag.text, "MemoryError\n");
            interp_emit_err(ip, ip->diag.text, strlen(ip->diag.text));
        } else {
            fill_diag(&ip->diag, &pe, filename);
            /* diag.text is cut at 1024 bytes: stderr gets the whole block. */
            size_t need = parse_error_format_src(&pe, filename, src, len, NULL, 0) + 1;
            char *full = mem_alloc(&ip->mem, need);
            if (full) {
                parse_error_format_src(&pe, filename, src, len, full, need);
                interp_emit_err(ip, full, need - 1);
                mem_free(&ip->mem, full, need);
            } else {
                interp_emit_err(ip, ip->diag.text, strlen(ip->diag.text));
            }
        }
        ip->status = 1;
        ip->state = IS_DONE;
        return -1;
    }
    Rt *rt = &vm->rt;
    ip->globals = dict_new(rt);
    Value name;
    if (!ip->globals || str_value(rt, "__main__", 8, &name) != RT_OK)
        goto nomem;
    RtStatus st = dict_set_str(rt, ip->globals, "__name__", name);
    val_decref(rt, name);
    if (st != RT_OK)
        goto nomem;
    ip->modframe = vm_frame_new(vm, ip->code, NULL, ip->globals);
    if (!ip->modframe)
        goto nomem;
    ip->modframe->entry = true;
    ip->modframe->depth = 1;
    ip->resume = ip->modframe;
    ip->state = IS_MODULE;
    return 0;
nomem:
    rt_clear_exc(rt);
    interp_emit_err(ip, "MemoryError\n", 12);
    ip->status = 1;
    ip->state = IS_DONE;
    return -1;
}

const InterpDiag *interp_diag(const Interp *ip)
{
    return &ip->diag;
}

int interp_check(const char *src, size_t len, const char *filename, InterpDiag *d)
{
    Interp *ip = interp_new(NULL);
    if (!ip)
        return -2;
    int r = interp_load(ip, src, len, filename);
    if (r != 0 && d)
        *d = ip->diag;
    if (r != 0 && strcmp(ip->diag.kind, "MemoryError") == 0)
        r = -2;
    interp_free(ip);
    return r;
}

static void finish(Interp *ip, int status)
{
    ip->status = status;
    ip->state = IS_DONE;
    teardown_program(ip);
}

static InterpState run_module(Interp *ip)
{
    Vm *vm = &ip->vm;
    Rt *rt = &vm->rt;
    Value out = VAL_UNDEF_V;
    Future *fut = NULL;
    vm->ticks = 0;
    bool throw = ip->throw_next;
    ip->throw_next = false;
    VmStatus st = vm_exec(vm, ip->resume, throw, &out, &fut);
    switch (st) {
    case VM_RETURN:
        val_decref(rt, out);
        finish(ip, 0);
        return INTERP_FINISHED;
    case VM_HOST_RUN: {
        ip->resume = vm->suspended;
        Value coro = vm->run_request;
        vm->run_request = VAL_UNDEF_V;
        RtStatus rs = aiorun_start(vm, &ip->run, coro);
        val_decref(rt, coro);
        if (rs != RT_OK) {
            ip->throw_next = true;
            return INTERP_READY;
        }
        ip->state = IS_LOOP;
        return INTERP_READY;
    }
    default: {
        Value e = rt_fetch_exc(rt);
        vm_print_exception(vm, e);
        val_decref(rt, ip->last_exc);
        ip->last_exc = e; /* until teardown_program */
        finish(ip, 1);
        return INTERP_FINISHED;
    }
    }
}

/* Endless loops that await: each task step is short (the step budget never
 * runs out) and, with the virtual clock, time never moves, so neither limit
 * stops `while True: await asyncio.sleep(0)` or a task that cancels itself
 * and swallows CancelledError forever. Progress is the clock advancing: the
 * loop has nothing ready and must wait for a timer, a timer fires (the timer
 * count drops), or the virtual clock moved (a jump, or the engine's busy
 * charge letting a starved timer fire). Past spin_limit task steps without
 * it, the step budget is cut to zero and the next loop pass or call of the
 * running task raises the RuntimeError of budget_error (vm.c), at its line. */
static void spin_watch(Interp *ip)
{
    Vm *vm = &ip->vm;
    Loop *l = vm->loop;
    if (!l || vm->budget_hit || vm->interrupted)
        return;
    uint64_t steps = loop_steps(l);
    int64_t now = loop_time(l);
    size_t timers = loop_timer_count(l);
    bool progress = l != ip->spin_loop || loop_ready_count(l) == 0 || timers < ip->spin_timers ||
                    (ip->cfg.clock == INTERP_CLOCK_VIRTUAL && now != ip->spin_time);
    ip->spin_loop = l;
    ip->spin_time = now;
    ip->spin_timers = timers;
    if (progress || steps < ip->spin_mark) {
        ip->spin_mark = steps;
        return;
    }
    if (steps - ip->spin_mark > ip->cfg.spin_limit) {
        vm->spin_steps = ip->cfg.spin_limit;
        vm->budget = 0;
    }
}

/* Programs that never end but let time pass: `while True: await
 * asyncio.sleep(1)` under the virtual clock makes the clock jump at every
 * step, so the spin watch sees progress, and it would take 10^7 steps (and
 * with sleep(0.001) 10^10) to reach max_virtual_time. What such a program
 * costs is CPU work, counted in task steps. Under the virtual clock waiting
 * is free, so every step of the run counts. Under the real and stepped
 * clocks, a step that finds nothing ready and the next timer in the future
 * means time must really pass (the loop sleeps, or the host has to move its
 * clock): the count starts again there, so a program that sleeps between
 * its steps may run for hours, as it would under python3. It depends on the
 * program only, not on how fast the host is, so a replay of a stepped run
 * (the UI's step back) stops exactly where the live run did. Past
 * busy_limit steps the budget is cut, as by the spin watch. */
static void busy_watch(Interp *ip)
{
    Vm *vm = &ip->vm;
    Loop *l = vm->loop;
    if (!l || vm->budget_hit || vm->interrupted)
        return;
    uint64_t steps = loop_steps(l);
    if (l != ip->busy_loop || steps < ip->busy_seen)
        ip->busy_seen = 0; /* a new loop (asyncio.run again) starts at 0 */
    ip->busy_loop = l;
    ip->busy_steps += steps - ip->busy_seen;
    ip->busy_seen = steps;
    if (ip->cfg.clock != INTERP_CLOCK_VIRTUAL && loop_ready_count(l) == 0 && loop_wait_hint(l) > 0)
        ip->busy_steps = 0;
    if (ip->busy_steps > ip->cfg.busy_limit) {
        vm->busy_steps = ip->cfg.busy_limit;
        vm->budget = 0;
    }
}

InterpState interp_step(Interp *ip, InterpStepMode mode)
{
    Vm *vm = &ip->vm;
    switch (ip->state) {
    case IS_EMPTY: case IS_DONE: return INTERP_FINISHED;
    case IS_MODULE: return run_module(ip);
    case IS_LOOP: {
        Value out = VAL_UNDEF_V;
        RtStatus st = RT_OK;
        spin_watch(ip);
        busy_watch(ip);
        int r = aiorun_step(vm, &ip->run, mode == INTERP_STEP_TASK ? AIO_STEP_TASK : AIO_STEP_ITERATION,
                            &out, &st);
        if (r == 0)
            return INTERP_READY;
        if (r == 2)
            return INTERP_WAITING;
        ip->state = IS_MODULE;
        Frame *f = ip->resume;
        if (st == RT_OK) {
            /* Replace asyncio.run's placeholder with its result. */
            val_decref(&vm->rt, frame_stack(f)[f->sp - 1]);
            frame_stack(f)[f->sp - 1] = out;
        } else {
            ip->throw_next = true;
        }
        return INTERP_READY;
    }
    }
    return INTERP_FINISHED;
}

int interp_run(Interp *ip)
{
    for (;;) {
        InterpState s = interp_step(ip, INTERP_STEP_ITERATION);
        if (s == INTERP_FINISHED)
            break;
        if (s == INTERP_WAITING) {
            int64_t d = interp_next_deadline(ip);
            if (d < 0)
                break;
            interp_advance_to(ip, d);
        }
    }
    return ip->status < 0 ? 1 : ip->status;
}

int64_t interp_next_deadline(const Interp *ip)
{
    Loop *l = ip->vm.loop;
    if (!l)
        return -1;
    int64_t h = loop_wait_hint(l);
    return h < 0 ? -1 : loop_time(l) + h;
}

void interp_advance_to(Interp *ip, int64_t t_ns)
{
    Loop *l = ip->vm.loop;
    if (l) {
        int64_t now = loop_time(l);
        if (t_ns > now)
            loop_advance(l, t_ns - now);
    } else if (t_ns > ip->vm.host.now_ns) {
        ip->vm.host.now_ns = t_ns;
    }
}

int64_t interp_now(const Interp *ip)
{
    return vm_now_ns((Vm *)&ip->vm);
}

int interp_in_loop(const Interp *ip)
{
    return ip->state == IS_LOOP;
}

void interp_interrupt(Interp *ip)
{
    ip->vm.interrupted = true;
    ip->vm.budget = 0;
}

int interp_exit_status(const Interp *ip)
{
    return ip->status;
}

struct Trace *interp_trace(const Interp *ip)
{
    return ip->trace;
}

const char *interp_task_coro_name(const Interp *ip, uint64_t task_id)
{
    /* a task of the program's coroutines; asyncio's own (CODE_NATIVE, for
     * reprs) keep the timeline's lanes as they were: no coroutine name */
    const Code *code = vm_task_id_code(&ip->vm, task_id);
    return code && !(code->flags & CODE_NATIVE) ? code->qualname->data : NULL;
}

int interp_trace_internal_task(const TraceEvent *e)
{
    return e->kind == TRACE_TASK_CREATED && e->other == 0 && e->iter > 0;
}

static int frame_line(const Frame *f)
{
    if (!f || !f->code || !f->code->locs)
        return -1;
    uint32_t pc = f->pc ? f->pc - 1 : 0;
    if (pc >= f->code->nins)
        return -1;
    return f->code->locs[pc].line;
}

int interp_task_line(const Interp *ip, uint64_t tid)
{
    if (tid == 0) {
        if (ip->state == IS_DONE || ip->state == IS_EMPTY)
            return -1;
        return frame_line(ip->resume ? ip->resume : ip->modframe);
    }
    Loop *l = ip->vm.loop;
    for (Task *t = l ? loop_first_task(l) : NULL; t; t = task_next_pending(t)) {
        if (task_id(t) != tid)
            continue;
        if (task_running(t))
            return frame_line(ip->vm.frame);
        CoroObj *c = vm_coro_of_engine(task_coro(t));
        if (!c)
            return -1;
        if (c->state == CS_SUSPENDED)
            return frame_line(coro_inner(c));
        if (c->state == CS_CREATED)
            return coro_frame(c) ? coro_code(c)->firstline : -1;
        return -1;
    }
    return -1;
}

const struct Ast *interp_ast(const Interp *ip)
{
    return ip->ast;
}

void interp_disassemble(Interp *ip, InterpWriteFn out, void *host)
{
    if (ip->code)
        disasm_code(ip->code, out, host);
}

/* For engine/lang modules that read the host's settings (mod_net.c). */
const InterpConfig *interp_config(const Interp *ip)
{
    return &ip->cfg;
}
