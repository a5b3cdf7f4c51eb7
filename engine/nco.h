/* nco: native stackless coroutines, the engine's own awaitables.
 *
 * Written in the style of Tatham's "Coroutines in C": each one is a struct
 * holding a state number, resumed by a switch. No per-task stack, no
 * assembly, no ucontext. They implement coro.h's vtable, so a Task can run
 * them directly and interpreted code can await them inline (delegate its
 * resumes to them, see coro.h).
 *
 * nco_sleep      asyncio.sleep(delay, result): delay <= 0 is a bare yield;
 *                otherwise a future labelled "sleep" plus a call_later timer
 *                that sets it unless cancelled; leaving the sleep for any
 *                reason cancels the timer. Records TRACE_SLEEP.
 * nco_gather     asyncio.gather(*children, return_exceptions): a FUTURE (not
 *                a coroutine), labelled "gather", §4 rules: results in
 *                argument order, duplicates share one child, first failure
 *                wins without cancelling the others, cancel() cancels the
 *                children. The host turns coroutine arguments into tasks
 *                first (task_new(..., NULL) in argument order, one per
 *                distinct coroutine) and passes the futures.
 * nco_wait_for   3.11's wait_for(aw, timeout) (§6): no timeout = plain await
 *                in the caller's task (inline for a coroutine); otherwise aw
 *                runs in a new task; on timeout that task is cancelled and
 *                awaited, then TimeoutError() from its CancelledError.
 * nco_await      awaits a future (for C tests and simple hosts).
 *
 * Constructors return a Coro whose vt is NULL on ENOMEM (coro_ok). Values
 * passed in are retained; Coros passed in are adopted.
 */
#ifndef AIO_NCO_H
#define AIO_NCO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/coro.h"
#include "engine/future.h"
#include "engine/loop.h"

Coro nco_sleep(Loop *loop, int64_t delay_ns, void *result);

/* New reference to the gathering future; n == 0 gives a future already done
 * with an empty list. NULL on ENOMEM. children are retained. */
Future *nco_gather(Loop *loop, Future *const *children, size_t n, bool return_exceptions);
/* The same, adopting children: an array of n futures allocated from the
 * loop's Mem (NULL when n is 0), and the reference to each. It is the
 * gather's from then on, also when NULL is returned (then freed). Spares
 * gather(*100_000 coroutines) a copy of 800 KB. */
Future *nco_gather_take(Loop *loop, Future **children, size_t n, bool return_exceptions);

/* What wait_for awaits: a Future (retained) or a coroutine (adopted). */
typedef struct NcoAwaitable {
    Future *fut; /* set this ... */
    Coro coro;   /* ... or this */
} NcoAwaitable;

#define NCO_NO_TIMEOUT INT64_MIN /* timeout=None */
Coro nco_wait_for(Loop *loop, NcoAwaitable aw, int64_t timeout_ns);

Coro nco_await(Loop *loop, Future *f);

#endif
