/* ui_run: a lesson program under the tutor's control (see ui_run.h).
 *
 * The interpreter runs on its STEPPED clock; this module owns time. In a
 * live run the program's time follows the real clock times the speed: work
 * that is due runs at once, the next timer is waited for (the caller polls
 * with the timeout ui_run_tick returns), and when time.sleep has pushed the
 * loop's clock ahead (the loop was blocked) nothing more runs until real
 * time catches up, so the block takes as long on screen as it says.
 *
 * The clock only ever moves to a timer's deadline (or by a block), in live
 * and step mode alike, so a replay that steps to step N sees exactly what
 * the live run saw: that is what makes step back correct.
 *
 * A program's module code (outside any event loop) runs to its end, or to
 * its asyncio.run, in one interp_step: its time.sleep calls only move the
 * clock. So the run may be ahead of the screen; what is drawn (the timeline
 * up to the cursor, the output lines up to their time) follows the clock,
 * and a run that has ended is only reported finished once the clock on
 * screen has reached its end: six seconds of time.sleep take six seconds.
 *
 * The engine's trace becomes timeline events here (the adapter from
 * engine/trace.h to tlmodel's own TlEvent). The trace only covers event
 * loops; the main program's own lane ("main": running, blocked in each
 * time.sleep, waiting in asyncio.run) is derived from what the module code
 * is seen doing: it prints (stdout or stderr) with no task running, or it
 * starts a loop, or it ends. Module code takes no time on the clock except
 * in time.sleep, so when the clock has moved between two such moments the
 * main program was blocked all along: a block from the one to the other is
 * exactly what the trace would say (two back-to-back sleeps look like one
 * long one, which is drawn the same). */
#include "app/ui_run.h"

#include "engine/lang/interp.h"
#include "engine/trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a run keeps of each stream (stdout, stderr): a lesson's demo prints
 * a few screens, but a runaway one may print forever (80 MB a second
 * between two sleep(0)s), and the tutor must not keep it all. */
#define UI_RUN_KEEP_BYTES (1u << 20)
#define UI_RUN_KEEP_LINES 20000
#define UI_RUN_LINE_MAX   4096 /* bytes; the rest of a longer line is dropped */

typedef struct Pending {
    char *s;
    size_t n, cap;
    double t; /* when its first byte was written */
    char task[32];
    size_t kept; /* bytes of this stream kept so far, in lines */
    int lines;   /* lines kept */
    bool cut;    /* over the limits: nothing more is kept */
} Pending;

struct UiRun {
    char *src;
    size_t len;
    char filename[128];
    Interp *ip;
    TlModel *tl;
    UiRunState state;
    double speed;
    double base_v, base_real; /* live: v = base_v + (now - base_real) * speed */
    double shown;             /* the time the cursor shows */
    size_t trace_pos;
    UiRunLine *lines;
    int nlines, clines;
    Pending out, err;
    int exit_status;
    uint64_t hidden[16]; /* internal tasks not drawn (see hidden_task) */
    int nhidden;
    InterpNetFn net; /* the simulated network, or NULL for the defaults */
    void *net_host;
    double main_t; /* the main program was last seen running at this time */
    bool in_loop;  /* an event loop started by the module code is running */
    bool ended;    /* the program has ended, ahead of the clock on screen */
};

void ui_run_set_net(UiRun *r, InterpNetFn fn, void *host)
{
    r->net = fn;
    r->net_host = host;
}

static void clear_lines(UiRun *r)
{
    for (int i = 0; i < r->nlines; i++)
        free(r->lines[i].text);
    r->nlines = 0;
    r->out.n = r->err.n = 0;
    r->out.kept = r->err.kept = 0;
    r->out.lines = r->err.lines = 0;
    r->out.cut = r->err.cut = false;
}

UiRun *ui_run_new(const char *src, size_t len, const char *filename)
{
    UiRun *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->src = malloc(len + 1);
    r->tl = tlmodel_new();
    if (!r->src || !r->tl) {
        ui_run_free(r);
        return NULL;
    }
    memcpy(r->src, src, len);
    r->src[len] = 0;
    r->len = len;
    snprintf(r->filename, sizeof r->filename, "%s", filename ? filename : "prog.py");
    r->state = UI_RUN_IDLE;
    r->speed = 1;
    r->exit_status = -1;
    return r;
}

void ui_run_free(UiRun *r)
{
    if (!r) return;
    interp_free(r->ip);
    tlmodel_free(r->tl);
    clear_lines(r);
    free(r->lines);
    free(r->out.s);
    free(r->err.s);
    free(r->src);
    free(r);
}

