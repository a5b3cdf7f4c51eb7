/* internal: the full structs behind the engine's opaque handles, shared by
 * loop.c, future.c, task.c, nco.c and trace.c only (Lua's lstate.h split:
 * the public headers hand out pointers, this one says what they point to).
 * Never include it from outside engine/.
 */
#ifndef AIO_INTERNAL_H
#define AIO_INTERNAL_H

#include "engine/coro.h"
#include "engine/future.h"
#include "engine/host.h"
#include "engine/loop.h"
#include "engine/task.h"
#include "engine/trace.h"

typedef struct FutureCb {
    LoopFn fn;
    void *data;
} FutureCb;

/* The rarely used part of a future, allocated the first time one of its
 * fields is needed (future_ext) and freed with the future: most futures
 * never get a cancel message, a second waiter, a host object or a label of
 * their own, and most tasks never get a name string or end cancelled. */
typedef struct FutureExt {
    void *cancel_msg;    /* Future._cancel_message (tasks: also the pending one) */
    const char *label;   /* when Future.label == FUTURE_LABEL_EXT */
    void *host;          /* plain futures (a Task and a Gather keep their own) */
    FutureCb *cbs;       /* done-callbacks 2.. (cb0 is the first) */
    uint32_t ncbs, capcb; /* callbacks in cbs, and its size */
    char *name;          /* Task: explicit name (NULL: "Task-N", N from its id, task.c) */
    void *cancelled_exc; /* Task: the CancelledError its coroutine raised, handed out once */
    int32_t cancelling;  /* Task: cancelling(), the cancel requests not uncancelled (a
                            task that was never cancelled has none; one that ends
                            cancelled has this block anyway, for cancelled_exc) */
} FutureExt;

/* Future.label: 0 is the kind's own ("future", "task", "gather", "sleep"),
 * small numbers index future.c's table of the usual labels, and anything
 * else is kept in the side block. */
enum { FUTURE_LABEL_KIND = 0, FUTURE_LABEL_WAIT_FOR = 5, FUTURE_LABEL_EXT = 255 };

/* 64 bytes, one cache line. Invariants: refs > 0 while reachable; value is
 * the result (RESULT) or the exception (EXCEPTION); a pending sleep block
 * holds there the result it will take (NcoSleep), other pending futures NULL.
 * Callbacks are only registered while PENDING (completion moves them to the
 * ready queue); cb0.fn != NULL iff there is at least one, and ext->ncbs > 0
 * only if cb0 is taken. Once done, a future has no callbacks; cb0 then
 * holds the first one while the ready queue holds it (loop_enqueue_cb0),
 * and is cleared when it runs or is dropped. loop is NULL once the loop
 * was freed (the future is then "detached": it can still be read and
 * released, completing it schedules nothing; cb0.data then holds its
 * Host). Every live future of a loop is on one of the loop's lists through
 * prev/next: a task that is not done on the pending-tasks list (on_tasks),
 * an armed sleep block on none (the timer heap or the ready queue holds
 * it, and the link slots hold its timer's deadline and sequence number),
 * every other on the all-futures list. */
struct Future {
    uint32_t refs;
    uint8_t state;                /* FutureState */
    uint8_t kind : 2;             /* FutureKind */
    uint8_t log_exc : 1;          /* holds an exception nobody retrieved */
    uint8_t mark : 1;             /* nco_gather's "seen", clear outside it */
    uint8_t sleep_block : 1;      /* the future of an NcoSleep (freed as one) */
    uint8_t must_cancel : 1;      /* Task: a cancel waits for the next step */
    uint8_t started : 1;          /* Task: its first step has run */
    uint8_t on_tasks : 1;         /* Task: on the loop's pending-tasks list */
    uint8_t label;                /* FUTURE_LABEL_* or an index in future.c's table */
    uint8_t sl_timer : 3;         /* sleep block or Task: its timer's TIMER_* state */
    uint8_t sl_state : 2;         /* sleep block: the coroutine's state (nco.c);
                                     Task: its task_sleep_until sleep (TSLEEP_*) */
    uint8_t sl_live : 1;          /* sleep block: the future was made (first resume) */
    uint8_t zombie : 1;           /* Task: freed, but its timer still holds the block */
    Loop *loop;
    union {
        struct {
            Future *prev, *next; /* on a list of the loop (above) */
        };
        struct {
            int64_t t_when; /* armed sleep block: deadline (before: the delay) */
            uint64_t t_seq; /* armed sleep block: its timer's sequence number */
        };
    };
    void *value;
    FutureCb cb0;   /* first callback inline: most futures have one waiter */
    FutureExt *ext; /* NULL until needed */
};

