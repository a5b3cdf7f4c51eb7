/* vm: the bytecode interpreter of the lesson language, its object kinds
 * (functions, cells, coroutines, tasks and futures as Python sees them) and
 * its bridge to the engine (coroutines implement engine/coro.h).
 *
 * Frames live on the heap. Python-to-Python calls do not recurse in C: the
 * run loop pushes the callee's frame and continues, so a coroutine suspended
 * at `await` is just a chain of heap frames (root coroutine frame -> frames
 * of coroutines it awaits inline) and a saved pc; resuming it continues the
 * innermost one. C re-enters the loop only when native code calls a lesson
 * function (sorted(key=f)), and such a nested run can never suspend.
 *
 * This header is internal to engine/lang (builtins.c, mod_*.c, interp.c);
 * hosts use interp.h.
 */
#ifndef AIO_LANG_VM_H
#define AIO_LANG_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/coro.h"
#include "engine/future.h"
#include "engine/host.h"
#include "engine/loop.h"
#include "engine/task.h"
#include "engine/trace.h"
#include "engine/lang/code.h"
#include "engine/lang/interp.h"
#include "engine/lang/obj.h"

typedef struct Vm Vm;
typedef struct Frame Frame;

/* ---- object kinds of the VM */

typedef struct Function {
    Obj hdr;
    Code *code;      /* borrowed: the program's Code outlives functions */
    Dict *globals;   /* owned */
    Tuple *defaults; /* owned or NULL: values of the last positional params */
    Dict *kwdefaults;/* owned or NULL */
    Tuple *closure;  /* owned or NULL: cells for the code's free variables */
} Function;
extern const ObjType vm_function_type;

typedef struct Cell {
    Obj hdr;
    Value v; /* VAL_UNDEF when empty */
} Cell;
extern const ObjType vm_cell_type;

typedef enum CoroState { CS_CREATED, CS_RUNNING, CS_SUSPENDED, CS_DONE } CoroState;

/* A coroutine object: what calling an async def returns. Its body's frame
 * is in the same block, right after it (coro_frame): one allocation per
 * coroutine, and no pointer to it. 100,000 suspended tasks hold 100,000 of
 * these, so every field counts (see tests/bench/RESULTS.md): the object is
 * its header alone. Its Vm is its code's (coro_vm), the innermost frame of
 * its suspended chain is found from its body frame (coro_inner). */
typedef struct CoroObj {
    union {
        Obj hdr;
        struct {
            uint32_t hdr_rc_; /* hdr.rc */
            /* in hdr.flags, which obj.c leaves to each kind: */
            uint8_t state;    /* CoroState */
            bool has_frame;   /* the body's frame is live (until done or closed) */
            bool in_task;     /* driven by a Task (the Task owns one reference) */
            bool closed : 1;  /* closed without running: no warning */
            bool mark : 1;    /* asyncio.gather's scan for duplicates (f_gather) */
        };
    };
} CoroObj;
extern const ObjType vm_coro_type;

/* A native awaitable made lazily into an engine coroutine when awaited:
 * asyncio.sleep(d) is one (CPython's sleep is a coroutine too). */
typedef enum NcoKind { NK_SLEEP, NK_WAIT_FOR, NK_CUSTOM } NcoKind;
typedef struct NcoObj NcoObj;
/* NK_CUSTOM: a coroutine written in C against the lesson objects (Queue.get,
 * TaskGroup.__aexit__): step is called for every resume (coro.h rules);
 * `state`, `obj`, `arg` and `fut` are its own. */
typedef CoroStatus (*NcoStepFn)(NcoObj *n, Task *task, CoroIn how, void *in, void **out);
/* hdr.flags (which obj.c leaves to each kind) holds the NcoKind and two
 * bits, so that an asyncio.sleep object, the most common awaitable of all,
 * is 64 bytes. */
