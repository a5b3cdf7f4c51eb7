/* task: asyncio.Task, a future that drives a coroutine (asyncio-semantics
 * §3, §5, §6).
 *
 * task_new queues the first step with call_soon. A step resumes the
 * coroutine (coro.h) with the value or exception it was woken with, or throws
 * CancelledError(msg) if a cancel is pending, then:
 *   SUSPEND on f: the task's wakeup becomes f's done-callback and f its
 *                 fut_waiter; if cancel() was called during this step, f is
 *                 cancelled right away.
 *   YIELD:        the next step is queued with call_soon.
 *   RETURN v:     result v; but if a cancel was requested during the step the
 *                 task ends cancelled and v is dropped.
 *   RAISE e:      a CancelledError ends the task cancelled (and e is what
 *                 awaiting it raises first); anything else is its exception.
 * Wakeup: SEND(f's result) or THROW(f's exception / CancelledError).
 *
 * task_cancel(msg) is Task.cancel: false if done; else cancelling() += 1 and
 * true, even when already cancelling; the fut_waiter is cancelled with msg if
 * there is one (and it accepts), otherwise the cancel is pending and the next
 * step throws CancelledError(msg). A task never started is cancelled in its
 * first step without running its body.
 *
 * Names: task_new(loop, coro, NULL) takes the next number of the Host's
 * process-wide counter ("Task-N"); a non-NULL name takes none. For
 * asyncio.create_task(coro, name='x'), which consumes a number in CPython,
 * call task_new(..., NULL) then task_set_name.
 *
 * A Task is a Future: (Future *)task is valid with every future_* function
 * (task_future says so without a cast). The loop holds its own reference on a
 * task until it is done; task_new's reference belongs to the caller.
 */
#ifndef AIO_TASK_H
#define AIO_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/coro.h"
#include "engine/future.h"
#include "engine/loop.h"

/* Adopts coro (dropped on failure too). The parent recorded in the trace is
 * the loop's current task. NULL on ENOMEM, or when coro.vt is NULL (so
 * task_new(loop, nco_sleep(...), NULL) needs no separate check). */
Task *task_new(Loop *loop, Coro coro, const char *name);

static inline Future *task_future(Task *t)
{
    return (Future *)t;
}
Task *task_from_future(Future *f); /* NULL unless f is a task */
void task_retain(Task *t);
void task_release(Task *t);
Loop *task_loop(const Task *t);

bool task_cancel(Task *t, void *msg);
/* Tasks awaiting each other in a cycle pass a cancel round forever; CPython
 * stops with RecursionError ("maximum recursion depth exceeded while
 * calling a Python object") about a thousand fut_waiter.cancel() calls
 * deep, after counting the cancel on every task on the way and marking none
 * for cancellation. task_cancel stops there too (returning false all the
 * way out); task_cancel_overflowed says, once, that the last one did. */
enum { TASK_CANCEL_MAX_DEPTH = 990 };
bool task_cancel_overflowed(Loop *loop);
int task_cancelling(const Task *t);
int task_uncancel(Task *t);           /* decrements (not below 0), returns the new count */
bool task_must_cancel(const Task *t); /* a cancel waits for the next step */

/* Writes the name ("Task-7" or the given name) NUL-terminated; returns its
 * length (like snprintf). */
size_t task_name(const Task *t, char *buf, size_t size);
uint64_t task_name_num(const Task *t);        /* N of Task-N, 0 if named explicitly */
int task_set_name(Task *t, const char *name); /* copies; -1 on ENOMEM */
uint64_t task_id(const Task *t);              /* unique per Host; the trace key */

Future *task_fut_waiter(const Task *t); /* borrowed; NULL when not suspended on a future */
bool task_started(const Task *t);       /* its first step has run */
bool task_running(const Task *t);       /* it is the loop's current task */
Coro task_coro(const Task *t);          /* vt NULL once finished and dropped */

/* Back-pointer for the host (its Python Task object); not owned. */
void task_set_host(Task *t, void *host_obj);
void *task_host(const Task *t);

/* asyncio.sleep(delay) without a future or a block of its own (a task
 * suspended in it costs only its Task and a heap entry). Called by t's
 * coroutine during t's step, which then returns CORO_SUSPEND with *out =
 * NULL: the task sleeps on its own timer until loop time `when`, and its
 * next step is SEND(NULL) (sleep's result None). task_cancel while it
 * sleeps cancels the sleep, and the next step is THROW(CancelledError(msg))
 * -- the steps, their order in the ready queue and the trace are those of
 * awaiting nco_sleep. Records TRACE_SLEEP. Returns 0 (armed), 1 when the
 * task cannot sleep this way now (not pending, its timer is still with the
 * loop after a cancelled sleep, or it is already suspended): use nco_sleep,
 * or -1 on ENOMEM. */
int task_sleep_until(Task *t, int64_t when);
/* The coroutine stopped waiting for that sleep (it was closed or dropped):
 * the timer is cancelled, the task stays suspended, as a task whose
 * coroutine was closed while it awaited a future. */
void task_sleep_abandon(Task *t);
/* Suspended by task_sleep_until (until its wakeup step runs). A task's
 * repr says wait_for=<Future pending ...> when this or task_fut_waiter. */
bool task_sleeping(const Task *t);
/* The state of the future CPython's sleep() would hold for it: PENDING,
 * RESULT (the timer ran, the wakeup is queued) or CANCELLED (likewise);
 * PENDING when not task_sleeping. */
FutureState task_sleep_state(const Task *t);
/* Next pending task of the same loop in creation order (loop_first_task). */
Task *task_next_pending(const Task *t);

#endif
