/* loop: the event loop, with CPython 3.11's ordering (asyncio-semantics §2).
 *
 * - A FIFO ready queue of callbacks (fn, data, arg). One iteration first
 *   moves every due timer to the BACK of the ready queue, then runs exactly
 *   the callbacks that were in the queue at that moment; anything queued while
 *   they run waits for the next iteration.
 * - Timers in a min-heap keyed by (deadline_ns, sequence number): equal
 *   deadlines fire in the order they were scheduled. Time is an exact
 *   integer count of nanoseconds, so ten sleeps of 0.1 s end exactly when one
 *   sleep of 1.0 s does (use loop_ns_from_seconds to convert).
 * - Three clocks:
 *   LOOP_CLOCK_VIRTUAL  time moves only when nothing is ready: it jumps to the
 *                       earliest deadline. Hours of sleeps finish at once.
 *   LOOP_CLOCK_REAL     monotonic clock x speed. With nothing ready the loop
 *                       sleeps until the next deadline (clock_nanosleep on
 *                       CLOCK_MONOTONIC: no descriptors to poll), unless the host
 *                       set no_block: then it returns LOOP_WAITING and the
 *                       host asks again later (loop_wait_hint says when).
 *   LOOP_CLOCK_STEPPED  time moves only when the host says so (loop_advance,
 *                       loop_run_until); with nothing ready and no timer due
 *                       loop_run_once returns LOOP_WAITING.
 * - The host drives: loop_run_once (one iteration), loop_run_step (callbacks
 *   until one task step ran), loop_run_until (every iteration up to a time),
 *   loop_run_forever / loop_run_until_complete (asyncio's).
 *
 * Timer starvation by sleep(0) loops (virtual clock). With a real clock time
 * passes while callbacks run, so `while True: await asyncio.sleep(0)` still
 * lets a pending timer fire after as many iterations as fit before its
 * deadline. A pure virtual clock would never move (the ready queue is never
 * empty). The engine copies CPython's real-clock behaviour with a "busy
 * charge": every iteration that starts with callbacks ready while timers are
 * pending is charged busy_ns (default LOOP_BUSY_NS = 10 us, about what one
 * CPython iteration costs) of virtual time, kept in a separate debt counter
 * (the visible clock does NOT move). When now + debt reaches the earliest
 * deadline, the clock jumps exactly to that deadline, the debt is cleared and
 * that iteration appends the due timers to the back of the ready queue, as if
 * the callbacks had taken that long. Any move of the clock clears the debt.
 * Results of normal programs do not change: a timer is only advanced this way
 * after (deadline - now) / 10 us back-to-back busy iterations (100,000 for a
 * 1 s sleep), and times stay exact deadlines. loop_set_busy_ns(loop, 0)
 * turns the guard off (pure virtual time; such a program then never lets the
 * timer fire). The stepped clock never charges (the host moves time).
 *
 * No global state: everything hangs off a Loop, whose Host (host.h) holds
 * what is process-wide. Errors are returned; the engine never prints.
 */
#ifndef AIO_LOOP_H
#define AIO_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/host.h"

typedef struct Loop Loop;
typedef struct Task Task;
typedef struct Future Future;
typedef struct Trace Trace;
typedef struct LoopTimer LoopTimer;

/* A callback: fn(loop, data, arg). For a future's done-callback, arg is the
 * future. */
typedef void (*LoopFn)(Loop *loop, void *data, void *arg);

typedef enum LoopClock { LOOP_CLOCK_VIRTUAL, LOOP_CLOCK_REAL, LOOP_CLOCK_STEPPED } LoopClock;

typedef enum LoopStatus {
    LOOP_RAN,     /* did what was asked (an iteration / a step / reached the time) */
    LOOP_STOPPED, /* an iteration ended with the stop flag set (flag now cleared) */
    LOOP_WAITING, /* nothing to run until the clock moves (real + no_block, stepped) */
    LOOP_IDLE,    /* nothing ready and no timers: nothing can ever happen
                     (CPython would hang here, e.g. awaiting a future nobody sets) */
    LOOP_ENOMEM   /* an allocation failed (Mem cap); the loop state is intact */
} LoopStatus;

#define LOOP_NS_PER_SEC INT64_C(1000000000)
#define LOOP_BUSY_NS    INT64_C(10000) /* default busy charge per iteration */

/* Seconds (a Python float) to exact ns, rounded to nearest: 0.1 -> 100000000. */
int64_t loop_ns_from_seconds(double s);

/* New loop on the given host (which must outlive it). Virtual clock,
 * starting at host->now_ns. NULL on ENOMEM. */
Loop *loop_new(Host *host);
/* Frees the loop: pending tasks are dropped (their coroutines dropped, the
 * loop's references released), queued callbacks and timers discarded.
 * Writes the virtual time back to host->now_ns. */
void loop_free(Loop *loop);