/* 96 bytes. Invariants: fut.value of a pending task is the future it
 * waits on (task_fut_waiter, referenced) while fut.sl_state is TSLEEP_NONE,
 * and the cancel message held for its wakeup while TSLEEP_CANCELLED (NULL
 * otherwise); a task is never done with a waiter, so value is free for the
 * result from then on. The name number N of "Task-N" is not kept: it is the
 * id less the tasks made with a name of their own before it (Host). */
struct Task {
    Future fut; /* fut.prev/next: the loop's pending tasks, then all futures */
    /* hot in every step: kept next to each other; must_cancel and started
     * are bits of fut */
    Coro coro;   /* vt NULL once finished and dropped */
    uint32_t id; /* 32 bits: 4 billion tasks per Host is beyond any lesson */
    /* task_sleep_until's timer (its state in fut.sl_timer): the sequence
     * number, 32 bits (the heap compares them modulo 2^32). Valid while the
     * timer is in the heap, even after the task is done: a cancelled timer
     * stays there (see loop.c), so nothing else may share this field. */
    uint32_t sleep_seq;
    void *host; /* task_set_host: every interpreter task has one, so inline */
};

/* Task.fut.sl_state: what a task suspended by task_sleep_until waits for.
 * Not TSLEEP_NONE means suspended on its own timer (the "sleep future" that
 * CPython would have is pending, done, or cancelled with the message held
 * in fut.value until the wakeup runs). */
enum { TSLEEP_NONE, TSLEEP_PENDING, TSLEEP_WOKEN, TSLEEP_CANCELLED };

typedef struct Gather {
    Future fut;
    Future **children; /* referenced, argument order, duplicates kept */
    size_t n, nfuts, nfinished;
    void *host; /* future_set_host: the interpreter wraps every gather (free in the 112-byte class) */
    bool return_exceptions;
    bool self_ref;         /* holds a reference on itself until every child reported */
    bool cancel_requested; /* cancel() was accepted by a child */
} Gather;

/* The ready queue is a ring of 16-byte cells. Most callbacks are
 * fn(loop, data, NULL) with nothing to release -- a task's next step or
 * wakeup, a due timer -- and take one cell (`call`). One with an arg takes
 * two: a `head` cell whose first word is one of loop.c's two markers (which
 * also says whether arg is a future to release after fn ran: a done-callback
 * holds its future until then) and whose second is fn, then a `tail` cell
 * (data, arg). 100,000 tasks' first steps are 1.6 MB instead of 3.2.
 *
 * A done future's first callback takes one cell (`cb0`: marker
 * loop_ready_cb0, the future, held): fn and data stay in the future's cb0
 * until the item runs or is dropped (Future). A gather's 100,000 children
 * finishing in one iteration queue 1.6 MB instead of 3.2, and the ring
 * that held their steps needs no doubling.
 *
 * A run of first steps takes two cells however long it is: tasks created
 * one after another (gather(*coros), a loop of create_task) queue their
 * first steps back to back, and they are also consecutive on the loop's
 * pending-tasks list (creation order). The `run` cell (marker
 * loop_ready_run, the first task) and the `last` cell (the last task) stand
 * for task_step_cb(first), task_step_cb(first->next), ... up to last, each
 * an item of its own (count counts them one by one). Invariant: every task
 * of a queued run is unstarted, so none of them can be done and leave the
 * list before its step is taken off the ring (ready_pop moves `first` to
 * the next task before that step runs). 100,000 first steps are 32 bytes,
 * not 1.6 MB. */
typedef union ReadyCell {
    struct {
        LoopFn fn;
        void *data;
    } call;
    struct {
        LoopFn mark;
        LoopFn fn;
    } head;
    struct {
        void *data;
        void *arg;
    } tail;
    struct {
        LoopFn mark; /* loop_ready_run */
        Task *first;
    } run;
    struct {
        Task *last;
        size_t unused;
    } last;
    struct {
        LoopFn mark; /* loop_ready_cb0 */
        Future *f;
    } cb0;
} ReadyCell;
_Static_assert(sizeof(void *) != 8 || sizeof(ReadyCell) == 16, "ReadyCell: 16 bytes");

/* TIMER_IDLE: not with the loop (a sleep block's timer before it is armed
 * and after the loop is done with it; 0 so that zeroed storage is idle). */
enum { TIMER_IDLE, TIMER_IN_HEAP, TIMER_CANCELLED_IN_HEAP, TIMER_IN_READY, TIMER_CANCELLED };

struct LoopTimer {
    int64_t when;
    uint64_t seq;
    LoopFn fn;
    void *data;
    void *arg;
    uint8_t state;
};

/* ref: a LoopTimer *, or a sleep block's Future * with bit 0 set (its
 * timer lives in the future itself, see NcoSleep). */