enum { NCOF_KIND = 3, NCOF_STARTED = 4, NCOF_IN_TASK = 8, NCOF_MARK = 16 /* f_gather's scan */ };
struct NcoObj {
    Obj hdr;          /* flags: NcoKind | NCOF_STARTED | NCOF_IN_TASK | NCOF_MARK */
    Vm *vm;
    int64_t delay_ns;
    Value result;     /* sleep's result / wait_for's awaitable */
    Coro coro;        /* made on the first await (vt NULL before; stays NULL
                         for a sleep(0) awaited inline: a bare yield) */
    /* NK_WAIT_FOR and NK_CUSTOM only: asyncio.sleep objects end here */
    const char *name; /* "wait_for" */
    NcoStepFn step;   /* NK_CUSTOM */
    int state;
    Value obj, arg;   /* owned */
    Future *fut;      /* owned, or NULL */
};
#define NCO_SLEEP_SIZE offsetof(NcoObj, name)
static inline NcoKind nco_kind(const NcoObj *n)
{
    return (NcoKind)(n->hdr.flags & NCOF_KIND);
}
static inline bool nco_started(const NcoObj *n)
{
    return (n->hdr.flags & NCOF_STARTED) != 0;
}
static inline bool nco_in_task(const NcoObj *n)
{
    return (n->hdr.flags & NCOF_IN_TASK) != 0;
}
static inline const char *nco_name(const NcoObj *n)
{
    return nco_kind(n) == NK_SLEEP ? "sleep" : n->name;
}
/* asyncio.create_task's core: a task for a coroutine object (RT_ERR-style:
 * NULL with the exception set). The caller owns the returned reference. */
Task *vm_new_task(Vm *vm, Value coro, const char *name);
bool vm_is_coroutine(Value v); /* a coroutine object (lesson or native) */
/* A new NK_CUSTOM coroutine object named `name` (static string). */
NcoObj *nco_custom_new(Vm *vm, const char *name, NcoStepFn step, Value obj, Value arg);
extern const ObjType vm_nco_type;

/* asyncio.Task / asyncio.Future / _GatheringFuture as Python sees them: a
 * handle holding one reference on the engine future. task_host/future_host
 * point back at the handle while it lives. */
typedef struct FutObj {
    Obj hdr;
    Vm *vm;
    Future *f;
} FutObj;
extern const ObjType vm_task_type;
extern const ObjType vm_future_type;
extern const ObjType vm_gfuture_type;

/* One traceback entry: frames from the outermost (the first) to where the
 * exception was raised. */
typedef struct TbEntry {
    Obj hdr;
    Value next;  /* TbEntry or VAL_NONE */
    Code *code;
    uint32_t pc; /* index of the instruction */
    bool at_sub; /* at the instruction's sub-span (CodeLoc.sub_*: a missing method) */
} TbEntry;
extern const ObjType vm_tb_type;

/* A boxed inline value, for engine host values (void *), which must be
 * pointers. None is NULL. */
typedef struct Boxed {
    Obj hdr;
    Value v;
} Boxed;
extern const ObjType vm_box_type;

/* ---- frames */

/* 48 bytes before its slots: every suspended task holds one. What a frame
 * can find elsewhere is not stored: its size and stack base follow from its
 * code, its coroutine is the block around it (body), the function it runs
 * is not needed once the arguments are bound (the code lives as long as the
 * program), and its globals are the Vm's (vm->globals: one module per
 * program, so every function and frame runs with the same dict). */
struct Frame {
    Frame *back;       /* inline caller / awaiter in the same run, or NULL */
    Code *code;        /* borrowed: the program's Code outlives frames */
    Obj *awaiting;     /* what the frame awaits: an owned object (coroutine,
                          future, native coroutine), one of the AWAIT_*
                          markers below, or NULL when not awaiting */
    Obj *exc;          /* owned or NULL: the exception being handled
                          (PUSH_EXC_INFO); always an exception object */
    uint32_t pc;       /* next instruction */
    uint32_t sp;       /* stack entries in use */
    int depth;         /* call depth, for RecursionError */
    bool entry;        /* returns to C (vm_exec's caller) when done */
    bool body;         /* a coroutine's body frame, in its block (frame_coro) */
    Value slots[];     /* exactly code->nlocals + ncells + nfree + stacksize
                          (the frame's size is frame_bytes(code)) */
};

