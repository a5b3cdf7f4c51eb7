/* check: the exercise checker (check.h).
 *
 * One check_run makes up to three kinds of interpreter runs, all on the
 * virtual clock with the engine's trace on:
 *   - the student's program as written (every check is decided on it);
 *   - for robust checks, re-runs under other legal schedules. The engine has
 *     no hook for its tie-breaking order yet, so the schedules are made from
 *     the program side: a prelude rebinds asyncio.sleep to a wrapper that
 *     nudges every positive delay by at most 1 us (ns granularity). Equal
 *     deadlines then fire in the order the nudges give them (reversed, or
 *     shuffled by a seed) instead of scheduling order; the program's own
 *     lines keep their meaning (tracebacks of re-runs are off by the prelude's
 *     lines, and only their last line is ever shown). Time comparisons in
 *     re-runs allow the accumulated nudges as slack;
 *   - the reference solution, when a timing or concurrency check failed, to
 *     compare the two timelines for a hint.
 * Each run is stepped here, one loop iteration at a time, so a wall-clock
 * limit can interrupt a program that never stops (sleep(0) forever moves no
 * virtual time; the interpreter's own step budget catches loops with no
 * await at all).
 */
#include "config.h"
#include "app/check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CHECK_ON_VALGRIND() RUNNING_ON_VALGRIND
#else
#define CHECK_ON_VALGRIND() 0
#endif

#include "app/netcfg.h"
#include "app/textline.h"
#include "engine/lang/ast.h"
#include "engine/lang/interp.h"
#include "engine/trace.h"

const char *const check_end_names[CHECK_END_COUNT] = {
#define X(name, str, desc) str,
    CHECK_ENDS(X)
#undef X
};
const char *const check_end_descriptions[CHECK_END_COUNT] = {
#define X(name, str, desc) desc,
    CHECK_ENDS(X)
#undef X
};

void check_options_init(CheckOptions *o)
{
    memset(o, 0, sizeof *o);
    o->cpu_seconds = 5;
    o->max_virtual_time = 86400;
    o->mem_limit = (size_t)128 << 20;
    o->step_budget = 20000000; /* ~0.2 s of CPU: lesson programs need far less */
    o->robust_runs = 4;
    o->reference = true;
    o->timeline_width = 78;
}

/* ------------------------------------------------------------ strings */