typedef struct HeapEnt {
    int64_t when; /* the timer's deadline, kept here for the sift loops */
    uintptr_t ref;
} HeapEnt;

struct Loop {
    Host *host;
    Mem *mem;
    /* ready queue: a ring of cap (a power of two) cells, ncells in use,
     * holding count callbacks */
    ReadyCell *ring;
    size_t cap, head, ncells, count;
    size_t batch_left; /* callbacks still to run in the current iteration */
    /* timers: min-heap on (when, seq) */
    HeapEnt *heap;
    size_t nheap, capheap;
    size_t ncancelled; /* cancelled timers still in the heap (never its top) */
    uint64_t timer_seq;
    /* clock */
    LoopClock clock;
    double speed;
    int64_t now;       /* virtual/stepped: the time; real: loop time at real_base */
    int64_t real_base; /* real: CLOCK_MONOTONIC ns at which loop time == now */
    int64_t busy_ns, busy_debt;
    /* state */
    uint64_t iter, steps;
    bool stopping, running, no_block, nomem;
    /* task_cancel's nesting through fut_waiters, and whether it ran past
     * TASK_CANCEL_MAX_DEPTH (tasks awaiting each other in a cycle) */
    bool cancel_overflow;
    uint32_t cancel_depth;
    Task *current;
    Task *tasks_head, *tasks_tail;
    size_t ntasks;
    Future *futs; /* all live futures (detached at loop_free) */
    Trace *trace;
};

/* A native sleep(delay > 0) is one 64-byte block, its own Future: the
 * coroutine's state, the future it suspends on and the timer that completes
 * it, instead of three allocations. Before the first resume (sl_live 0) the
 * block is only the coroutine: fut.loop is the loop, cb0.data the Host,
 * t_when the delay and value the result (retained). The first resume makes
 * the future (pending, labelled "sleep") and arms the timer in place
 * (loop_sleep_arm): deadline and sequence number in the link slots, state in
 * sl_timer; the heap or the ready queue then holds the block, with a
 * reference, and it is on no list. When the loop is done with the timer
 * (it ran or was cancelled and dropped; sl_timer back to TIMER_IDLE) the
 * block goes on the all-futures list. The timer completes the future with
 * the result held in value (futures._set_result_unless_cancelled). The
 * block lives as long as its future: the coroutine holds a reference from
 * its first resume until it is dropped, a waiting task one on its waiter. */
typedef struct NcoSleep {
    Future fut;
} NcoSleep;

/* The sizes bench_engine's bytes per suspended task are made of (64-bit
 * builds; see tests/bench/RESULTS.md): a field added here costs every task. */
_Static_assert(sizeof(void *) != 8 || sizeof(Future) == 64, "Future: 64 bytes");
_Static_assert(sizeof(void *) != 8 || sizeof(Task) == 96, "Task: 96 bytes");
_Static_assert(sizeof(NcoSleep) == sizeof(Future), "a sleep block is its Future");
_Static_assert(sizeof(void *) != 8 || sizeof(Gather) == 112, "Gather: 112 bytes");

/* loop.c */
/* Arm task t's own timer (task_sleep_until) for `when`. The heap does not
 * hold a reference: a pending task is held by the loop anyway, and a task
 * freed while its (cancelled) timer is still in the heap or the ready queue
 * becomes a zombie, its block freed when the loop is done with the timer.
 * -1 on ENOMEM. */
int loop_task_sleep_arm(Loop *loop, Task *t, int64_t when);
void loop_task_sleep_cancel(Loop *loop, Task *t); /* as loop_timer_cancel */
/* Arm the timer of sleep block f (pending, on no list) for `when`; the loop
 * takes a reference on f until it is done with the timer. -1 on ENOMEM. */
int loop_sleep_arm(Loop *loop, Future *f, int64_t when);
void loop_sleep_cancel(Loop *loop, Future *f); /* as loop_timer_cancel */
/* A callback is discarded without running: release what the engine's own
 * owning callbacks hold, tell the host about the rest. */
void loop_drop_callback(Host *h, LoopFn fn, void *data);
int loop_enqueue_slow(Loop *loop, LoopFn fn, void *data);
int loop_ring_grow(Loop *loop); /* doubles the ring; -1 on ENOMEM (nomem set) */
/* The first word of a two-cell item (ReadyCell); never called. */
void loop_ready_arg(Loop *loop, void *data, void *arg);
void loop_ready_arg_hold(Loop *loop, void *data, void *arg);
void loop_ready_run(Loop *loop, void *data, void *arg);
void loop_ready_cb0(Loop *loop, void *data, void *arg);
/* Queue the first step of t, a new task not yet on the pending-tasks list
 * (task_new): it joins the run at the back of the ring when the last task
 * created is that run's last (ReadyCell). 0, or -1 on ENOMEM. */