/* Frame.awaiting when it holds no object (vm.c says what each means):
 * None, a bare yield of sleep(0) whose result is None; an engine coroutine
 * kept in a stack slot (asyncio.sleep(d)); the task's own sleep timer. */
#define AWAIT_NONE ((Obj *)(uintptr_t)1)
#define AWAIT_NATIVE ((Obj *)(uintptr_t)2)
#define AWAIT_TASK_SLEEP ((Obj *)(uintptr_t)3)
/* An object (owned), not NULL or a marker. */
static inline bool await_is_obj(const Obj *aw)
{
    return (uintptr_t)aw > (uintptr_t)AWAIT_TASK_SLEEP;
}
/* f awaits an object of kind t. */
static inline bool frame_awaits(const Frame *f, const ObjType *t)
{
    return await_is_obj(f->awaiting) && f->awaiting->type == t;
}

/* The value stack: after the locals, cells and free variables. */
static inline Value *frame_stack(Frame *f)
{
    const Code *c = f->code;
    return f->slots + c->nlocals + c->ncells + c->nfree;
}
/* The coroutine whose body f is, or NULL. */
static inline CoroObj *frame_coro(Frame *f)
{
    return f->body ? (CoroObj *)f - 1 : NULL;
}
/* The body frame of a coroutine (in its block), NULL once it was freed. */
static inline Frame *coro_frame(CoroObj *c)
{
    return c->has_frame ? (Frame *)(c + 1) : NULL;
}
/* The coroutine's code (its body frame keeps it after being freed). */
static inline Code *coro_code(const CoroObj *c)
{
    return ((const Frame *)(c + 1))->code;
}
/* The innermost frame of a coroutine's chain: its body frame, or down the
 * coroutines it awaits inline (the body frame of each: their frames are
 * linked by `back` the other way). A suspended coroutine resumes there.
 * NULL once the body frame was freed. */
static inline Frame *coro_inner(CoroObj *c)
{
    Frame *f = coro_frame(c);
    while (f && frame_awaits(f, &vm_coro_type))
        f = coro_frame((CoroObj *)f->awaiting);
    return f;
}

/* ---- the VM */

typedef struct WarnKey {
    const char *text; /* qualname */
    Code *code;
    int line;
} WarnKey;