/* ------------------------------------------------------- trace -> model */

static double secs(int64_t ns)
{
    return (double)ns / 1e9;
}

/* asyncio.run's own shutdown tasks get no lane (interp_trace_internal_task). */
static bool hidden_task(const UiRun *r, uint64_t id)
{
    for (int i = 0; i < r->nhidden; i++)
        if (r->hidden[i] == id) return true;
    return false;
}

static void main_seen(UiRun *r, double now);

static void adapt(UiRun *r, const Trace *tr, const TraceEvent *e)
{
    if (interp_trace_internal_task(e)) {
        if (r->nhidden < (int)(sizeof r->hidden / sizeof r->hidden[0]))
            r->hidden[r->nhidden++] = e->task;
        return;
    }
    if (e->task && hidden_task(r, e->task)) return;
    TlEvent ev = {.t = secs(e->t_ns), .task = (int)e->task, .until = -1};
    char name[64];
    switch ((TraceKind)e->kind) {
    case TRACE_TASK_CREATED:
    case TRACE_TASK_RENAMED: {
        if (e->kind == TRACE_TASK_CREATED && e->other == 0 && !r->in_loop) {
            /* asyncio.run's main task: the module code started a loop. */
            main_seen(r, ev.t);
            TlEvent lb = {.kind = TLE_LOOP_BEGIN, .t = ev.t, .until = -1};
            tlmodel_add(r->tl, &lb);
            r->in_loop = true;
        }
        size_t n = e->text_len < sizeof name - 1 ? e->text_len : sizeof name - 1;
        memcpy(name, trace_text(tr, e), n);
        name[n] = 0;
        ev.kind = e->kind == TRACE_TASK_CREATED ? TLE_TASK_NEW : TLE_RENAME;
        ev.name = name;
        if (e->kind == TRACE_TASK_CREATED && r->ip)
            ev.coro = interp_task_coro_name(r->ip, e->task);
        break;
    }
    case TRACE_READY: ev.kind = TLE_READY; break;
    case TRACE_STEP_BEGIN: ev.kind = TLE_STEP_BEGIN; break;
    case TRACE_STEP_END:
        ev.kind = TLE_STEP_END;
        if (e->why == TRACE_WHY_AWAIT) {
            /* Awaiting a task: name it; else the future's label. */
            int ol = e->other ? tlmodel_lane_of_task(r->tl, (int)e->other) : -1;
            if (ol > 0) {
                snprintf(name, sizeof name, "%s", tlmodel_lane_name(r->tl, ol));
            } else {
                size_t n = e->text_len < sizeof name - 1 ? e->text_len : sizeof name - 1;
                memcpy(name, trace_text(tr, e), n);
                name[n] = 0;
            }
            ev.what = name;
        }
        switch ((TraceWhy)e->why) {
        case TRACE_WHY_YIELD: ev.state = TL_READY; break;
        case TRACE_WHY_RETURN: ev.state = TL_DONE; break;
        case TRACE_WHY_RAISE: ev.state = TL_FAILED; break;
        case TRACE_WHY_CANCELLED: ev.state = TL_CANCELLED; break;
        default: ev.state = TL_SLEEPING; break;
        }
        /* Pumped right after each step: the line it is paused at now. */
        if (ev.state == TL_SLEEPING || ev.state == TL_READY)
            ev.line = r->ip ? interp_task_line(r->ip, e->task) : -1;
        break;
    case TRACE_SLEEP:
        ev.kind = TLE_SLEEP;
        ev.until = secs(e->t2_ns);
        break;
    case TRACE_BLOCK:
        ev.kind = TLE_BLOCK_BEGIN;
        ev.line = r->ip ? interp_task_line(r->ip, e->task) : -1;
        tlmodel_add(r->tl, &ev);
        ev.kind = TLE_BLOCK_END;
        ev.t = secs(e->t2_ns);
        break;
    case TRACE_OUTPUT: ev.kind = TLE_PRINT; break;
    case TRACE_CANCELLED:
        ev.kind = TLE_STEP_END;
        ev.state = TL_CANCELLED;
        break;
    case TRACE_EXCEPTION:
        ev.kind = TLE_STEP_END;
        ev.state = TL_FAILED;
        break;
    case TRACE_RESULT:
        ev.kind = TLE_STEP_END;
        ev.state = TL_DONE;
        break;
    default: return; /* TRACE_CANCEL: a request, not a state change */
    }
    tlmodel_add(r->tl, &ev);
}

