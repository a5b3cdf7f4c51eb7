/* future: asyncio.Future (asyncio-semantics §2, §3, §6).
 *
 * A future is pending, then done with a result, an exception, or cancelled.
 * Done-callbacks (fn, data) run in registration order, each queued with
 * call_soon at the moment the future completes (so a waiter resumes one
 * iteration later); they are called as fn(loop, data, future). A callback
 * added to a future that is already done is queued at once.
 *
 * Results, exceptions and cancel messages are host values (host.h): the
 * future retains what it stores and releases it when freed.
 *
 * Futures are reference counted: future_new returns one reference owned by
 * the caller. A queued done-callback holds a reference to its future until it
 * has run. Tasks (task.h) and gathering futures (nco.h) are futures too:
 * every future_* function accepts them, and future_cancel dispatches to their
 * own cancel rules.
 */
#ifndef AIO_FUTURE_H
#define AIO_FUTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/loop.h"

typedef enum FutureState {
    FUTURE_PENDING,
    FUTURE_RESULT,    /* done with a result */
    FUTURE_EXCEPTION, /* done with an exception */
    FUTURE_CANCELLED
} FutureState;

typedef enum FutureKind { FUTURE_PLAIN, FUTURE_TASK, FUTURE_GATHER } FutureKind;

Future *future_new(Loop *loop); /* NULL on ENOMEM */
void future_retain(Future *f);
void future_release(Future *f); /* frees at zero (see HostOps.unretrieved) */

Loop *future_loop(const Future *f);
FutureKind future_kind(const Future *f);
FutureState future_state(const Future *f);
bool future_done(const Future *f);
bool future_cancelled(const Future *f);

/* Complete a pending future (retains v / exc). -1 if it is already done
 * (the host raises InvalidStateError) or on ENOMEM queueing callbacks. */
int future_set_result(Future *f, void *v);
int future_set_exception(Future *f, void *exc);
/* Future.cancel(msg) (msg retained, may be NULL). Returns false if already
 * done. Tasks: task_cancel's rules; gathering futures: cancel the children.
 * A message is kept in a side block allocated on first use: when memory
 * runs out for it the cancel still happens without the message, and the
 * loop reports LOOP_ENOMEM at the end of its current (or next) iteration. */
bool future_cancel(Future *f, void *msg);

/* Borrowed result (state FUTURE_RESULT only, else NULL). */
void *future_result(const Future *f);
/* Borrowed exception (state FUTURE_EXCEPTION only, else NULL); marks it
 * retrieved, as Future.exception() does. */
void *future_exception(Future *f);
/* The exception that result()/await would raise, as a new reference, or NULL
 * when the future has a result (or is pending). For a cancelled future this
 * is CancelledError built by CPython's rule: the CancelledError the task's
 * coroutine raised, handed over the first time, otherwise a new
 * CancelledError(cancel message). Marks the exception retrieved. */
void *future_take_error(Future *f);
void *future_cancel_message(const Future *f); /* borrowed, NULL = None */
bool future_exception_unretrieved(const Future *f);
/* For the interpreter's cycle collector (engine/lang/gc.h): the result or
 * exception of a finished future, borrowed (NULL otherwise), and *sole set
 * when the caller's reference is the only one on the future. */
void *future_held_value(const Future *f, bool *sole);

/* Done-callbacks. -1 on ENOMEM. */
int future_add_callback(Future *f, LoopFn fn, void *data);
/* Removes every registration of (fn, data) not yet queued; returns how many. */
size_t future_remove_callback(Future *f, LoopFn fn, void *data);
size_t future_callback_count(const Future *f);
/* The i-th callback (i < future_callback_count(f)), in the order they will
 * run, for reprs: its function, *data set to its data. */
LoopFn future_callback_at(const Future *f, size_t i, void **data);
/* Which of the engine's own callbacks fn is (a Future's repr names each as
 * CPython does); FUTURE_CB_OTHER for one the engine does not own. The data
 * of FUTURE_CB_RELEASE_WAITER (wait_for's) is the waiter future. */
typedef enum FutureCbKind {
    FUTURE_CB_OTHER,
    FUTURE_CB_TASK_WAKEUP,    /* a task awaiting the future */
    FUTURE_CB_GATHER_CHILD,   /* a gather over the future */
    FUTURE_CB_RELEASE_WAITER, /* wait_for on the future */
} FutureCbKind;
FutureCbKind future_callback_kind(LoopFn fn);

/* What the future stands for, for the trace and the timeline ("sleep",
 * "gather", "Lock.acquire", ...). A static string, not copied. */
void future_set_label(Future *f, const char *label);
const char *future_label(const Future *f);

/* Back-pointer for the host (e.g. its Python Future object); not owned.
 * Tasks and gathering futures keep it inline (never fail); plain futures
 * in a side block allocated the first time: -1 on ENOMEM (nothing
 * recorded), else 0. */
int future_set_host(Future *f, void *host_obj);
void *future_host(const Future *f);

#endif