struct Vm {
    Rt rt;
    Mem *mem;
    Host host;
    Interp *ip;               /* back pointer (output, limits) */
    Dict *builtins;
    Dict *globals;            /* owned: the module's globals, which every frame runs
                                 with (taken by the module's frame, vm_frame_new) */
    Module *mod_asyncio, *mod_time, *mod_random;
    Loop *loop;               /* the running loop, or NULL */
    Trace *trace;             /* NULL unless tracing */
    Frame *frame;             /* the innermost frame running now */
    Frame *suspended;         /* innermost frame of the last suspension */
    int c_depth;              /* nested vm_exec calls */
    uintptr_t c_stack_top;    /* frame address of the outermost vm_exec */
    int depth;                /* Python call depth */
    int recursion_limit;
    uint64_t ticks;           /* backward jumps + calls since the last reset */
    uint64_t budget;
    bool budget_hit;          /* set when the budget ran out: unwinds everything */
    uint64_t busy_steps;      /* > 0: the budget was cut to 0 because this many task
                                 steps ran without waiting for time (interp.c) */
    uint64_t spin_steps;      /* > 0: the budget was cut to 0 because this many task
                                 steps ran without the clock advancing (interp.c) */
    bool interrupted;
    bool at_exit;             /* tearing down: warnings say "sys:1" */
    bool aborting;            /* dropping a loop after a limit: no reports */
    bool defer_runs;          /* asyncio.run at top level returns VM_HOST_RUN */
    Value budget_exc;         /* the exception raised when the budget ran out */
    int64_t max_time_ns;      /* virtual-time cap of a loop, 0 = none */
    bool loop_running;        /* inside a loop iteration (prints are traced) */
    Value run_request;        /* asyncio.run's coroutine when deferred to the host */
    WarnKey *warned;
    size_t nwarned, warned_cap;
    struct MtState *mt;       /* random's generator (mod_random.c) */
    /* task id -> coroutine code (reprs, timelines), for every task ever made:
     * an index (+1, 0 = none) into the codes seen, kept by pages of ids
     * (mod_asyncio.c): 16 bytes for a page whose tasks share one code, 2
     * bytes per id in one that mixes them */
    struct TaskCodePage *task_code_pages;
    size_t ntask_code_pages;
    Code **task_code_tab;
    size_t ntask_code_tab;
    bool tb_at_sub;           /* the next traceback entry gets at_sub (note_method_missing) */
    bool tb_logged;           /* tracebacks as asyncio's logger prints them (the traceback
                                 module: source lines stripped), not as CPython's C printer */
    bool repr_coros_closed;   /* task reprs show pending tasks' coroutines as closed
                                 ("done, defined at"): drop_leftover_tasks */
    Code *native_codes[16];   /* CODE_NATIVE stand-ins for the table's ids, made on first
                                 use (mod_asyncio.c's native_defs), owned */
    int64_t real_start_ns;
    List *destroyed;          /* tasks left pending by asyncio.run, reported at exit (mod_asyncio.c) */
    Exc *shutdown_exc;        /* main's exception while asyncio.run shuts down (CPython does it in
                                 Runner.__exit__): the context of what is raised then; borrowed */
};

/* Status of vm_exec. */
typedef enum VmStatus {
    VM_RETURN,  /* the entry frame returned; *out is the value */
    VM_ERROR,   /* an exception escaped the entry frame: rt->exc */
    VM_SUSPEND, /* a coroutine chain suspended on a future: *fut */
    VM_YIELD,   /* a coroutine chain did a bare yield */
    VM_HOST_RUN /* asyncio.run asked the host to drive a loop (vm->run_request) */
} VmStatus;

RtStatus vm_init(Vm *vm, Mem *mem, Interp *ip);
void vm_fini(Vm *vm);

/* A new frame for code: fn's, or the module's when fn is NULL. The module's
 * frame makes `globals` the Vm's (vm->globals, owned): every frame runs with
 * that dict, so a second module frame must give the same one. NULL with the
 * exception set. */
Frame *vm_frame_new(Vm *vm, Code *code, Function *fn, Dict *globals);
void vm_frame_free(Vm *vm, Frame *f);
/* Drops what a suspended frame awaits (f->awaiting becomes VAL_UNDEF); an
 * engine coroutine it delegates to is dropped too (its timer cancelled). */
void vm_frame_drop_await(Vm *vm, Frame *f);

/* Runs from `f` (innermost of a chain whose entry frame has entry=true) until
 * the entry frame returns, an exception escapes it, or a coroutine chain
 * suspends (then *fut is the pending Future, borrowed, and vm->suspended the
 * innermost frame). throw: rt->exc is pending and is raised in f at its
 * current instruction (pc - 1) first. */
VmStatus vm_exec(Vm *vm, Frame *f, bool throw, Value *out, Future **fut);

/* Calls any callable from C (a function runs to completion; an async def
 * returns its coroutine). */
RtStatus vm_call(Vm *vm, Value callee, const Value *args, size_t nargs, Tuple *kwnames, Value *out);

/* The Vm of an Rt (rt->host). */
static inline Vm *vm_of(Rt *rt)
{
    return (Vm *)rt->host;
}
/* The Vm that runs a coroutine: its code's (the code is the program's,
 * compiled by that Vm's Rt). */
static inline Vm *coro_vm(const CoroObj *c)
{
    return vm_of(coro_code(c)->rt);
}

