/* chrometrace: the Chrome trace event file of a run (see chrometrace.h).
 *
 * The file is streamed: each event is built as a cJSON object, printed and
 * freed, so a run of a million steps never holds the whole document in
 * memory. A wait is only known to be over at the task's next step, so its
 * slice is written then (Chrome's format does not need events in time
 * order). */
#include "config.h"

#include "app/chrometrace.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/utext.h"
#include "engine/lang/interp.h"

/* What each task is doing between its steps, by task id. */
typedef struct TaskState {
    int64_t wait_from; /* WAITING: when its last step ended */
    uint32_t wait_ev;  /* WAITING: that STEP_END's index */
    uint32_t name_ev;  /* NAMED: its last CREATED / RENAMED event */
    uint8_t flags;
} TaskState;

enum { TS_WAITING = 1, TS_HIDDEN = 2, TS_NAMED = 4 };

typedef struct Writer {
    const Trace *tr;
    FILE *f;
    TaskState *ts; /* [nts], indexed by task id */
    size_t nts;
    bool first;
    bool failed; /* errno says why */
    TextlineNameFn coro_name;
    void *ctx;
} Writer;

static const char *ev_text(const Writer *w, const TraceEvent *ev, int *len, size_t max)
{
    const char *s = trace_text(w->tr, ev);
    *len = (int)utext_cut(s, ev->text_len, max); /* the JSON string stays valid UTF-8 */
    return s;
}

/* Prints o (then frees it) as the next element of traceEvents. */
static void emit(Writer *w, cJSON *o, const TraceEvent *ev, int64_t t_ns)
{
    if (w->failed) {
        cJSON_Delete(o);
        return;
    }
    char *s = NULL;
    if (o && cJSON_AddNumberToObject(o, "pid", 1) &&
        cJSON_AddNumberToObject(o, "tid", (double)ev->task) &&
        cJSON_AddNumberToObject(o, "ts", (double)t_ns / 1000.0))
        s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s) {
        w->failed = true;
        errno = ENOMEM;
        return;
    }
    if (!w->first)
        fputc(',', w->f);
    w->first = false;
    fputs(s, w->f);
    cJSON_free(s);
    if (ferror(w->f))
        w->failed = true;
}