static void pump(UiRun *r)
{
    Trace *tr = r->ip ? interp_trace(r->ip) : NULL;
    if (!tr) return;
    size_t n = trace_count(tr);
    for (; r->trace_pos < n; r->trace_pos++)
        adapt(r, tr, trace_at(tr, r->trace_pos));
    /* Every event is in the model now, and nothing reads the trace back
     * (a step back replays from the start): give its room to the next
     * events, or a long run keeps each print's text twice. */
    trace_clear(tr);
    r->trace_pos = 0;
}

/* The module code is running at `now` (see the top of the file): a loop it
 * had started is over, and any time since it was last seen went by in
 * time.sleep. */
static void main_seen(UiRun *r, double now)
{
    if (r->in_loop) {
        /* The loop ended with its last event. */
        double end = tlmodel_end_time(r->tl);
        TlEvent le = {.kind = TLE_LOOP_END, .t = end, .until = -1};
        tlmodel_add(r->tl, &le);
        r->in_loop = false;
        r->main_t = end;
    }
    if (now > r->main_t + 1e-12) {
        TlEvent b = {.kind = TLE_BLOCK_BEGIN, .t = r->main_t, .task = 0, .until = -1};
        tlmodel_add(r->tl, &b);
        b.kind = TLE_BLOCK_END;
        b.t = now;
        tlmodel_add(r->tl, &b);
    }
    if (now > r->main_t) r->main_t = now;
}

/* --------------------------------------------------------------- output */

static void push_line(UiRun *r, Pending *p, bool err)
{
    if (r->nlines == r->clines) {
        int nc = r->clines ? r->clines * 2 : 64;
        UiRunLine *nl = realloc(r->lines, sizeof(UiRunLine) * (size_t)nc);
        if (!nl) return;
        r->lines = nl;
        r->clines = nc;
    }
    char *t = malloc(p->n + 1);
    if (!t) return;
    memcpy(t, p->s, p->n);
    t[p->n] = 0;
    UiRunLine *l = &r->lines[r->nlines++];
    l->t = p->t;
    l->err = err;
    l->text = t;
    snprintf(l->task, sizeof l->task, "%s", p->task);
    p->kept += p->n + 1;
    p->lines++;
    p->n = 0;
    if (!p->cut && (p->kept >= UI_RUN_KEEP_BYTES || p->lines >= UI_RUN_KEEP_LINES)) {
        /* The last line kept says why the rest is missing. */
        static const char note[] = "[the tutor keeps the first 1 MiB or 20,000 lines of a "
                                   "program's output: the rest is not shown]";
        p->cut = true;
        if (p->cap < sizeof note) {
            char *ns = realloc(p->s, sizeof note);
            if (!ns) return;
            p->s = ns;
            p->cap = sizeof note;
        }
        memcpy(p->s, note, sizeof note - 1);
        p->n = sizeof note - 1;
        push_line(r, p, err);
    }
}

static void write_to(UiRun *r, Pending *p, bool err, const char *text, size_t len)
{
    if (p->cut) return;
    pump(r); /* the trace says which task is printing */
    for (size_t i = 0; i < len && !p->cut; i++) {
        if (p->n == 0) {
            p->t = r->ip ? secs(interp_now(r->ip)) : 0;
            int task = tlmodel_running_task(r->tl);
            if (task == 0) {
                /* The main program printed (the trace only has prints
                 * from tasks): it is running, and it marks its lane. */
                main_seen(r, p->t);
                if (!err) {
                    TlEvent pe = {.kind = TLE_PRINT, .t = p->t, .task = 0, .until = -1};
                    tlmodel_add(r->tl, &pe);
                }
            }
            int lane = task ? tlmodel_lane_of_task(r->tl, task) : -1;
            snprintf(p->task, sizeof p->task, "%s",
                     err        ? "stderr"
                     : lane > 0 ? tlmodel_lane_name(r->tl, lane)
                                : "main");
        }
        if (text[i] == '\n') {
            push_line(r, p, err);
            continue;
        }
        if (p->n >= UI_RUN_LINE_MAX) { /* the rest of the line is dropped: skip to its end */
            const char *nl = memchr(text + i, '\n', len - i);
            if (!nl) break;
            i = (size_t)(nl - text) - 1;
            continue;
        }
        if (p->n + 1 >= p->cap) {
            size_t nc = p->cap ? p->cap * 2 : 128;
            char *ns = realloc(p->s, nc);
            if (!ns) return;
            p->s = ns;
            p->cap = nc;
        }
        p->s[p->n++] = text[i];
    }
}

static void on_out(void *host, const char *text, size_t len)
{
    UiRun *r = host;
    write_to(r, &r->out, false, text, len);
}

static void on_err(void *host, const char *text, size_t len)
{
    UiRun *r = host;
    write_to(r, &r->err, true, text, len);
}

