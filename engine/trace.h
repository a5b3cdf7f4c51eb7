/* trace: the record of every task switch, read by the timeline and the
 * exercise checker.
 *
 * A Trace is an append-only array of TraceEvent. The host creates one and
 * attaches it to loops (loop_set_trace); with no trace attached, recording
 * costs one pointer test per event site. One trace may follow several loops
 * in turn (asyncio.run twice): task ids and seq are unique across them.
 *
 * Every event has: seq (0, 1, 2, ... in order of recording), t_ns (loop time
 * when it happened), iter (loop_iteration at that moment: the "[it N]" of
 * asyncio-semantics §0), task (task id, 0 = none / outside tasks).
 *
 *  kind                 task     other / t2_ns / text
 *  TRACE_TASK_CREATED   new      other = parent task id (0 = none); text = name
 *  TRACE_TASK_RENAMED   task     text = new name
 *  TRACE_READY          task     its next step was queued (creation, wakeup,
 *                                bare yield)
 *  TRACE_STEP_BEGIN     task     a step starts
 *  TRACE_STEP_END       task     why = TRACE_WHY_*; for AWAIT: other = id of the
 *                                awaited task (0 if not a task), text = the
 *                                future's label ("sleep", "gather", ... or
 *                                "future")
 *  TRACE_SLEEP          task     t2_ns = deadline (asyncio.sleep(d > 0): the
 *                                task sleeps from t_ns until woken; it is
 *                                "sleeping" until its next STEP_BEGIN)
 *  TRACE_CANCEL         task     cancel() requested on it; other = id of the
 *                                task that asked (0 = none)
 *  TRACE_BLOCK          task     the whole loop blocked (time.sleep) from
 *                                t_ns to t2_ns
 *  TRACE_OUTPUT         task     text = what was printed (loop_output)
 *  TRACE_RESULT         task     the task finished; text = repr(result) (from
 *                                HostOps.repr, empty if none)
 *  TRACE_EXCEPTION      task     the task raised; text = repr(exception)
 *  TRACE_CANCELLED      task     the task ended cancelled
 *
 * STEP_END's why is one of AWAIT (suspended on a future), YIELD (bare
 * yield, sleep(0)), RETURN, RAISE, CANCELLED; a finished task's STEP_END is
 * followed by its RESULT / EXCEPTION / CANCELLED event.
 *
 * Derived measures: a task is sleeping from its TRACE_SLEEP to its next
 * TRACE_STEP_BEGIN (or its end), so "the most tasks sleeping at the same
 * moment" is a sweep over those intervals (trace_max_sleeping does it);
 * elapsed virtual time is the last event's t_ns minus the first's.
 *
 * Text (names, output, reprs) is copied into the trace and stays valid until
 * trace_clear/trace_free.
 */
#ifndef AIO_TRACE_H
#define AIO_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/mem.h"

typedef struct Trace Trace;

#define TRACE_KINDS(X)                                                                             \
    X(TASK_CREATED, "created")                                                                     \
    X(TASK_RENAMED, "renamed")                                                                     \
    X(READY, "ready")                                                                              \
    X(STEP_BEGIN, "step")                                                                          \
    X(STEP_END, "end")                                                                             \
    X(SLEEP, "sleep")                                                                              \
    X(CANCEL, "cancel")                                                                            \
    X(BLOCK, "block")                                                                              \
    X(OUTPUT, "output")                                                                            \
    X(RESULT, "result")                                                                            \
    X(EXCEPTION, "exception")                                                                      \
    X(CANCELLED, "cancelled")

typedef enum TraceKind {
#define X(k, s) TRACE_##k,
    TRACE_KINDS(X)
#undef X
        TRACE_KIND_COUNT
} TraceKind;

#define TRACE_WHYS(X)                                                                              \
    X(NONE, "")                                                                                    \
    X(AWAIT, "await")                                                                              \
    X(YIELD, "yield")                                                                              \
    X(RETURN, "return")                                                                            \
    X(RAISE, "raise")                                                                              \
    X(CANCELLED, "cancelled")

typedef enum TraceWhy {
#define X(k, s) TRACE_WHY_##k,
    TRACE_WHYS(X)
#undef X
        TRACE_WHY_COUNT
} TraceWhy;

typedef struct TraceEvent {
    uint64_t seq;
    int64_t t_ns;
    int64_t t2_ns; /* SLEEP: deadline; BLOCK: end */
    uint64_t iter;
    uint64_t task;  /* task id, 0 = none */
    uint64_t other; /* parent / awaited task / canceller */
    uint32_t text;  /* offset in the text arena (use trace_text) */
    uint32_t text_len;
    uint8_t kind; /* TraceKind */
    uint8_t why;  /* TraceWhy (STEP_END) */
} TraceEvent;

Trace *trace_new(Mem *mem); /* NULL on ENOMEM */
void trace_free(Trace *tr);
void trace_clear(Trace *tr); /* drop all events; seq continues */

/* Iteration: events [0, trace_count). Indices stay valid as events are
 * appended (a UI keeps the index it has drawn up to); pointers do not. */
size_t trace_count(const Trace *tr);
const TraceEvent *trace_at(const Trace *tr, size_t i);
/* The event's text (NOT NUL-terminated: use ev->text_len), "" if none. */
const char *trace_text(const Trace *tr, const TraceEvent *ev);
/* True if recording failed for lack of memory at some point. */
bool trace_truncated(const Trace *tr);

const char *trace_kind_name(TraceKind k);
const char *trace_why_name(TraceWhy w);
/* One line of text for an event, for tests and debugging ("t=1.000000000
 * it=3 task=2 end await sleep"); returns the length like snprintf. */
size_t trace_format(const Trace *tr, const TraceEvent *ev, char *buf, size_t size);

/* Derived: the largest number of tasks sleeping (TRACE_SLEEP until the next
 * STEP_BEGIN / end of that task) at one moment of virtual time. */
size_t trace_max_sleeping(const Trace *tr);

/* Recording (used by the engine; a host may record too). task/other are
 * task ids. Returns 0, or -1 on ENOMEM (the trace is then marked
 * truncated). */
int trace_add(Trace *tr, TraceKind kind, int64_t t_ns, uint64_t iter, uint64_t task, uint64_t other,
              TraceWhy why, int64_t t2_ns, const char *text, size_t text_len);

#endif