static cJSON *event(const char *ph, const char *name)
{
    cJSON *o = cJSON_CreateObject();
    if (o && (!cJSON_AddStringToObject(o, "ph", ph) || (name && !cJSON_AddStringToObject(o, "name", name)))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Adds "args": {key: value}; on failure frees o and returns NULL. */
static cJSON *with_arg(cJSON *o, const char *key, const char *value)
{
    cJSON *args = o ? cJSON_AddObjectToObject(o, "args") : NULL;
    if (!args || !cJSON_AddStringToObject(args, key, value)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* The track's name, as the timeline labels its lane: "Task-2 function1". */
static void task_name(const Writer *w, uint64_t id, char *buf, size_t size)
{
    const TaskState *t = id < w->nts ? &w->ts[id] : NULL;
    if (!t || !(t->flags & TS_NAMED)) {
        snprintf(buf, size, "%s", id ? "task" : "outside tasks");
        return;
    }
    int len;
    const char *s = ev_text(w, trace_at(w->tr, t->name_ev), &len, 100);
    snprintf(buf, size, "%.*s", len, s);
}

/* The slice of the wait that ended at `until` (the task's next step, or the
 * end of the run when unfinished). */
static void end_wait(Writer *w, uint64_t id, int64_t until, bool unfinished)
{
    TaskState *t = &w->ts[id];
    if (!(t->flags & TS_WAITING))
        return;
    t->flags &= (uint8_t)~TS_WAITING;
    const TraceEvent *end = trace_at(w->tr, t->wait_ev);
    int len;
    const char *label = ev_text(w, end, &len, 100);
    char name[160];
    if (len == 5 && memcmp(label, "sleep", 5) == 0) {
        snprintf(name, sizeof name, "sleeping");
    } else if (end->other) {
        char other[128];
        task_name(w, end->other, other, sizeof other);
        snprintf(name, sizeof name, "awaiting %s", other);
    } else {
        snprintf(name, sizeof name, "awaiting %.*s", len, label);
    }
    cJSON *o = event("X", name);
    if (o && !cJSON_AddNumberToObject(o, "dur", (double)(until - t->wait_from) / 1000.0)) {
        cJSON_Delete(o);
        o = NULL;
    }
    if (o && unfinished)
        o = with_arg(o, "unfinished", "the run ended first");
    emit(w, o, end, t->wait_from);
}

static void write_event(Writer *w, const TraceEvent *ev, size_t i)
{
    TaskState *t = &w->ts[ev->task];
    char name[320];
    int len;
    const char *text = ev_text(w, ev, &len, 200);
    cJSON *o = NULL;
    switch ((TraceKind)ev->kind) {
    case TRACE_TASK_CREATED:
    case TRACE_TASK_RENAMED: {
        t->flags |= TS_NAMED;
        t->name_ev = (uint32_t)i;
        textline_lane_label(name, sizeof name, text, (size_t)len, 100,
                            w->coro_name ? w->coro_name(w->ctx, ev->task) : NULL);
        o = with_arg(event("M", "thread_name"), "name", name);
        break;
    }
    case TRACE_STEP_BEGIN:
        end_wait(w, ev->task, ev->t_ns, false);
        o = event("B", "step");
        break;
    case TRACE_STEP_END:
        snprintf(name, sizeof name, "%s%s%.*s", trace_why_name((TraceWhy)ev->why), len ? " " : "", len, text);
        o = with_arg(event("E", NULL), "why", name);
        if (ev->why == TRACE_WHY_AWAIT) {
            t->flags |= TS_WAITING;
            t->wait_from = ev->t_ns;
            t->wait_ev = (uint32_t)i;
        }
        break;
    case TRACE_BLOCK:
        o = event("X", "blocked (time.sleep)");
        if (o && !cJSON_AddNumberToObject(o, "dur", (double)(ev->t2_ns - ev->t_ns) / 1000.0)) {
            cJSON_Delete(o);
            o = NULL;
        }
        break;
    case TRACE_OUTPUT:
        while (len > 0 && text[len - 1] == '\n') /* print's own newline */
            len--;
        /* fall through */
    case TRACE_CANCEL:
    case TRACE_RESULT:
    case TRACE_EXCEPTION:
    case TRACE_CANCELLED:
        snprintf(name, sizeof name, "%s%s%.*s", trace_kind_name((TraceKind)ev->kind), len ? ": " : "", len, text);
        o = event("i", name);
        if (o && !cJSON_AddStringToObject(o, "s", "t")) {
            cJSON_Delete(o);
            o = NULL;
        }
        break;
    default: /* READY, SLEEP: the wait's slice says it */
        return;
    }
    emit(w, o, ev, ev->t_ns);
}

int chrometrace_write(const Trace *tr, FILE *f, TextlineNameFn coro_name, void *ctx)
{
    Writer w = {.tr = tr, .f = f, .first = true, .coro_name = coro_name, .ctx = ctx};
    size_t n = trace_count(tr);
    if (n > UINT32_MAX) {
        errno = EFBIG;
        return -1;
    }
    uint64_t max_id = 0;
    for (size_t i = 0; i < n; i++)
        if (trace_at(tr, i)->task > max_id)
            max_id = trace_at(tr, i)->task;
    w.nts = (size_t)max_id + 1;
    w.ts = calloc(w.nts, sizeof *w.ts);
    if (!w.ts) {
        errno = ENOMEM;
        return -1;
    }
    fputs("{\"traceEvents\":[", f);
    for (size_t i = 0; i < n && !w.failed; i++) {
        const TraceEvent *ev = trace_at(tr, i);
        TaskState *t = &w.ts[ev->task];
        if (interp_trace_internal_task(ev))
            t->flags |= TS_HIDDEN;
        if (t->flags & TS_HIDDEN)
            continue;
        if (ev->task == 0 && !(t->flags & TS_NAMED)) {
            /* Work outside any task (a call_soon callback): its own track. */
            t->flags |= TS_NAMED;
            emit(&w, with_arg(event("M", "thread_name"), "name", "outside tasks"), ev, ev->t_ns);
        }
        write_event(&w, ev, i);
    }
    int64_t last = n ? trace_at(tr, n - 1)->t_ns : 0;
    for (size_t id = 0; id < w.nts && !w.failed; id++)
        end_wait(&w, id, last, true);
    free(w.ts);
    if (w.failed)
        return -1;
    fputs("],\"displayTimeUnit\":\"ms\"}\n", f);
    if (ferror(f) || fflush(f) != 0)
        return -1;
    return 0;
}
