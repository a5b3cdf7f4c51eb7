/* coro: the resume protocol between a Task and the coroutine it drives.
 *
 * A coroutine is a (vtable, self) pair. Anything can be one: the
 * interpreter's coroutine objects (bytecode frames on the heap) and the
 * engine's native stackless coroutines (nco.h) implement the same vtable, so
 * a Task does not know which kind it runs.
 *
 *   status = vt->resume(self, task, how, in, &out)
 *
 * how/in: CORO_SEND with a value (NULL = None: the first step, a bare-yield
 * return, or the result of the future it suspended on), or CORO_THROW with an
 * exception to raise at the suspension point (the future's exception, or a
 * CancelledError). `in` is borrowed: retain it to keep it. A coroutine that
 * has not started and is thrown into raises the exception at once without
 * running its body (CPython's rule: a task cancelled before its first step
 * never runs any of it).
 *
 * status/out:
 *   CORO_SUSPEND  out = a pending Future* to wait on (borrowed: the coroutine
 *                 keeps its own reference while suspended on it). The task
 *                 registers its wakeup as that future's done-callback; the
 *                 next resume is SEND(result) or THROW(exception).
 *   CORO_YIELD    a bare yield, as `await asyncio.sleep(0)`: the task queues
 *                 its next step with call_soon. out unused. Next resume is
 *                 SEND(NULL) (or THROW of a pending cancel).
 *   CORO_RETURN   finished; out = return value, a new reference for the caller.
 *   CORO_RAISE    finished; out = exception, a new reference for the caller.
 * After RETURN or RAISE the coroutine is never resumed again.
 *
 * `task` is the Task running this step (loop_current_task), passed so that a
 * coroutine can reach its loop (task_loop) and parent the tasks it creates.
 *
 * Awaiting a coroutine inline (`yield from`), e.g. interpreted code doing
 * `await asyncio.sleep(1)` or `await asyncio.wait_for(c, None)` on a native
 * coroutine D: the awaiting frame keeps D; while D is unfinished every
 * resume of the frame is forwarded unchanged to D (coro_resume(D, task, how,
 * in, &out)) and D's SUSPEND/YIELD is returned unchanged with the same out.
 * D's RETURN value becomes the value of the await expression, D's RAISE is
 * raised at the await; the frame then drops D (coro_drop) and continues.
 * Native coroutines delegate to interpreted ones the same way. Awaiting a
 * Future (e.g. gather's, nco_gather) is just SUSPEND on it when it is
 * pending; when it is already done the frame takes the result without
 * suspending (future_result / future_take_error).
 *
 * drop: free the coroutine. Called once, by whoever owns it (a Task owns the
 * coroutine it was created with and drops it when the task is done or freed),
 * whether it finished or is still suspended (a suspended native coroutine
 * then cancels its timers and releases its futures; the host may run its
 * `finally` blocks or not).
 */
#ifndef AIO_CORO_H
#define AIO_CORO_H

#include <stddef.h>

typedef struct Task Task;

typedef enum CoroIn { CORO_SEND, CORO_THROW } CoroIn;

typedef enum CoroStatus { CORO_SUSPEND, CORO_YIELD, CORO_RETURN, CORO_RAISE } CoroStatus;

typedef struct CoroVt {
    const char *name; /* e.g. "sleep"; for traces and debugging */
    CoroStatus (*resume)(void *self, Task *task, CoroIn how, void *in, void **out);
    void (*drop)(void *self);
} CoroVt;

typedef struct Coro {
    const CoroVt *vt; /* NULL: no coroutine (constructors return this on ENOMEM) */
    void *self;
} Coro;

static inline CoroStatus coro_resume(Coro c, Task *task, CoroIn how, void *in, void **out)
{
    return c.vt->resume(c.self, task, how, in, out);
}

static inline void coro_drop(Coro c)
{
    if (c.vt && c.vt->drop) c.vt->drop(c.self);
}

static inline int coro_ok(Coro c)
{
    return c.vt != NULL;
}

#endif