Host *loop_host(const Loop *loop);
Mem *loop_mem(const Loop *loop);

/* Clock. speed: real clock only, loop-seconds per real second (2.0 = twice
 * as fast, 0 = paused). Switching clock or speed keeps loop_time continuous. */
void loop_set_clock(Loop *loop, LoopClock clock, double speed);
LoopClock loop_clock(const Loop *loop);
void loop_set_no_block(Loop *loop, bool no_block);  /* never wait */
void loop_set_busy_ns(Loop *loop, int64_t busy_ns); /* see above; 0 = off */
int64_t loop_time(Loop *loop);                      /* ns, CPython's loop.time() */

/* Queue fn(loop, data, arg) at the back of the ready queue.
 * 0, or -1 on ENOMEM. */
int loop_call_soon(Loop *loop, LoopFn fn, void *data, void *arg);

/* Timers. The handle is valid until the callback has run or the timer was
 * cancelled, whichever comes first; data/arg are not owned. NULL on ENOMEM. */
LoopTimer *loop_call_at(Loop *loop, int64_t when_ns, LoopFn fn, void *data, void *arg);
LoopTimer *loop_call_later(Loop *loop, int64_t delay_ns, LoopFn fn, void *data, void *arg);
/* Cancel a timer that has not run: it will never run (even if it is already
 * in the ready queue, where it still counts toward the iteration, §2). */
void loop_timer_cancel(Loop *loop, LoopTimer *t);
int64_t loop_timer_when(const LoopTimer *t);

/* Driving. */
void loop_stop(Loop *loop);           /* the current iteration finishes, then STOPPED */
LoopStatus loop_run_once(Loop *loop); /* finish the current iteration or run one */
LoopStatus loop_run_step(Loop *loop); /* run callbacks until one task step ran */
/* Run every iteration with something due at or before t_ns, then set the
 * clock to t_ns (virtual/stepped). Real clock: runs until loop_time >= t_ns
 * (returns WAITING early with no_block). Returns RAN, STOPPED, IDLE
 * (nothing left at all; the clock is still moved to t_ns), or ENOMEM.
 * Virtual/stepped: each iteration that starts with callbacks ready counts
 * busy_ns against the span; when callbacks keep the queue busy for the
 * whole span (a sleep(0) loop), it returns RAN early WITHOUT moving the
 * clock (time never moves while work is ready), so the host stays
 * responsive; call it again. busy_ns == 0 removes that bound. */
LoopStatus loop_run_until(Loop *loop, int64_t t_ns);
/* Iterate until STOPPED (returns RAN), IDLE, WAITING or ENOMEM. */
LoopStatus loop_run_forever(Loop *loop);
/* asyncio's run_until_complete: adds a done-callback that stops the loop
 * (so the loop runs one more iteration after fut completes, §1.4), runs
 * forever. RAN when fut is done; IDLE/WAITING/ENOMEM otherwise. */
LoopStatus loop_run_until_complete(Loop *loop, Future *fut);

/* Move the clock forward by ns (virtual/stepped; no-op for ns <= 0). Timers
 * that became due fire in the next iteration. */
void loop_advance(Loop *loop, int64_t ns);
/* time.sleep(ns) inside a step (§10): the whole loop is blocked. Virtual
 * and stepped clocks jump forward at once; the real clock jumps too (the
 * program sees the new time immediately) and then holds: the loop runs
 * nothing until real time has caught up (waiting, or WAITING with
 * no_block). Records a TRACE_BLOCK event (T0..T1). */
void loop_block_for(Loop *loop, int64_t ns);

/* How long until something is due: 0 when work is ready (or, virtual
 * clock, whenever any timer is pending: the clock jumps), -1 when nothing is
 * scheduled at all (or the real clock is paused). Real clock: real ns the
 * host may sleep (e.g. its poll timeout). Stepped clock: loop ns the host
 * would have to loop_advance. */
int64_t loop_wait_hint(Loop *loop);

size_t loop_ready_count(const Loop *loop);
size_t loop_timer_count(const Loop *loop);
uint64_t loop_iteration(const Loop *loop); /* iterations started so far */
uint64_t loop_steps(const Loop *loop);     /* task steps run so far */
bool loop_is_running(const Loop *loop);    /* inside a callback right now */

Task *loop_current_task(const Loop *loop); /* NULL outside task steps */
/* The loop's pending (not done) tasks in creation order, for all_tasks()
 * and asyncio.run's shutdown: first, then task_next_pending(t). */
Task *loop_first_task(const Loop *loop);
size_t loop_task_count(const Loop *loop);

/* Trace: NULL (the default) turns recording off. The trace is not owned. */
void loop_set_trace(Loop *loop, Trace *trace);
Trace *loop_trace(const Loop *loop);
/* The host calls this on print(): a TRACE_OUTPUT event for the current task. */
void loop_output(Loop *loop, const char *text, size_t len);

#endif