/* Output through the host's callbacks (and the trace for stdout). */
void vm_write_out(Vm *vm, const char *s, size_t n);
void vm_write_err(Vm *vm, const char *s, size_t n);

/* Prints "Traceback (most recent call last):" ... for exc (with its chain)
 * to stderr. */
void vm_print_exception(Vm *vm, Value exc);
/* The whole report (chain, tracebacks, last line) appended to sb. */
void vm_format_exception(Vm *vm, Value exc, StrBuf *sb);
/* Python's implicit chaining: the exception being raised (rt->exc) gets as
 * its __context__ the one f or its callers handle, or, with no frame,
 * asyncio.run's main exception during the loop's shutdown. */
void vm_set_exc_context(Vm *vm, Frame *f);
/* At exit: live exceptions drop the frame locals they keep (Exc.kept), so
 * that the cycles through engine tasks go (vm.c). */
void vm_drop_kept_locals(Vm *vm);
/* Traceback entries for CPython's own asyncio frames (code NULL in a
 * TbEntry, pc = which), so reports read as CPython's. */
typedef enum VmStdlibFrame {
    VM_TB_RUNNERS_190, VM_TB_RUNNERS_118, VM_TB_BASE_EVENTS_653, VM_TB_SLEEP_649, VM_TB_WAIT_FOR_500,
    VM_TB_WAIT_FOR_502, VM_TB_TASKGROUPS_145, VM_TB_TIMEOUTS_115, VM_TB_RUNNERS_189, VM_TB_RUNNERS_63,
    VM_TB_RUNNERS_71, VM_TB_RUNNERS_199,
    /* where asyncio's own functions raise on a program's mistake */
    VM_TB_RUNNERS_186, VM_TB_RUNNERS_89, VM_TB_TASKS_384, VM_TB_BASE_EVENTS_436, VM_TB_TASKS_418,
    VM_TB_TASKS_420, VM_TB_TASKS_425, VM_TB_QUEUES_181, VM_TB_QUEUES_143, VM_TB_QUEUES_201,
    VM_TB_LOCKS_348, VM_TB_LOCKS_140, VM_TB_LOCKS_434, VM_TB_TASKS_827, VM_TB_TASKS_674, VM_TB__COUNT
} VmStdlibFrame;
RtStatus vm_tb_prepend_stdlib(Vm *vm, Value exc, VmStdlibFrame which);
/* The pending exception was raised inside CPython's asyncio: its traceback
 * gets those frames (`frames`, outermost first) under the caller's, and
 * the values they hold (`keep`: the arguments) live as long as the
 * exception, as CPython's frames do (a coroutine argument warns
 * never-awaited when the exception goes). Returns RT_ERR. */
RtStatus vm_raise_from_stdlib(Vm *vm, const VmStdlibFrame *frames, size_t nframes, const Value *keep,
                              size_t nkeep);
/* Formats the traceback lines of one exception (no chain, no header). */
void vm_format_tb(Vm *vm, Value tb, StrBuf *sb);
/* "ValueError: msg\n", the last line of a report. */
void vm_format_exc_only(Vm *vm, Value exc, StrBuf *sb);
/* The 3.11 "Exception Group Traceback" report when exc or an exception of
 * its chain is an ExceptionGroup (excgroup.c); false (nothing appended)
 * otherwise. */
bool excgroup_format(Vm *vm, Value exc, StrBuf *sb);

/* Coroutines and the engine. */
Coro vm_coro_as_engine(CoroObj *c); /* the task takes a reference */
CoroObj *vm_coro_of_engine(Coro c);  /* the CoroObj behind c, or NULL */
FutObj *vm_fut_wrap(Vm *vm, Future *f); /* new reference to the handle */
void *vm_to_host(Vm *vm, Value v);      /* new host reference (NULL = None) */
Value vm_from_host(Vm *vm, void *p);    /* new reference */
extern const HostOps vm_host_ops;
/* Records the code of the coroutine a task runs (for the task's repr). */
void vm_note_task_code(Vm *vm, Task *t, Code *code);
Code *vm_task_code(Vm *vm, Task *t);
Code *vm_task_id_code(const Vm *vm, uint64_t task_id); /* NULL: unknown */
void vm_task_codes_fini(Vm *vm); /* frees the table (vm_fini) */
/* Repr of a Task as asyncio prints it. */
void vm_task_repr(Vm *vm, Task *t, StrBuf *sb);