typedef struct Buf {
    char *p;
    size_t n, cap;
    bool oom;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(Buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        buf_add(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_add(b, big, (size_t)n);
    free(big);
}

/* Takes the buffer's text (never NULL unless out of memory). */
static char *buf_take(Buf *b)
{
    if (!b->p && !b->oom)
        buf_add(b, "", 0);
    char *p = b->p;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* "3 s", "0.25 s", "1.000001 s": seconds without noise. */
static const char *secs(int64_t ns, char *buf, size_t size)
{
    snprintf(buf, size, "%.9g s", (double)ns / 1e9);
    return buf;
}

/* The last non-empty line of s (a traceback's "ValueError: boom"). */
static char *last_line(const char *s)
{
    const char *end = s + strlen(s);
    while (end > s && end[-1] == '\n')
        end--;
    const char *start = end;
    while (start > s && start[-1] != '\n')
        start--;
    return strndup(start, (size_t)(end - start));
}

/* The first line of s holding `needle`, or NULL. */
static char *line_with(const char *s, const char *needle)
{
    const char *p = strstr(s, needle);
    if (!p)
        return NULL;
    const char *a = p, *b = p;
    while (a > s && a[-1] != '\n')
        a--;
    while (*b && *b != '\n')
        b++;
    return strndup(a, (size_t)(b - a));
}

/* ---------------------------------------------------------------- runs */

/* What one interpreter run left behind, measured before the Interp is freed
 * (the trace lives in it). */
typedef struct TaskInfo {
    uint64_t id;
    char name[48];  /* Task-3 */
    char coro[64];  /* report, "" when native (asyncio.run's shutdown tasks) */
    bool is_main;   /* created by asyncio.run (no parent) */
    int64_t start;  /* first step, -1 if it never ran */
    int64_t end;    /* when it finished, -1 if never */
    int64_t waited; /* sum of its sleeps and time.sleep blocks */
} TaskInfo;

typedef struct Interval {
    int64_t a, b;
    uint64_t task;
} Interval;

typedef struct Run {
    Buf out, err;
    CheckEnd end;
    char *end_message;
    int64_t elapsed;
    bool compiled;
    /* measures from the trace */
    size_t max_waiting;
    int64_t max_waiting_at;
    TaskInfo *tasks;
    size_t ntasks;
    Interval *waits; /* a task suspended on a leaf future (positive length) */
    size_t nwaits;
    Interval *blocks; /* time.sleep / requests.get: the loop blocked */
    size_t nblocks;
    size_t nsleeps;       /* asyncio.sleep(d > 0) calls */
    bool saw_gather, saw_wait_for;
    char *pending;        /* "Task-3 (timer)" still pending when main returned */
    char *timeline;       /* text timeline (only when asked) */
} Run;

static void run_fini(Run *r)
{
    free(r->out.p);
    free(r->err.p);
    free(r->end_message);
    free(r->tasks);
    free(r->waits);
    free(r->blocks);
    free(r->pending);
    free(r->timeline);
    memset(r, 0, sizeof *r);
}

static const char *run_out(const Run *r)
{
    return r->out.p ? r->out.p : "";
}

static const char *run_err(const Run *r)
{
    return r->err.p ? r->err.p : "";
}

static void on_out(void *host, const char *s, size_t n)
{
    Run *r = host;
    if (r->out.n < ((size_t)8 << 20)) /* keep at most 8 MiB of output */
        buf_add(&r->out, s, n);
}

static void on_err(void *host, const char *s, size_t n)
{
    Run *r = host;
    if (r->err.n < ((size_t)1 << 20))
        buf_add(&r->err, s, n);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return now_seconds();
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static TaskInfo *task_find(Run *r, uint64_t id)
{
    for (size_t i = 0; i < r->ntasks; i++)
        if (r->tasks[i].id == id)
            return &r->tasks[i];
    return NULL;
}

static bool push_interval(Interval **v, size_t *n, int64_t a, int64_t b, uint64_t task)
{
    Interval *p = realloc(*v, (*n + 1) * sizeof **v);
    if (!p)
        return false;
    p[*n] = (Interval){a, b, task};
    *v = p;
    (*n)++;
    return true;
}

static int cmp_edges(const void *x, const void *y)
{
    const int64_t *a = x, *b = y; /* {time, +1 start / -1 end}: ends first */
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

/* Reads the trace into tasks, waiting intervals and blocks. A task is
 * waiting while it is suspended on a leaf future (a sleep, a lock, a queue,
 * a network response), not while it only waits for other tasks (awaiting a
 * task, gather, wait_for): that is what "N tasks waiting at once" means. */
static void measure(Run *r, Interp *ip)
{
    const Trace *tr = interp_trace(ip);
    if (!tr)
        return;
    size_t n = trace_count(tr);
    int64_t *since = NULL; /* per task index: waiting since, -1 */
    for (size_t i = 0; i < n; i++) {
        const TraceEvent *ev = trace_at(tr, i);
        const char *text = trace_text(tr, ev);
        TaskInfo *t = task_find(r, ev->task);
        switch ((TraceKind)ev->kind) {
        case TRACE_TASK_CREATED: {
            TaskInfo *nt = realloc(r->tasks, (r->ntasks + 1) * sizeof *nt);
            int64_t *ns = realloc(since, (r->ntasks + 1) * sizeof *ns);
            if (ns)
                since = ns;
            if (!nt || !ns)
                goto out;
            r->tasks = nt;
            t = &nt[r->ntasks];
            since[r->ntasks] = -1;
            r->ntasks++;
            memset(t, 0, sizeof *t);
            t->id = ev->task;
            snprintf(t->name, sizeof t->name, "%.*s", (int)ev->text_len, text);
            const char *cn = interp_task_coro_name(ip, ev->task);
            snprintf(t->coro, sizeof t->coro, "%s", cn ? cn : "");
            t->is_main = ev->other == 0 && cn;
            t->start = t->end = -1;
            break;
        }
        case TRACE_TASK_RENAMED:
            if (t)
                snprintf(t->name, sizeof t->name, "%.*s", (int)ev->text_len, text);
            break;
        case TRACE_STEP_BEGIN:
            if (!t)
                break;
            if (t->start < 0)
                t->start = ev->t_ns;
            if (since[t - r->tasks] >= 0) {
                int64_t a = since[t - r->tasks];
                if (ev->t_ns > a && !push_interval(&r->waits, &r->nwaits, a, ev->t_ns, t->id))
                    goto out;
                since[t - r->tasks] = -1;
            }
            break;
        case TRACE_STEP_END:
            if (!t || ev->why != TRACE_WHY_AWAIT)
                break;
            if (ev->text_len == 6 && memcmp(text, "gather", 6) == 0)
                r->saw_gather = true;
            else if (ev->text_len == 8 && memcmp(text, "wait_for", 8) == 0)
                r->saw_wait_for = true;
            else if (ev->other == 0)
                since[t - r->tasks] = ev->t_ns;
            break;
        case TRACE_SLEEP:
            r->nsleeps++;
            if (t)
                t->waited += ev->t2_ns - ev->t_ns;
            break;
        case TRACE_BLOCK:
            if (t)
                t->waited += ev->t2_ns - ev->t_ns;
            if (!push_interval(&r->blocks, &r->nblocks, ev->t_ns, ev->t2_ns, ev->task))
                goto out;
            break;
        case TRACE_RESULT:
        case TRACE_EXCEPTION:
        case TRACE_CANCELLED:
            if (!t)
                break;
            t->end = ev->t_ns;
            if (t->is_main && !r->pending) {
                /* Every other user task still alive now is left pending:
                 * asyncio.run will cancel it. */
                Buf b = {0};
                for (size_t k = 0; k < r->ntasks; k++) {
                    const TaskInfo *o = &r->tasks[k];
                    if (o != t && !o->is_main && o->coro[0] && o->end < 0)
                        buf_printf(&b, "%s%s (%s)", b.n ? ", " : "", o->name, o->coro);
                }
                if (b.n)
                    r->pending = buf_take(&b);
                else
                    free(b.p);
            }
            break;
        default:
            break;
        }
    }
    /* Still waiting at the end: until the end of the run. */
    for (size_t k = 0; k < r->ntasks; k++)
        if (since[k] >= 0 && r->elapsed > since[k])
            push_interval(&r->waits, &r->nwaits, since[k], r->elapsed, r->tasks[k].id);
    /* The most waiting at one moment: a sweep over the interval edges. */
    int64_t(*edges)[2] = malloc(2 * r->nwaits * sizeof *edges + 1);
    if (edges) {
        for (size_t k = 0; k < r->nwaits; k++) {
            edges[2 * k][0] = r->waits[k].a;
            edges[2 * k][1] = 1;
            edges[2 * k + 1][0] = r->waits[k].b;
            edges[2 * k + 1][1] = -1;
        }
        qsort(edges, 2 * r->nwaits, sizeof *edges, cmp_edges);
        long cur = 0;
        for (size_t k = 0; k < 2 * r->nwaits; k++) {
            cur += edges[k][1];
            if (cur > (long)r->max_waiting) {
                r->max_waiting = (size_t)cur;
                r->max_waiting_at = edges[k][0];
            }
        }
        free(edges);
    }
out:
    free(since);
}

/* The lesson's simulated network, with the latencies nudged like the
 * sleeps in a robust re-run (variant > 0), so that equal latencies are
 * equal deadlines broken in other orders too. */
typedef struct NetWrap {
    const Lesson *lesson;
    int variant;
    uint64_t state, count;
} NetWrap;

static int64_t nudge_ns(int variant, uint64_t *state, uint64_t k)
{
    if (variant == 1)
        return -(int64_t)(k % 1000);
    *state = (*state * 1103515245u + 12345u) % 2147483648u;
    return (int64_t)((*state / 65536) % 2001) - 1000;
}

static void net_reply(void *host, const char *url, InterpNetReply *reply)
{
    NetWrap *w = host;
    if (w->lesson)
        netcfg_lesson_reply((void *)w->lesson, url, reply);
    if (w->variant > 0) {
        int64_t lat = reply->latency_ns >= 0 ? reply->latency_ns : LESSON_NET_DEFAULT_LATENCY_NS;
        if (lat > 2000) {
            w->count++;
            reply->latency_ns = lat + nudge_ns(w->variant, &w->state, w->count);
        }
    }
}

static const char *coro_name_cb(void *ctx, uint64_t id)
{
    return interp_task_coro_name(ctx, id);
}

/* Runs src once. Never fails: out of memory becomes end ERROR. */
static void run_program(Run *r, const char *src, size_t len, const char *filename,
                        const CheckOptions *o, bool want_timeline, const Ast **ast_keep,
                        Interp **ip_keep, NetWrap *net)
{
    memset(r, 0, sizeof *r);
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = on_out;
    cfg.err = on_err;
    cfg.host = r;
    cfg.clock = INTERP_CLOCK_VIRTUAL;
    cfg.trace = 1;
    cfg.mem_limit = o->mem_limit;
    cfg.max_virtual_time = o->max_virtual_time;
    cfg.step_budget = o->step_budget;
    cfg.net = net_reply;
    cfg.net_host = net;
    Interp *ip = interp_new(&cfg);
    if (!ip) {
        r->end = CHECK_END_ERROR;
        r->end_message = xstrdup("out of memory starting the interpreter");
        return;
    }
    if (interp_load(ip, src, len, filename) != 0) {
        const InterpDiag *d = interp_diag(ip);
        r->end = CHECK_END_SYNTAX;
        if (d->line > 0)
            r->end_message = xprintf("%s: %s (line %d)", d->kind, d->msg, d->line);
        else
            r->end_message = xprintf("%s: %s", d->kind, d->msg);
        r->elapsed = 0;
        if (ip_keep)
            *ip_keep = ip;
        else
            interp_free(ip);
        return;
    }
    r->compiled = true;
    double deadline = cpu_now() + o->cpu_seconds;
    bool timed_out = false;
    unsigned long calls = 0;
    while (interp_step(ip, INTERP_STEP_ITERATION) != INTERP_FINISHED) {
        if (++calls % 64 == 0 && !timed_out && cpu_now() > deadline) {
            timed_out = true;
            interp_interrupt(ip);
        }
        if (timed_out && calls % 64 == 0 && cpu_now() > deadline + 2)
            break; /* the interrupt did not take: give up on the run */
    }
    r->elapsed = interp_now(ip);
    int status = interp_exit_status(ip);
    const char *err = run_err(r);
    if (timed_out) {
        r->end = CHECK_END_TIMEOUT;
        r->end_message = xprintf("the program was stopped after %g s of CPU time (an endless "
                                 "loop? `await asyncio.sleep(0)` forever never lets time pass)",
                                 o->cpu_seconds);
    } else if (status == 0) {
        r->end = CHECK_END_OK;
    } else {
        r->end_message = last_line(err);
        const char *m = r->end_message ? r->end_message : "";
        if (strncmp(m, "MemoryError", 11) == 0)
            r->end = CHECK_END_MEMORY;
        else if (strstr(m, "endless loop") || strstr(m, "limit of") ||
                 strncmp(m, "RecursionError", 14) == 0)
            r->end = strncmp(m, "RecursionError", 14) == 0 ? CHECK_END_EXCEPTION
                                                           : CHECK_END_TIMEOUT;
        else
            r->end = CHECK_END_EXCEPTION;
    }
    measure(r, ip);
    if (want_timeline && interp_trace(ip)) {
        char *text = NULL;
        size_t tl = 0;
        FILE *f = open_memstream(&text, &tl);
        if (f) {
            textline_print(interp_trace(ip), f, o->timeline_width, coro_name_cb, ip);
            fclose(f);
            r->timeline = text;
        }
    }
    if (ast_keep)
        *ast_keep = interp_ast(ip);
    if (ip_keep)
        *ip_keep = ip;
    else
        interp_free(ip);
}

/* --------------------------------------------------------- schedules */

/* Robust re-runs: schedule 1 breaks ties in reverse (the sleep scheduled
 * last fires first), the others shuffle them with a seed and nudge every
 * sleep by up to +-1 us. */
#define NUDGE_MAX_NS 1000

static char *schedule_name(int v)
{
    if (v == 1)
        return xstrdup("equal deadlines broken in reverse order (the sleep scheduled last wakes "
                       "first)");
    return xprintf("equal deadlines broken in shuffled order (seed %d), every sleep nudged by up "
                   "to 1 us",
                   v);
}

static char *schedule_source(int v, const char *src, size_t len, size_t *out_len)
{
    Buf b = {0};
    buf_printf(&b,
               "import asyncio as _aiotutor_asyncio\n"
               "_aiotutor_sleep = _aiotutor_asyncio.sleep\n"
               "_aiotutor_state = [%d, 0]\n"
               "async def _aiotutor_nudged_sleep(delay, result=None):\n"
               "    if delay > 0.000002:\n"
               "        _aiotutor_state[1] = _aiotutor_state[1] + 1\n",
               v * 7919 + 17);
    if (v == 1)
        buf_printf(&b, "        nudge = 0 - (_aiotutor_state[1] %% %d)\n", NUDGE_MAX_NS);
    else
        buf_printf(&b,
                   "        _aiotutor_state[0] = (_aiotutor_state[0] * 1103515245 + 12345) %% "
                   "2147483648\n"
                   "        nudge = (_aiotutor_state[0] // 65536) %% %d - %d\n",
                   2 * NUDGE_MAX_NS + 1, NUDGE_MAX_NS);
    buf_printf(&b, "        delay = delay + nudge / 1000000000\n"
                   "    return await _aiotutor_sleep(delay, result)\n"
                   "_aiotutor_asyncio.sleep = _aiotutor_nudged_sleep\n");
    buf_add(&b, src, len);
    *out_len = b.n;
    return buf_take(&b);
}

/* ------------------------------------------------------------ judging */

typedef struct Verdict {
    bool passed;
    char *expected, *got, *detail;
} Verdict;

static void verdict_fini(Verdict *v)
{
    free(v->expected);
    free(v->got);
    free(v->detail);
    memset(v, 0, sizeof *v);
}

/* Output shown in a message: at most 2000 bytes. */
static char *clip(const char *s)
{
    size_t n = strlen(s);
    if (n <= 2000)
        return strdup(s);
    return xprintf("%.2000s... (%zu bytes in all)", s, n);
}

static void first_difference(const char *got, const char *want, Buf *b)
{
    int line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        if (*g == '\n') {
            line++;
            got = g + 1;
            want = w + 1;
        }
        g++;
        w++;
    }
    int gl = (int)strcspn(got, "\n"), wl = (int)strcspn(want, "\n");
    if (!*got && !*want)
        buf_printf(b, "the outputs differ only in the final newline");
    else if (!*got)
        buf_printf(b, "line %d: expected \"%.*s\", got nothing more", line, wl > 200 ? 200 : wl,
                   want);
    else if (!*want)
        buf_printf(b, "line %d: expected nothing more, got \"%.*s\"", line, gl > 200 ? 200 : gl,
                   got);
    else
        buf_printf(b, "line %d: expected \"%.*s\", got \"%.*s\"", line, wl > 200 ? 200 : wl, want,
                   gl > 200 ? 200 : gl, got);
}

/* The lines of s (a final newline does not make an empty last line). */
static size_t split_lines(const char *s, const char ***lines, size_t **lens)
{
    size_t n = 0;
    for (const char *p = s; *p;) {
        n++;
        p += strcspn(p, "\n");
        if (*p)
            p++;
    }
    *lines = calloc(n + 1, sizeof **lines);
    *lens = calloc(n + 1, sizeof **lens);
    if (!*lines || !*lens)
        return (size_t)-1;
    size_t i = 0;
    for (const char *p = s; *p;) {
        (*lines)[i] = p;
        (*lens)[i] = strcspn(p, "\n");
        p += (*lens)[i];
        i++;
        if (*p)
            p++;
    }
    return n;
}

/* Same multiset of lines; on failure, says which line is missing or extra. */
static bool lines_any_order(const char *got, const char *want, Buf *why)
{
    const char **gl = NULL, **wl = NULL;
    size_t *gn = NULL, *wn = NULL;
    size_t ng = split_lines(got, &gl, &gn), nw = split_lines(want, &wl, &wn);
    bool ok = ng != (size_t)-1 && nw != (size_t)-1;
    char *used = ok ? calloc(ng + 1, 1) : NULL;
    ok = ok && used;
    for (size_t i = 0; ok && i < nw; i++) {
        size_t j = 0;
        for (; j < ng; j++)
            if (!used[j] && gn[j] == wn[i] && memcmp(gl[j], wl[i], wn[i]) == 0)
                break;
        if (j == ng) {
            ok = false;
            buf_printf(why, "the line \"%.*s\" is missing", (int)(wn[i] > 200 ? 200 : wn[i]),
                       wl[i]);
        } else {
            used[j] = 1;
        }
    }
    for (size_t j = 0; ok && j < ng; j++)
        if (!used[j]) {
            ok = false;
            buf_printf(why, "the line \"%.*s\" was not expected (or appears too often)",
                       (int)(gn[j] > 200 ? 200 : gn[j]), gl[j]);
        }
    free(used);
    free(gl);
    free(gn);
    free(wl);
    free(wn);
    return ok;
}

static void judge_output(const LessonCheck *ck, const Run *r, Verdict *v)
{
    const char *out = run_out(r);
    const char *want = ck->expected ? ck->expected : "";
    Buf why = {0};
    switch (ck->op) {
    case LESSON_OP_EXACT:
        v->passed = strcmp(out, want) == 0;
        if (!v->passed)
            first_difference(out, want, &why);
        break;
    case LESSON_OP_CONTAINS:
        v->passed = strstr(out, want) != NULL;
        if (!v->passed)
            buf_printf(&why, "the output does not contain the expected text");
        break;
    case LESSON_OP_REGEX: {
        regex_t re;
        int rc = regcomp(&re, want, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
        if (rc != 0) {
            char msg[200];
            regerror(rc, &re, msg, sizeof msg);
            buf_printf(&why, "the exercise's regular expression does not compile: %s", msg);
            v->passed = false;
        } else {
            v->passed = regexec(&re, out, 0, NULL, 0) == 0;
            regfree(&re);
            if (!v->passed)
                buf_printf(&why, "no part of the output matches the regular expression");
        }
        break;
    }
    case LESSON_OP_LINES_ANY_ORDER:
        v->passed = lines_any_order(out, want, &why);
        break;
    default:
        buf_printf(&why, "unknown output comparison");
        break;
    }
    if (!v->passed) {
        v->expected = ck->op == LESSON_OP_REGEX ? xprintf("a match for /%s/", want) : clip(want);
        v->got = clip(out);
        v->detail = why.n ? buf_take(&why) : NULL;
    }
    free(why.p);
}

static void judge_time(const LessonCheck *ck, const Run *r, int64_t slack, Verdict *v)
{
    char a[48], b[48], c[48];
    int64_t e = r->elapsed, want = ck->time_ns;
    switch (ck->op) {
    case LESSON_OP_AT_MOST:
        v->passed = e <= want + slack;
        v->expected = xprintf("at most %s", secs(want, a, sizeof a));
        break;
    case LESSON_OP_AT_LEAST:
        v->passed = e + slack >= want;
        v->expected = xprintf("at least %s", secs(want, a, sizeof a));
        break;
    case LESSON_OP_ABOUT: {
        int64_t d = e > want ? e - want : want - e;
        v->passed = d <= ck->tolerance_ns + slack;
        v->expected = xprintf("%s (+- %s)", secs(want, a, sizeof a),
                              secs(ck->tolerance_ns, b, sizeof b));
        break;
    }
    default:
        break;
    }
    v->got = xprintf("%s of virtual time", secs(e, c, sizeof c));
}

static void judge_concurrency(const LessonCheck *ck, const Run *r, int64_t slack, Verdict *v)
{
    char a[48], b[48], c[48];
    if (ck->op == LESSON_OP_MIN_WAITING) {
        v->passed = r->max_waiting >= (size_t)ck->tasks;
        v->expected = xprintf("at least %d tasks waiting at the same moment", ck->tasks);
        if (r->max_waiting)
            v->got = xprintf("at most %zu at once (at %s)", r->max_waiting,
                             secs(r->max_waiting_at, a, sizeof a));
        else
            v->got = xprintf("no task ever waited (sleep, lock, queue)");
        return;
    }
    /* longest_not_sum: the elapsed time is about the longest task's own
     * waiting, and well below the sum of every task's. */
    int64_t longest = 0, sum = 0;
    int waiting_tasks = 0;
    const TaskInfo *lt = NULL;
    for (size_t i = 0; i < r->ntasks; i++) {
        const TaskInfo *t = &r->tasks[i];
        if (t->waited <= 0)
            continue;
        waiting_tasks++;
        sum += t->waited;
        if (t->waited > longest) {
            longest = t->waited;
            lt = t;
        }
    }
    int64_t tol = ck->tolerance_ns + slack;
    int64_t d = r->elapsed > longest ? r->elapsed - longest : longest - r->elapsed;
    v->passed = waiting_tasks >= 2 && d <= tol && r->elapsed < sum - tol;
    v->expected = xprintf("a total near the longest task's waiting, below the sum of all");
    if (!lt)
        v->got = xprintf("no task waited at all; the run took %s", secs(r->elapsed, a, sizeof a));
    else
        v->got = xprintf("the run took %s; the longest task (%s, %s) waited %s; all tasks' "
                         "waiting adds up to %s",
                         secs(r->elapsed, a, sizeof a), lt->name, lt->coro[0] ? lt->coro : "?",
                         secs(longest, b, sizeof b), secs(sum, c, sizeof c));
    if (!v->passed && waiting_tasks < 2)
        v->detail = xprintf("only %d task waited: nothing ran at the same time as it",
                            waiting_tasks);
}

/* Calls of any of the dotted names (NULL-terminated list); the first call's
 * line in *line. */
static int count_calls(const Ast *ast, const char *const *names, int *line)
{
    int n = 0;
    *line = 0;
    if (!ast)
        return 0;
    for (const char *const *p = names; *p; p++) {
        int k = ast_count_calls(ast, *p);
        if (k > 0 && !*line) {
            const AstExpr *e = ast_find_call(ast, *p);
            *line = e ? e->pos.line : 0;
        }
        n += k;
    }
    return n;
}

typedef struct AttrFind {
    const char *attr;
    int count, line;
} AttrFind;

static int attr_call_cb(AstWalk *w, const AstExpr *e)
{
    AttrFind *f = w->data;
    if (e->kind == AST_CALL && e->u.call.func->kind == AST_ATTRIBUTE &&
        strcmp(e->u.call.func->u.attr.attr, f->attr) == 0) {
        if (!f->count++)
            f->line = e->pos.line;
    }
    return 0;
}

/* Calls of anything.attr(...) (tg.create_task, loop.create_task). */
static int count_attr_calls(const Ast *ast, const char *attr, int *line)
{
    AttrFind f = {attr, 0, 0};
    AstWalk w = {0};
    w.expr = attr_call_cb;
    w.data = &f;
    if (ast)
        ast_walk(ast, &w);
    *line = f.line;
    return f.count;
}

/* Does the construct happen? *got says where (or that it does not). */
static bool construct_happens(LessonConstruct c, const Run *r, const Ast *ast, char **got)
{
    static const char *const gather[] = {"asyncio.gather", NULL};
    static const char *const create[] = {"asyncio.create_task", "asyncio.ensure_future", NULL};
    static const char *const group[] = {"asyncio.TaskGroup", NULL};
    static const char *const waitfor[] = {"asyncio.wait_for", NULL};
    static const char *const timeout[] = {"asyncio.timeout", "asyncio.timeout_at", NULL};
    static const char *const sem[] = {"asyncio.Semaphore", "asyncio.BoundedSemaphore", NULL};
    static const char *const queue[] = {"asyncio.Queue", "asyncio.PriorityQueue",
                                        "asyncio.LifoQueue", NULL};
    static const char *const aiohttp[] = {"aiohttp.ClientSession", "aiohttp.request", NULL};
    static const char *const tsleep[] = {"time.sleep", NULL};
    int line = 0, n = 0;
    bool yes = false;
    switch (c) {
    case LESSON_CONSTRUCT_GATHER:
        n = count_calls(ast, gather, &line);
        yes = n > 0 || r->saw_gather;
        break;
    case LESSON_CONSTRUCT_CREATE_TASK:
        n = count_calls(ast, create, &line);
        if (!n)
            n = count_attr_calls(ast, "create_task", &line);
        yes = n > 0;
        break;
    case LESSON_CONSTRUCT_TASK_GROUP: yes = (n = count_calls(ast, group, &line)) > 0; break;
    case LESSON_CONSTRUCT_WAIT_FOR:
        n = count_calls(ast, waitfor, &line);
        yes = n > 0 || r->saw_wait_for;
        break;
    case LESSON_CONSTRUCT_TIMEOUT: yes = (n = count_calls(ast, timeout, &line)) > 0; break;
    case LESSON_CONSTRUCT_SEMAPHORE: yes = (n = count_calls(ast, sem, &line)) > 0; break;
    case LESSON_CONSTRUCT_QUEUE: yes = (n = count_calls(ast, queue, &line)) > 0; break;
    case LESSON_CONSTRUCT_AIOHTTP: yes = (n = count_calls(ast, aiohttp, &line)) > 0; break;
    case LESSON_CONSTRUCT_TIME_SLEEP:
        n = count_calls(ast, tsleep, &line);
        yes = n > 0 || r->nblocks > 0;
        break;
    case LESSON_CONSTRUCT_BLOCKING_IN_ASYNC: {
        const AstExpr *e = ast ? ast_find_call_in_async(ast, "time.sleep") : NULL;
        if (!e && ast)
            e = ast_find_call_in_async(ast, "requests.get");
        if (e) {
            *got = xprintf("a blocking call inside an async def at line %d", e->pos.line);
            return true;
        }
        for (size_t i = 0; i < r->nblocks; i++)
            if (r->blocks[i].task) {
                const TaskInfo *t = NULL;
                for (size_t k = 0; k < r->ntasks; k++)
                    if (r->tasks[k].id == r->blocks[i].task)
                        t = &r->tasks[k];
                char a[48], b[48];
                *got = xprintf("%s (%s) blocked the event loop from %s to %s",
                               t ? t->name : "a task", t && t->coro[0] ? t->coro : "?",
                               secs(r->blocks[i].a, a, sizeof a),
                               secs(r->blocks[i].b, b, sizeof b));
                return true;
            }
        *got = xprintf("no blocking call inside a coroutine");
        return false;
    }
    case LESSON_CONSTRUCT_UNAWAITED_COROUTINE: {
        char *l = line_with(run_err(r), "was never awaited");
        if (l) {
            *got = l;
            return true;
        }
        *got = xprintf("every coroutine was awaited");
        return false;
    }
    case LESSON_CONSTRUCT_PENDING_TASK_AT_EXIT:
        if (r->pending) {
            *got = xprintf("still pending when main returned: %s", r->pending);
            return true;
        }
        *got = xprintf("no task was left pending");
        return false;
    default:
        break;
    }
    if (yes && line)
        *got = xprintf("yes (%d call%s, first at line %d)", n, n == 1 ? "" : "s", line);
    else if (yes)
        *got = xprintf("yes, in the run");
    else
        *got = xprintf("no: not in your program");
    return yes;
}

static void judge(const LessonCheck *ck, const Run *r, const Ast *ast, int64_t slack, Verdict *v)
{
    memset(v, 0, sizeof *v);
    switch (ck->type) {
    case LESSON_CHECK_OUTPUT: judge_output(ck, r, v); break;
    case LESSON_CHECK_TIME: judge_time(ck, r, slack, v); break;
    case LESSON_CHECK_CONCURRENCY: judge_concurrency(ck, r, slack, v); break;
    case LESSON_CHECK_STRUCTURE: {
        char *got = NULL;
        bool yes = construct_happens(ck->construct, r, ast, &got);
        v->passed = ck->op == LESSON_OP_USES ? yes : !yes;
        v->expected = xprintf("%s%s", ck->op == LESSON_OP_USES ? "" : "never: ",
                              lesson_construct_descriptions[ck->construct]);
        v->got = got;
        break;
    }
    case LESSON_CHECK_NO_EXCEPTION: {
        char *lost = line_with(run_err(r), "exception was never retrieved");
        v->passed = r->end == CHECK_END_OK && !lost;
        v->expected = xprintf("no uncaught exception");
        if (r->end != CHECK_END_OK)
            v->got = xprintf("%s: %s", check_end_descriptions[r->end],
                             r->end_message ? r->end_message : "?");
        else if (lost)
            v->got = xprintf("%s (%s)", lost, r->err.p ? "see stderr" : "");
        else
            v->got = xprintf("none");
        free(lost);
        break;
    }
    case LESSON_CHECK_NO_WARNING: {
        char *w = line_with(run_err(r), "Warning: ");
        v->passed = !w;
        v->expected = xprintf("no warning on stderr");
        v->got = w ? w : xprintf("none");
        break;
    }
    default:
        v->detail = xprintf("unknown check type");
        break;
    }
    if (v->passed) { /* a pass needs no explanation */
        free(v->expected);
        free(v->got);
        free(v->detail);
        v->expected = v->got = v->detail = NULL;
    }
}

static char *check_name(const LessonCheck *ck)
{
    const char *type = lesson_check_type_names[ck->type];
    const char *op = lesson_check_op_names[ck->op];
    char a[48];
    switch (ck->type) {
    case LESSON_CHECK_TIME: return xprintf("%s %s %s", type, op, secs(ck->time_ns, a, sizeof a));
    case LESSON_CHECK_CONCURRENCY:
        if (ck->op == LESSON_OP_MIN_WAITING)
            return xprintf("%s %s %d", type, op, ck->tasks);
        return xprintf("%s %s", type, op);
    case LESSON_CHECK_STRUCTURE:
        return xprintf("%s %s %s", type, op, lesson_construct_names[ck->construct]);
    default: return *op ? xprintf("%s %s", type, op) : xstrdup(type);
    }
}

/* ------------------------------------------------------------- hints */

/* Worker tasks: user tasks other than asyncio.run's main, sorted by start. */
static size_t workers(const Run *r, const TaskInfo **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ntasks && n < max; i++) {
        const TaskInfo *t = &r->tasks[i];
        if (!t->is_main && t->coro[0] && t->start >= 0)
            out[n++] = t;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort by start, then id */
        for (size_t j = i; j > 0 && out[j - 1]->start > out[j]->start; j--) {
            const TaskInfo *x = out[j];
            out[j] = out[j - 1];
            out[j - 1] = x;
        }
    return n;
}

/* The student's timeline against the reference's, in one or two sentences. */
static char *compare_timelines(const Run *st, const Run *ref)
{
    Buf b = {0};
    char a[48], c[48], d[48];
    const TaskInfo *w[64];
    size_t nw = workers(st, w, 64);
    if (st->nblocks > 0) {
        const Interval *bl = &st->blocks[0];
        const TaskInfo *t = NULL;
        for (size_t k = 0; k < st->ntasks; k++)
            if (st->tasks[k].id == bl->task)
                t = &st->tasks[k];
        int64_t total = 0;
        for (size_t i = 0; i < st->nblocks; i++)
            total += st->blocks[i].b - st->blocks[i].a;
        buf_printf(&b,
                   "Your program blocked the whole event loop %zu time%s (%s in all): time.sleep "
                   "(or requests.get) in %s%s%s%s from %s to %s, and no other task could run "
                   "meanwhile. ",
                   st->nblocks, st->nblocks == 1 ? "" : "s", secs(total, a, sizeof a),
                   t ? t->name : "the program", t ? " (" : "", t ? t->coro : "", t ? ")" : "",
                   secs(bl->a, c, sizeof c), secs(bl->b, d, sizeof d));
    }
    bool serial = nw >= 2;
    for (size_t i = 1; i < nw && serial; i++)
        if (w[i]->start < w[i - 1]->end || w[i - 1]->end < 0)
            serial = false;
    if (serial && st->max_waiting < ref->max_waiting) {
        bool same = true;
        for (size_t i = 1; i < nw; i++)
            same &= strcmp(w[i]->coro, w[0]->coro) == 0;
        buf_printf(&b, "Your %zu %s%stasks ran one after another: %s started only when %s "
                       "finished (at %s). ",
                   nw, same ? w[0]->coro : "", same ? " " : "", w[1]->name, w[0]->name,
                   secs(w[1]->start, a, sizeof a));
    } else if (nw < 2 && st->max_waiting <= 1 && ref->max_waiting > 1 && st->nwaits >= 2) {
        /* One task waited for one thing at a time. */
        const TaskInfo *t = NULL;
        for (size_t k = 0; k < st->ntasks; k++)
            if (st->tasks[k].id == st->waits[0].task)
                t = &st->tasks[k];
        buf_printf(&b, "Your program waited for one thing at a time: %s%s%s%s waited ",
                   t ? t->name : "a task", t ? " (" : "", t ? t->coro : "", t ? ")" : "");
        size_t shown = 0;
        for (size_t i = 0; i < st->nwaits && shown < 4; i++, shown++)
            buf_printf(&b, "%s%s-%s", shown ? ", then " : "from ",
                       secs(st->waits[i].a, a, sizeof a), secs(st->waits[i].b, c, sizeof c));
        buf_printf(&b, "%s. ", st->nwaits > 4 ? ", ..." : "");
    }
    if (ref->max_waiting >= 2 && ref->max_waiting > st->max_waiting)
        buf_printf(&b, "In the reference solution %zu tasks wait at the same moment and the whole "
                       "run takes %s (yours: %s).",
                   ref->max_waiting, secs(ref->elapsed, a, sizeof a),
                   secs(st->elapsed, c, sizeof c));
    else if (b.n || ref->elapsed != st->elapsed)
        buf_printf(&b, "The reference solution's run takes %s (yours: %s).",
                   secs(ref->elapsed, a, sizeof a), secs(st->elapsed, c, sizeof c));
    if (!b.n) {
        free(b.p);
        return NULL;
    }
    return buf_take(&b);
}

size_t check_hint_count(const LessonExercise *ex, const CheckResult *r)
{
    return ex->nhints + (r && r->compare_hint ? 1 : 0);
}

const char *check_hint(const LessonExercise *ex, const CheckResult *r, size_t i)
{
    if (r && r->compare_hint) {
        if (i == 0)
            return r->compare_hint;
        i--;
    }
    return i < ex->nhints ? ex->hints[i] : NULL;
}

/* ------------------------------------------------------------- results */

static void item_fini(CheckItem *it)
{
    free(it->name);
    free(it->message);
    free(it->expected);
    free(it->got);
    free(it->detail);
    free(it->schedule);
}

void check_result_free(CheckResult *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nitems; i++)
        item_fini(&r->items[i]);
    free(r->items);
    free(r->exercise);
    free(r->file);
    free(r->end_message);
    free(r->out);
    free(r->err);
    free(r->timeline);
    free(r->compare_hint);
    free(r->timeline_schedule);
    free(r);
}

static CheckResult *result_new(const LessonExercise *ex, const char *file)
{
    CheckResult *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->exercise = xstrdup(ex->id ? ex->id : "");
    r->file = xstrdup(file ? file : "");
    r->items = calloc(ex->nchecks + 1, sizeof *r->items);
    if (!r->exercise || !r->file || !r->items) {
        check_result_free(r);
        return NULL;
    }
    r->nitems = ex->nchecks;
    for (size_t i = 0; i < ex->nchecks; i++) {
        const LessonCheck *ck = &ex->checks[i];
        CheckItem *it = &r->items[i];
        it->index = (int)i;
        it->name = check_name(ck);
        it->hidden = ck->hidden;
        it->timing = ck->type == LESSON_CHECK_TIME || ck->type == LESSON_CHECK_CONCURRENCY;
        it->max_points = ck->points;
        r->max_score += ck->points;
    }
    return r;
}

CheckResult *check_result_failed(const LessonExercise *ex, const char *file, CheckEnd end,
                                 const char *why)
{
    CheckResult *r = result_new(ex, file);
    if (!r)
        return NULL;
    r->end = end;
    r->end_message = xstrdup(why);
    r->out = xstrdup("");
    r->err = xstrdup("");
    for (size_t i = 0; i < r->nitems; i++) {
        r->items[i].message = xstrdup(ex->checks[i].message);
        r->items[i].detail = xstrdup(why);
    }
    return r;
}

CheckResult *check_run(const Lesson *l, const LessonExercise *ex, const char *src, size_t len,
                       const char *filename, const CheckOptions *opt)
{
    CheckOptions defaults;
    if (!opt) {
        check_options_init(&defaults);
        opt = &defaults;
    }
    double t0 = now_seconds();
    CheckResult *res = result_new(ex, filename);
    if (!res)
        return NULL;
    Run base;
    const Ast *ast = NULL;
    Interp *ip = NULL;
    NetWrap net = {l, 0, 0, 0};
    run_program(&base, src, len, filename, opt, true, &ast, &ip, &net);
    res->runs = 1;
    res->end = base.end;
    res->end_message = xstrdup(base.end_message);
    res->elapsed_ns = base.elapsed;
    res->max_waiting = base.max_waiting;
    res->out = xstrdup(run_out(&base));
    res->err = xstrdup(run_err(&base));

    bool any_robust = false, timing_failed = false;
    for (size_t i = 0; i < ex->nchecks; i++) {
        const LessonCheck *ck = &ex->checks[i];
        CheckItem *it = &res->items[i];
        Verdict v;
        if (base.end != CHECK_END_OK && base.end != CHECK_END_EXCEPTION) {
            /* A program that does not compile or never finishes passes
             * nothing (not even "at most 1 s" with its clock at 0). */
            memset(&v, 0, sizeof v);
            v.detail = xprintf("the program %s: %s", check_end_descriptions[base.end],
                               base.end_message ? base.end_message : "");
        } else {
            judge(ck, &base, ast, 0, &v);
        }
        it->passed = v.passed;
        it->expected = v.expected;
        it->got = v.got;
        it->detail = v.detail;
        any_robust |= ck->robust && v.passed;
        timing_failed |= it->timing && !v.passed;
    }

    /* Robust checks that held: again under other schedules. The first
     * re-run that breaks a timing check is kept for its timeline. */
    Run broke;
    bool have_broke = false;
    for (int s = 1; any_robust && s <= opt->robust_runs; s++) {
        size_t vlen = 0;
        char *vsrc = schedule_source(s, src, len, &vlen);
        if (!vsrc)
            break;
        Run alt;
        NetWrap alt_net = {l, s, (uint64_t)s * 7919 + 17, 0};
        run_program(&alt, vsrc, vlen, filename, opt, !have_broke, NULL, NULL, &alt_net);
        free(vsrc);
        bool keep = false;
        res->runs++;
        int64_t slack = (int64_t)(alt.nsleeps + alt_net.count) * NUDGE_MAX_NS;
        any_robust = false;
        for (size_t i = 0; i < ex->nchecks; i++) {
            const LessonCheck *ck = &ex->checks[i];
            CheckItem *it = &res->items[i];
            if (!ck->robust || !it->passed)
                continue;
            Verdict v;
            judge(ck, &alt, ast, slack, &v);
            if (!v.passed) {
                it->passed = false;
                it->schedule = schedule_name(s);
                it->expected = v.expected;
                it->got = v.got;
                it->detail = xprintf("it held in the normal run but failed with %s%s%s",
                                     it->schedule, v.detail ? ": " : "",
                                     v.detail ? v.detail : "");
                free(v.detail);
                timing_failed |= it->timing;
                if (it->timing && !have_broke && !keep) {
                    keep = true;
                    free(res->timeline_schedule);
                    res->timeline_schedule = xstrdup(it->schedule);
                }
            } else {
                verdict_fini(&v);
                any_robust = true;
            }
        }
        if (keep) {
            broke = alt;
            have_broke = true;
        } else {
            run_fini(&alt);
        }
    }

    res->passed = true;
    for (size_t i = 0; i < ex->nchecks; i++) {
        CheckItem *it = &res->items[i];
        if (it->passed) {
            it->points = it->max_points;
            res->score += it->points;
        } else {
            res->passed = false;
            it->message = xstrdup(ex->checks[i].message);
        }
    }
    if (timing_failed) {
        /* The run to explain: the one that broke a timing check. */
        Run *shown = have_broke ? &broke : &base;
        res->timeline = shown->timeline;
        shown->timeline = NULL;
        bool visible = false; /* a hidden check's failure gets no hint */
        for (size_t i = 0; i < res->nitems; i++)
            visible |= res->items[i].timing && !res->items[i].passed && !res->items[i].hidden;
        if (visible && opt->reference && ex->solution.source && base.compiled) {
            Run ref;
            run_program(&ref, ex->solution.source, strlen(ex->solution.source),
                        ex->solution.file ? ex->solution.file : "solution.py", opt, false, NULL,
                        NULL, &net);
            res->runs++;
            if (ref.end == CHECK_END_OK)
                res->compare_hint = compare_timelines(shown, &ref);
            run_fini(&ref);
        }
    }
    if (have_broke)
        run_fini(&broke);
    run_fini(&base);
    interp_free(ip); /* after the judging: the AST lives in it */
    res->wall_seconds = now_seconds() - t0;
    return res;
}

/* ---------------------------------------------------- exercise lookup */

const LessonExercise *check_find_exercise(const LessonCourse *c, const char *name,
                                          const Lesson **lesson_out)
{
    const Lesson *l = NULL;
    const LessonExercise *e = lesson_course_find_exercise(c, name, &l);
    if (e) {
        if (lesson_out)
            *lesson_out = l;
        return e;
    }
    const char *slash = strchr(name, '/');
    char *lid = strndup(name, slash ? (size_t)(slash - name) : strlen(name));
    if (!lid)
        return NULL;
    l = lesson_course_find(c, lid);
    free(lid);
    if (!l)
        return NULL;
    const LessonExercise *only = NULL;
    int count = 0;
    for (size_t i = 0; i < l->npages; i++) {
        const LessonPage *p = &l->pages[i];
        if (p->kind != LESSON_PAGE_EXERCISE)
            continue;
        count++;
        only = &p->exercise;
        if (slash && strcmp(p->exercise.id, slash + 1) == 0) {
            if (lesson_out)
                *lesson_out = l;
            return &p->exercise;
        }
    }
    if (!slash && count == 1) {
        if (lesson_out)
            *lesson_out = l;
        return only;
    }
    return NULL;
}

/* ------------------------------------------------- isolated (fork) runs */

/* The result crosses the pipe as a flat record: numbers as decimal lines,
 * strings as "length\n" + bytes ("-1\n" for NULL). */
static void put_num(Buf *b, long long v)
{
    buf_printf(b, "%lld\n", v);
}

static void put_str(Buf *b, const char *s)
{
    if (!s) {
        buf_add(b, "-1\n", 3);
        return;
    }
    size_t n = strlen(s);
    buf_printf(b, "%zu\n", n);
    buf_add(b, s, n);
}

static char *serialize(const CheckResult *r, size_t *len)
{
    Buf b = {0};
    put_num(&b, (long long)r->nitems);
    put_num(&b, r->end);
    put_str(&b, r->end_message);
    put_num(&b, r->score);
    put_num(&b, r->max_score);
    put_num(&b, r->passed);
    put_str(&b, r->out);
    put_str(&b, r->err);
    put_num(&b, r->elapsed_ns);
    put_num(&b, (long long)r->max_waiting);
    put_str(&b, r->timeline);
    put_str(&b, r->compare_hint);
    put_str(&b, r->timeline_schedule);
    put_num(&b, r->runs);
    put_num(&b, (long long)(r->wall_seconds * 1e6));
    for (size_t i = 0; i < r->nitems; i++) {
        const CheckItem *it = &r->items[i];
        put_num(&b, it->passed);
        put_num(&b, it->points);
        put_str(&b, it->message);
        put_str(&b, it->expected);
        put_str(&b, it->got);
        put_str(&b, it->detail);
        put_str(&b, it->schedule);
    }
    *len = b.n;
    return b.oom ? (free(b.p), NULL) : buf_take(&b);
}

typedef struct Reader {
    const char *p, *end;
    bool bad;
} Reader;

static long long get_num(Reader *rd)
{
    char *e;
    if (rd->bad || rd->p >= rd->end)
        return rd->bad = true, 0;
    long long v = strtoll(rd->p, &e, 10);
    if (e == rd->p || e >= rd->end || *e != '\n')
        return rd->bad = true, 0;
    rd->p = e + 1;
    return v;
}

static char *get_str(Reader *rd)
{
    long long n = get_num(rd);
    if (rd->bad || n < 0)
        return NULL;
    if (n > rd->end - rd->p)
        return rd->bad = true, NULL;
    char *s = strndup(rd->p, (size_t)n);
    rd->p += n;
    return s;
}

static bool deserialize(CheckResult *r, const char *data, size_t len)
{
    Reader rd = {data, data + len, false};
    if (get_num(&rd) != (long long)r->nitems)
        return false;
    r->end = (CheckEnd)get_num(&rd);
    if ((unsigned)r->end >= CHECK_END_COUNT)
        return false;
    r->end_message = get_str(&rd);
    r->score = (int)get_num(&rd);
    get_num(&rd); /* max_score: recomputed from the exercise */
    r->passed = get_num(&rd) != 0;
    r->out = get_str(&rd);
    r->err = get_str(&rd);
    r->elapsed_ns = get_num(&rd);
    r->max_waiting = (size_t)get_num(&rd);
    r->timeline = get_str(&rd);
    r->compare_hint = get_str(&rd);
    r->timeline_schedule = get_str(&rd);
    r->runs = (int)get_num(&rd);
    r->wall_seconds = (double)get_num(&rd) / 1e6;
    for (size_t i = 0; i < r->nitems; i++) {
        CheckItem *it = &r->items[i];
        it->passed = get_num(&rd) != 0;
        it->points = (int)get_num(&rd);
        it->message = get_str(&rd);
        it->expected = get_str(&rd);
        it->got = get_str(&rd);
        it->detail = get_str(&rd);
        it->schedule = get_str(&rd);
    }
    return !rd.bad && rd.p == rd.end;
}

struct CheckChild {
    pid_t pid;
    int fd;
    Buf data;
    double deadline;
    bool eof, killed;
    int cpu_seconds;
    const LessonExercise *ex;
    char *file;
};

CheckChild *check_child_start(const Lesson *l, const LessonExercise *ex, const char *src,
                              size_t len, const char *filename, const CheckOptions *opt,
                              int cpu_seconds, size_t mem_bytes)
{
    CheckOptions defaults;
    if (!opt) {
        check_options_init(&defaults);
        opt = &defaults;
    }
    /* every run may use its whole CPU limit */
    int nruns = 2 + opt->robust_runs;
    if (cpu_seconds <= 0)
        cpu_seconds = (int)(opt->cpu_seconds * nruns) + 2;
    if (!mem_bytes)
        mem_bytes = (size_t)1 << 30;
    CheckChild *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ex = ex;
    c->file = xstrdup(filename);
    c->cpu_seconds = cpu_seconds;
    /* wall: a backstop for a child that hangs without using CPU */
    c->deadline = now_seconds() + 4.0 * cpu_seconds + 10;
    int fds[2];
    if (pipe(fds) != 0) {
        free(c->file);
        free(c);
        return NULL;
    }
    fflush(NULL);
    c->pid = fork();
    if (c->pid < 0) {
        close(fds[0]);
        close(fds[1]);
        free(c->file);
        free(c);
        return NULL;
    }
    if (c->pid == 0) {
        close(fds[0]);
        struct rlimit rl = {(rlim_t)cpu_seconds, (rlim_t)cpu_seconds + 1};
        setrlimit(RLIMIT_CPU, &rl);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
        /* (Sanitizers, and valgrind's own mappings, need far more address
         * space than the limit: no AS limit there; the interpreter's own
         * mem_limit still holds.) */
        if (!CHECK_ON_VALGRIND()) {
            struct rlimit as = {(rlim_t)mem_bytes, (rlim_t)mem_bytes};
            setrlimit(RLIMIT_AS, &as);
        }
#endif
        CheckResult *r = check_run(l, ex, src, len, filename, opt);
        size_t n = 0;
        char *s = r ? serialize(r, &n) : NULL;
        /* The child frees what it holds before _exit, so that a leak
         * checker (valgrind follows the fork) reports only real leaks. */
        check_result_free(r);
        free(c->file);
        free(c);
        int code = s ? 0 : 3;
        const char *p = s;
        while (n > 0) {
            ssize_t w = write(fds[1], p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                code = 4;
                break;
            }
            p += w;
            n -= (size_t)w;
        }
        free(s);
        _exit(code);
    }
    close(fds[1]);
    c->fd = fds[0];
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    return c;
}

int check_child_fd(const CheckChild *c)
{
    return c->fd;
}

bool check_child_pump(CheckChild *c)
{
    char tmp[65536];
    while (!c->eof) {
        ssize_t n = read(c->fd, tmp, sizeof tmp);
        if (n > 0) {
            buf_add(&c->data, tmp, (size_t)n);
        } else if (n == 0) {
            c->eof = true;
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                c->eof = true;
            break;
        }
    }
    if (!c->eof && now_seconds() > c->deadline && !c->killed) {
        kill(c->pid, SIGKILL);
        c->killed = true;
    }
    return c->eof || c->killed;
}

CheckResult *check_child_finish(CheckChild *c)
{
    if (!c->eof && !c->killed) {
        kill(c->pid, SIGKILL);
        c->killed = true;
    }
    int st = 0;
    while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR) {
    }
    close(c->fd);
    CheckResult *r = NULL;
    if (!c->killed && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        r = result_new(c->ex, c->file);
        if (r && !deserialize(r, c->data.p ? c->data.p : "", c->data.n)) {
            check_result_free(r);
            r = check_result_failed(c->ex, c->file, CHECK_END_CRASH,
                                    "the checker's child sent back an unreadable result");
        }
    } else if (c->killed) {
        r = check_result_failed(c->ex, c->file, CHECK_END_TIMEOUT,
                                "the program was stopped: it ran past the time limit");
    } else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU || WTERMSIG(st) == SIGKILL)) {
        char *why = xprintf("the program used more than %d s of CPU time", c->cpu_seconds);
        r = check_result_failed(c->ex, c->file, CHECK_END_TIMEOUT, why);
        free(why);
    } else if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
        r = check_result_failed(c->ex, c->file, CHECK_END_MEMORY,
                                "the program ran out of memory");
    } else {
        char *why = WIFSIGNALED(st)
                        ? xprintf("the checker crashed on this program (signal %d: %s)",
                                  WTERMSIG(st), strsignal(WTERMSIG(st)))
                        : xprintf("the checker stopped with status %d on this program",
                                  WEXITSTATUS(st));
        /* Out of address space shows up as an abort in malloc's callers. */
        r = check_result_failed(c->ex, c->file, CHECK_END_CRASH, why);
        free(why);
    }
    free(c->data.p);
    free(c->file);
    free(c);
    return r;
}