/* ---------------------------------------------------------------- running */

static void finish(UiRun *r)
{
    pump(r);
    if (r->out.n) push_line(r, &r->out, false);
    if (r->err.n) push_line(r, &r->err, true);
    double end = r->ip ? secs(interp_now(r->ip)) : 0;
    r->exit_status = r->ip ? interp_exit_status(r->ip) : 1;
    if (r->exit_status < 0) r->exit_status = 0;
    main_seen(r, end);
    if (end < tlmodel_end_time(r->tl)) end = tlmodel_end_time(r->tl);
    if (tlmodel_lane_of_task(r->tl, 0) > 0) {
        /* The main program's lane ends like a task's. */
        TlEvent d = {.kind = TLE_STEP_END, .t = end, .task = 0, .until = -1};
        d.state = r->exit_status ? TL_FAILED : TL_DONE;
        tlmodel_add(r->tl, &d);
    }
    tlmodel_finish(r->tl, end);
    r->shown = end;
    r->ended = false;
    r->state = UI_RUN_FINISHED;
}

/* A fresh interpreter with the program loaded; false (and finished, with
 * the SyntaxError in the output) when it does not compile. */
static bool load(UiRun *r)
{
    interp_free(r->ip);
    r->ip = NULL;
    tlmodel_reset(r->tl);
    clear_lines(r);
    r->trace_pos = 0;
    r->nhidden = 0;
    r->exit_status = -1;
    r->shown = 0;
    r->main_t = 0;
    r->in_loop = false;
    r->ended = false;
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = on_out;
    cfg.err = on_err;
    cfg.host = r;
    cfg.clock = INTERP_CLOCK_STEPPED;
    cfg.trace = 1;
    cfg.net = r->net;
    cfg.net_host = r->net_host;
    /* A runaway step must not freeze the screen for long. */
    cfg.step_budget = 50u * 1000u * 1000u;
    r->ip = interp_new(&cfg);
    if (!r->ip) {
        r->state = UI_RUN_FINISHED;
        r->exit_status = 1;
        return false;
    }
    if (interp_load(r->ip, r->src, r->len, r->filename) != 0) {
        finish(r);
        return false;
    }
    return true;
}

bool ui_run_start(UiRun *r, double now, double speed)
{
    r->speed = speed > 0 ? speed : 1;
    if (!load(r)) return false;
    r->state = UI_RUN_LIVE;
    r->base_v = 0;
    r->base_real = now;
    return true;
}

static double vnow(const UiRun *r, double now)
{
    if (r->state == UI_RUN_LIVE) return r->base_v + (now - r->base_real) * r->speed;
    return r->base_v;
}

void ui_run_pause(UiRun *r, double now)
{
    if (r->state != UI_RUN_LIVE) return;
    r->base_v = vnow(r, now);
    r->shown = r->base_v;
    tlmodel_advance(r->tl, r->shown);
    r->state = UI_RUN_PAUSED;
}

void ui_run_resume(UiRun *r, double now)
{
    if (r->state != UI_RUN_PAUSED) return;
    r->base_real = now;
    r->state = UI_RUN_LIVE;
}

void ui_run_set_speed(UiRun *r, double now, double speed)
{
    if (r->state == UI_RUN_LIVE) {
        r->base_v = vnow(r, now);
        r->base_real = now;
    }
    r->speed = speed;
}

double ui_run_speed(const UiRun *r)
{
    return r->speed;
}

int ui_run_tick(UiRun *r, double now)
{
    if (r->state != UI_RUN_LIVE) return -1;
    double v = vnow(r, now);
    int64_t v_ns = (int64_t)llround(v * 1e9);
    /* Bound the work per tick so keys stay responsive (Space, q). */
    for (int n = 0; n < 2000; n++) {
        if (interp_now(r->ip) > v_ns) {
            /* time.sleep pushed the loop's clock ahead: the loop is blocked
             * until real time catches up. */
            r->shown = v;
            tlmodel_advance(r->tl, v);
            double ms = (double)(interp_now(r->ip) - v_ns) / 1e6 / r->speed;
            return ms < 30 ? (int)ceil(ms) : 30;
        }
        if (r->ended) {
            finish(r);
            return -1;
        }
        InterpState st = interp_step(r->ip, INTERP_STEP_TASK);
        pump(r);
        if (st == INTERP_FINISHED) {
            /* Finished once the screen's clock gets there. */
            r->ended = true;
            continue;
        }
        if (st == INTERP_WAITING) {
            int64_t dl = interp_next_deadline(r->ip);
            if (dl < 0) {
                /* Waiting with no timer: nothing can ever wake it. */
                finish(r);
                return -1;
            }
            if (dl <= v_ns) {
                interp_advance_to(r->ip, dl);
                continue;
            }
            r->shown = v;
            tlmodel_advance(r->tl, v);
            /* Redraw often enough for the cursor to move smoothly, and
             * wake up exactly at the deadline. */
            double ms = (double)(dl - v_ns) / 1e6 / r->speed;
            return ms < 30 ? (int)ceil(ms) : 30;
        }
    }
    r->shown = v;
    return 0;
}