int loop_enqueue_first_step(Loop *loop, Task *t);

/* Push fn(loop, data, NULL) at the back of the ready ring (the hot path of
 * every task switch, hence inline). 0, or -1 on ENOMEM (loop->nomem is
 * then set). */
static inline int loop_enqueue(Loop *L, LoopFn fn, void *data)
{
    if (__builtin_expect(L->ncells == L->cap, 0)) return loop_enqueue_slow(L, fn, data);
    ReadyCell *c = &L->ring[(L->head + L->ncells) & (L->cap - 1)];
    c->call.fn = fn;
    c->call.data = data;
    L->ncells++;
    L->count++;
    return 0;
}

/* Push fn(loop, data, arg) at the back of the ready ring; with hold, arg
 * is a future released after fn ran (a done-callback: hot in gathers,
 * hence inline too). 0, or -1 on ENOMEM (loop->nomem is then set). */
static inline int loop_enqueue_arg(Loop *L, LoopFn fn, void *data, void *arg, bool hold)
{
    if (__builtin_expect(L->ncells + 2 > L->cap, 0) && loop_ring_grow(L) < 0) return -1;
    size_t m = L->cap - 1, i = L->head + L->ncells;
    L->ring[i & m].head.mark = hold ? loop_ready_arg_hold : loop_ready_arg;
    L->ring[i & m].head.fn = fn;
    L->ring[(i + 1) & m].tail.data = data;
    L->ring[(i + 1) & m].tail.arg = arg;
    L->ncells += 2;
    L->count++;
    return 0;
}
/* Queue f's first done-callback (f->cb0: f is done, and holds it until
 * then) as fn(loop, data, f), then releasing the reference to f the caller
 * took for it. One cell (ReadyCell). 0, or -1 on ENOMEM (nomem set). */
static inline int loop_enqueue_cb0(Loop *L, Future *f)
{
    if (__builtin_expect(L->ncells == L->cap, 0) && loop_ring_grow(L) < 0) return -1;
    ReadyCell *c = &L->ring[(L->head + L->ncells) & (L->cap - 1)];
    c->cb0.mark = loop_ready_cb0;
    c->cb0.f = f;
    L->ncells++;
    L->count++;
    return 0;
}
void loop_trace_event(Loop *loop, TraceKind kind, uint64_t task, uint64_t other, TraceWhy why,
                      int64_t t2, const char *text, size_t len);
#define LOOP_TRACE(L, ...)                                                                         \
    do {                                                                                           \
        if (__builtin_expect((L)->trace != NULL, 0)) loop_trace_event((L), __VA_ARGS__);           \
    } while (0)

/* future.c */
/* A pending future with one reference, on no list yet (future_link). */
void future_init(Future *f, Loop *loop, FutureKind kind);
void future_link(Future *f);   /* onto the loop's all-futures list */
void future_unlink(Future *f); /* off it */
/* The side block, allocated when first needed; NULL on ENOMEM. */
FutureExt *future_ext(Future *f);
/* The Host of f's loop, or of the loop it was detached from. */
Host *future_host_of(const Future *f);
/* A pending sleep block's timer ran: complete f with the result it holds. */
void future_resolve_held(Future *f);
/* Store msg (retained) as f's cancel message, replacing the previous one. */
void future_set_cancel_msg(Future *f, void *msg);
/* Future.cancel without the Task/gather rules. */
bool future_cancel_base(Future *f, void *msg);
/* Future._make_cancelled_error(): new reference. */
void *future_make_cancelled_error(Future *f);
/* Drop everything that ties f to its loop (loop_free). */
void future_detach(Future *f);
/* New reference to the error raised when memory runs out. */
void *future_nomem_error(Host *h);

/* task.c */
void task_step_cb(Loop *loop, void *data, void *arg); /* a step: SEND(None) */
void task_wakeup_cb(Loop *loop, void *data, void *arg);
void task_fini(Task *t, Host *h); /* kind-specific part of freeing */
void task_detach(Task *t);        /* loop_free: drop the coroutine and the waiter */
void task_unlink_pending(Loop *loop, Task *t); /* off the pending-tasks list */
/* The ready-queue callback of a task_sleep_until timer that came due. */
void task_sleep_run(Loop *loop, void *data, void *arg);

/* nco.c */
bool nco_gather_cancel(Gather *g, void *msg);
void nco_gather_fini(Gather *g, Host *h);
void nco_gather_detach(Gather *g);
/* The done-callback whose data is a referenced waiter future: a detached
 * future's callback list drops that reference. */
void nco_release_waiter_cb(Loop *loop, void *data, void *arg);
/* A gather's callback on each of its children (future_callback_kind). */
void nco_gather_child_done(Loop *L, void *data, void *arg);

#endif