/* The "coroutine ... was never awaited" warning for a coroutine freed
 * without running (called from the coroutine's free). */
void vm_warn_never_awaited(Vm *vm, Code *code);

/* Builtins (builtins.c) and modules (mod_*.c). */
RtStatus builtins_init(Vm *vm);
RtStatus mod_time_init(Vm *vm);
RtStatus mod_asyncio_init(Vm *vm);
RtStatus mod_random_init(Vm *vm);
RtStatus mod_aiosync_init(Vm *vm, Module *asyncio); /* Lock, Queue, TaskGroup, ... */
RtStatus mod_aioflow_init(Vm *vm, Module *asyncio); /* wait, as_completed, shield */
/* How a Future's repr names a done-callback of these modules, as CPython's
 * does ("TaskGroup._on_task_done() at ..."), or NULL when fn is not theirs. */
const char *mod_aiosync_cb_name(LoopFn fn);
const char *mod_aioflow_cb_name(LoopFn fn);
void mod_random_fini(Vm *vm);
/* import NAME: the module, or ModuleNotFoundError. */
RtStatus vm_import(Vm *vm, Str *name, Value *out);

/* Time as the program sees it (ns): the running loop's clock, else the
 * host's virtual clock. */
int64_t vm_now_ns(Vm *vm);
/* time.sleep: blocks the loop (or the program). */
void vm_block_for(Vm *vm, int64_t ns);

/* asyncio.run driving, shared by the inline path and the host (interp.c). */
RtStatus vm_asyncio_run(Vm *vm, Value coro, Value *out);

typedef enum { AR_MAIN, AR_CANCEL, AR_AGEN, AR_EXEC, AR_DONE } AioPhase;
typedef enum { AIO_STEP_TASK, AIO_STEP_ITERATION, AIO_STEP_ALL } AioStepMode;
typedef struct AioRun {
    AioPhase phase;
    Loop *loop;
    Task *main;      /* owned reference */
    Future *wait;    /* what ends the current phase (owned), or NULL */
    Future **cancelled; /* tasks cancelled at shutdown (owned) */
    size_t ncancelled;
    bool tb_prepended;  /* main's exception has asyncio.run's frames */
    void *main_err;     /* main's exception (host reference) once shutdown began */
    bool cancel_raised; /* _cancel_all_tasks raised (a cycle of awaits): its traceback
                           keeps the tasks alive past their coroutines (drop_leftover_tasks) */
} AioRun;
/* Creates the loop and the main task; RT_ERR with the exception set. */
RtStatus aiorun_start(Vm *vm, AioRun *r, Value coro);
/* Runs a step / an iteration / everything. Returns 0 (more to do), 2 (only
 * timers pending; real or stepped clock), or 1: finished, with *st RT_OK
 * and *out main's result, or RT_ERR and the exception set. */
int aiorun_step(Vm *vm, AioRun *r, AioStepMode mode, Value *out, RtStatus *st);
/* Drops the loop and everything in it (after a limit or on teardown). */
void aiorun_abort(Vm *vm, AioRun *r);
/* At interpreter exit: "Task was destroyed but it is pending!" for the tasks
 * an asyncio.run left suspended on a future (report false: drop them
 * quietly, the program was interrupted). */
void aiorun_at_exit(Vm *vm, bool report);

/* Output sinks of the Interp (interp.c). */
void interp_emit_out(Interp *ip, const char *s, size_t n);
void interp_emit_err(Interp *ip, const char *s, size_t n);

/* Host configuration read by the modules. */
InterpClock vm_clock(Vm *vm, double *speed);

#endif