/* Runs until `target` task steps have completed (or the end). */
static void run_to_step(UiRun *r, int target)
{
    while (r->state != UI_RUN_FINISHED && tlmodel_steps(r->tl) < target) {
        InterpState st = interp_step(r->ip, INTERP_STEP_TASK);
        pump(r);
        if (st == INTERP_FINISHED) {
            finish(r);
            return;
        }
        if (st == INTERP_WAITING) {
            int64_t dl = interp_next_deadline(r->ip);
            if (dl < 0) {
                finish(r);
                return;
            }
            interp_advance_to(r->ip, dl);
        }
    }
    /* Let the step that just began run to its suspension. */
    if (r->state != UI_RUN_FINISHED && tlmodel_running_task(r->tl)) {
        InterpState st = interp_step(r->ip, INTERP_STEP_TASK);
        pump(r);
        if (st == INTERP_FINISHED) finish(r);
    }
    if (r->state != UI_RUN_FINISHED) {
        r->state = UI_RUN_PAUSED;
        double t = secs(interp_now(r->ip));
        r->base_v = r->shown = t;
        tlmodel_advance(r->tl, t);
    }
}

bool ui_run_step(UiRun *r)
{
    /* Stepping a finished run starts it again, in step mode. */
    if (r->state == UI_RUN_IDLE || r->state == UI_RUN_FINISHED) {
        if (!load(r)) return false;
        r->state = UI_RUN_PAUSED;
    }
    if (r->state == UI_RUN_LIVE) {
        r->state = UI_RUN_PAUSED;
    }
    run_to_step(r, tlmodel_steps(r->tl) + 1);
    return true;
}

bool ui_run_step_back(UiRun *r)
{
    int target = tlmodel_steps(r->tl) - 1;
    if (r->state == UI_RUN_IDLE || target < 0) return false;
    if (!load(r)) return false;
    r->state = UI_RUN_PAUSED;
    run_to_step(r, target);
    return true;
}

UiRunState ui_run_state(const UiRun *r)
{
    return r->state;
}

const TlModel *ui_run_timeline(const UiRun *r)
{
    return r->tl;
}

double ui_run_now(const UiRun *r)
{
    return r->shown;
}

int ui_run_steps(const UiRun *r)
{
    return tlmodel_steps(r->tl);
}

int ui_run_exit_status(const UiRun *r)
{
    return r->exit_status;
}

int ui_run_line_count(const UiRun *r)
{
    return r->nlines;
}

const UiRunLine *ui_run_line(const UiRun *r, int i)
{
    return i >= 0 && i < r->nlines ? &r->lines[i] : NULL;
}

int ui_run_ready_queue(const UiRun *r, char names[][32], int max)
{
    int lanes[64], n = 0;
    for (int l = 1; l < tlmodel_lane_count(r->tl) && n < 64; l++)
        if (tlmodel_lane_state(r->tl, l) == TL_READY) lanes[n++] = l;
    /* In the order they became ready: the loop's FIFO. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && tlmodel_lane_ready_seq(r->tl, lanes[j]) <
                                     tlmodel_lane_ready_seq(r->tl, lanes[j - 1]);
             j--) {
            int t = lanes[j];
            lanes[j] = lanes[j - 1];
            lanes[j - 1] = t;
        }
    int k = 0;
    for (; k < n && k < max; k++)
        snprintf(names[k], 32, "%s", tlmodel_lane_name(r->tl, lanes[k]));
    return k;
}

int ui_run_timers(const UiRun *r, UiRunTimer *out, int max)
{
    int n = 0;
    for (int l = 1; l < tlmodel_lane_count(r->tl) && n < max; l++) {
        double u = tlmodel_lane_until(r->tl, l);
        if (tlmodel_lane_state(r->tl, l) != TL_SLEEPING || u < 0) continue;
        snprintf(out[n].task, sizeof out[n].task, "%s", tlmodel_lane_name(r->tl, l));
        out[n].deadline = u;
        n++;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && out[j].deadline < out[j - 1].deadline; j--) {
            UiRunTimer t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}