CheckResult *check_run_isolated(const Lesson *l, const LessonExercise *ex, const char *src,
                                size_t len, const char *filename, const CheckOptions *opt,
                                int cpu_seconds, size_t mem_bytes)
{
    CheckChild *c = check_child_start(l, ex, src, len, filename, opt, cpu_seconds, mem_bytes);
    if (!c)
        return check_run(l, ex, src, len, filename, opt); /* no fork: in process */
    while (!check_child_pump(c)) {
        struct pollfd p = {c->fd, POLLIN, 0};
        poll(&p, 1, 200);
    }
    return check_child_finish(c);
}

bool check_course_report(const LessonCourse *c, const char *cmd)
{
    size_t errors = lesson_diags_errors(&c->diags);
    if (errors == 0)
        return true;
    const LessonDiag *d = NULL;
    for (size_t i = 0; i < c->diags.count && !d; i++)
        if (c->diags.items[i].severity == LESSON_ERROR)
            d = &c->diags.items[i];
    char where[64] = "";
    if (d->line > 0)
        snprintf(where, sizeof where, ":%d:%d", d->line, d->col);
    if (c->nlessons == 0) {
        fprintf(stderr, "aiotutor: %s: no lesson could be loaded from %s: %s%s: %s\n", cmd, c->dir,
                d->file, where, d->message);
        return false;
    }
    fprintf(stderr,
            "aiotutor: %s: %zu problem(s) in the lesson pack %s (a lesson with an error is left "
            "out); first: %s%s: %s (run 'aiotutor validate %s')\n",
            cmd, errors, c->dir, d->file, where, d->message, c->dir);
    return true;
}

char *check_read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    Buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(&b, tmp, n);
    int bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad || b.oom) {
        free(b.p);
        errno = bad ? EIO : ENOMEM;
        return NULL;
    }
    *len = b.n;
    return buf_take(&b);
}
