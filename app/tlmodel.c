/* tlmodel: trace events -> lanes of state segments -> cells (see tlmodel.h). */
#include "app/tlmodel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/utext.h"

typedef struct Seg {
    double t0, t1; /* t1 = INFINITY while open */
    unsigned char state;
} Seg;

typedef struct Lane {
    int task;
    char name[32];
    char coro[32];  /* short coroutine name, "" unknown */
    char label[64]; /* name + " " + coro */
    Seg *segs;
    int nsegs, csegs;
    int line;
    double until;
    unsigned ready_seq;
    char awaits[24];
    /* Marks: prints on task lanes, switches on the loop lane. */
    double *marks;
    int nmarks, cmarks;
} Lane;

struct TlModel {
    Lane *lanes;
    int nlanes, clanes;
    double end;
    double finished; /* < 0 while running */
    int steps;
    int running; /* task in a step, or 0 */
    int last_stepped;
    int blocked; /* tasks currently blocking the loop */
    bool loop_on; /* an event loop is running (its lane is drawn) */
};

TlModel *tlmodel_new(void)
{
    TlModel *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    tlmodel_reset(m);
    return m;
}

static void lane_free(Lane *l)
{
    free(l->segs);
    free(l->marks);
}

void tlmodel_free(TlModel *m)
{
    if (!m) return;
    for (int i = 0; i < m->nlanes; i++)
        lane_free(&m->lanes[i]);
    free(m->lanes);
    free(m);
}

/* Copies s into dst[size], cut between characters (a task may be named in
 * any script; a cut in the middle of one would draw as U+FFFD). */
static void set_text(char *dst, size_t size, const char *s)
{
    size_t n = utext_cut(s, strlen(s), size - 1);
    memcpy(dst, s, n);
    dst[n] = 0;
}

static void set_label(Lane *l)
{
    char buf[sizeof l->name + 1 + sizeof l->coro];
    snprintf(buf, sizeof buf, "%s%s%s", l->name, l->coro[0] ? " " : "", l->coro);
    set_text(l->label, sizeof l->label, buf);
}

static Lane *add_lane(TlModel *m, int task, const char *name)
{
    if (m->nlanes == m->clanes) {
        int nc = m->clanes ? m->clanes * 2 : 8;
        Lane *n = realloc(m->lanes, sizeof(Lane) * (size_t)nc);
        if (!n) return NULL;
        m->lanes = n;
        m->clanes = nc;
    }
    Lane *l = &m->lanes[m->nlanes++];
    memset(l, 0, sizeof *l);
    l->task = task;
    l->until = -1;
    set_text(l->name, sizeof l->name, name ? name : "?");
    set_label(l);
    return l;
}

void tlmodel_reset(TlModel *m)
{
    for (int i = 0; i < m->nlanes; i++)
        lane_free(&m->lanes[i]);
    m->nlanes = 0;
    m->end = 0;
    m->finished = -1;
    m->steps = 0;
    m->running = 0;
    m->last_stepped = 0;
    m->blocked = 0;
    m->loop_on = false;
    add_lane(m, 0, "loop");
}

static bool grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return true;
    int n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q) return false;
    *p = q;
    *cap = n;
    return true;
}

static bool set_state(Lane *l, double t, TlState st)
{
    /* Only the order matters, so one counter shared by all models is
     * enough (and keeps set_state free of the model). */
    static unsigned ready_seq;
    if (st == TL_READY) l->ready_seq = ++ready_seq;
    if (l->nsegs > 0) {
        Seg *last = &l->segs[l->nsegs - 1];
        if (last->state == st) return true;
        last->t1 = t;
        /* A zero-length segment of the same state as the one before it
         * adds nothing; fold it back. */
    }
    if (!grow((void **)&l->segs, &l->csegs, l->nsegs + 1, sizeof(Seg))) return false;
    l->segs[l->nsegs++] = (Seg){t, INFINITY, (unsigned char)st};
    return true;
}

static bool add_mark(Lane *l, double t)
{
    if (!grow((void **)&l->marks, &l->cmarks, l->nmarks + 1, sizeof(double))) return false;
    l->marks[l->nmarks++] = t;
    return true;
}

int tlmodel_lane_of_task(const TlModel *m, int task)
{
    for (int i = 1; i < m->nlanes; i++)
        if (m->lanes[i].task == task) return i;
    return -1;
}

/* The loop lane's state follows from the tasks'. */
static bool update_loop(TlModel *m, double t)
{
    if (!m->loop_on) return true; /* no loop to show */
    TlState st = m->blocked ? TL_BLOCKED : m->running ? TL_RUNNING : TL_SLEEPING;
    /* Between two steps at the same instant the loop is still busy: it is
     * idle only when no task is ready. */
    if (st == TL_SLEEPING)
        for (int i = 1; i < m->nlanes; i++)
            if (m->lanes[i].nsegs && m->lanes[i].segs[m->lanes[i].nsegs - 1].state == TL_READY)
                st = TL_RUNNING;
    return set_state(&m->lanes[0], t, st);
}

static Lane *lane_for(TlModel *m, int task, double t)
{
    int i = tlmodel_lane_of_task(m, task);
    if (i >= 0) return &m->lanes[i];
    /* A task we never saw created (the main program, task 0, or a trace
     * that starts late): make a lane for it. The main program is running
     * from the moment it shows (a program starts by running its module). */
    char name[32];
    if (task == 0)
        snprintf(name, sizeof name, "main");
    else
        snprintf(name, sizeof name, "Task-%d", task);
    Lane *l = add_lane(m, task, name);
    if (l && task == 0 && !set_state(l, t, TL_RUNNING)) return NULL;
    return l;
}

/* The last part of a dotted qualified name: "worker.<locals>.step" -> "step". */
static const char *short_coro(const char *q)
{
    const char *dot = q ? strrchr(q, '.') : NULL;
    return dot ? dot + 1 : q ? q : "";
}

bool tlmodel_add(TlModel *m, const TlEvent *e)
{
    double t = e->t < m->end ? m->end : e->t;
    m->end = t;
    Lane *l;
    switch (e->kind) {
    case TLE_TASK_NEW:
        l = tlmodel_lane_of_task(m, e->task) >= 0 ? lane_for(m, e->task, t)
                                                  : add_lane(m, e->task, e->name);
        if (!l) return false;
        if (e->name) set_text(l->name, sizeof l->name, e->name);
        set_text(l->coro, sizeof l->coro, short_coro(e->coro));
        set_label(l);
        m->loop_on = true; /* tasks only exist in a loop */
        if (!set_state(l, t, TL_READY)) return false;
        break;
    case TLE_LOOP_BEGIN:
        m->loop_on = true;
        if ((l = tlmodel_lane_of_task(m, 0) >= 0 ? lane_for(m, 0, t) : NULL)) {
            snprintf(l->awaits, sizeof l->awaits, "asyncio.run");
            if (!set_state(l, t, TL_SLEEPING)) return false;
        }
        break;
    case TLE_LOOP_END:
        if (m->loop_on && !set_state(&m->lanes[0], t, TL_NONE)) return false;
        m->loop_on = false;
        m->blocked = 0;
        if ((l = tlmodel_lane_of_task(m, 0) >= 0 ? lane_for(m, 0, t) : NULL)) {
            l->awaits[0] = 0;
            if (!set_state(l, t, TL_RUNNING)) return false;
        }
        return true;
    case TLE_STEP_BEGIN:
        if (!(l = lane_for(m, e->task, t))) return false;
        m->steps++;
        if (m->last_stepped != e->task && m->steps > 1) add_mark(&m->lanes[0], t);
        m->last_stepped = e->task;
        m->running = e->task;
        l->until = -1;
        if (!set_state(l, t, TL_RUNNING)) return false;
        break;
    case TLE_STEP_END:
        if (!(l = lane_for(m, e->task, t))) return false;
        if (m->running == e->task) m->running = 0;
        if (e->line > 0) l->line = e->line;
        set_text(l->awaits, sizeof l->awaits, e->state == TL_SLEEPING && e->what ? e->what : "");
        if (e->state != TL_SLEEPING)
            l->until = -1;
        else if (e->until >= 0)
            l->until = e->until;
        if (!set_state(l, t, e->state == TL_NONE ? TL_SLEEPING : e->state)) return false;
        break;
    case TLE_READY:
        if (!(l = lane_for(m, e->task, t))) return false;
        l->until = -1;
        if (!set_state(l, t, TL_READY)) return false;
        break;
    case TLE_BLOCK_BEGIN:
        if (!(l = lane_for(m, e->task, t))) return false;
        /* The main program blocks outside any loop: no loop to stop. */
        if (m->loop_on) m->blocked++;
        if (e->line > 0) l->line = e->line;
        if (!set_state(l, t, TL_BLOCKED)) return false;
        break;
    case TLE_BLOCK_END:
        if (!(l = lane_for(m, e->task, t))) return false;
        if (m->loop_on && m->blocked > 0) m->blocked--;
        if (!set_state(l, t, TL_RUNNING)) return false;
        break;
    case TLE_SLEEP:
        if (!(l = lane_for(m, e->task, t))) return false;
        l->until = e->until;
        return true;
    case TLE_RENAME:
        if (!(l = lane_for(m, e->task, t))) return false;
        if (e->name) set_text(l->name, sizeof l->name, e->name);
        set_label(l);
        return true;
    case TLE_PRINT:
        if (!(l = lane_for(m, e->task, t))) return false;
        if (!add_mark(l, t)) return false;
        break;
    }
    return update_loop(m, t);
}

void tlmodel_advance(TlModel *m, double t)
{
    if (t > m->end) m->end = t;
}

void tlmodel_finish(TlModel *m, double t)
{
    if (t < m->end) t = m->end;
    m->end = t;
    m->finished = t;
    if (m->loop_on) set_state(&m->lanes[0], t, TL_DONE);
    for (int i = 1; i < m->nlanes; i++) {
        Lane *l = &m->lanes[i];
        if (l->nsegs && l->segs[l->nsegs - 1].state < TL_DONE)
            l->segs[l->nsegs - 1].t1 = t; /* never finished: cut at the end */
    }
}

int tlmodel_lane_count(const TlModel *m)
{
    return m->nlanes;
}

const char *tlmodel_lane_name(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].name : "";
}

const char *tlmodel_lane_label(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].label : "";
}

bool tlmodel_lane_used(const TlModel *m, int lane)
{
    if (lane < 0 || lane >= m->nlanes) return false;
    const Lane *l = &m->lanes[lane];
    for (int i = 0; i < l->nsegs; i++)
        if (l->segs[i].state != TL_NONE && (lane > 0 || l->segs[i].state < TL_DONE)) return true;
    return false;
}

int tlmodel_lane_task(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].task : -1;
}

TlState tlmodel_lane_state(const TlModel *m, int lane)
{
    if (lane < 0 || lane >= m->nlanes || m->lanes[lane].nsegs == 0) return TL_NONE;
    return (TlState)m->lanes[lane].segs[m->lanes[lane].nsegs - 1].state;
}

int tlmodel_lane_line(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].line : 0;
}

double tlmodel_lane_until(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].until : -1;
}

const char *tlmodel_lane_awaits(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].awaits : "";
}

unsigned tlmodel_lane_ready_seq(const TlModel *m, int lane)
{
    return lane >= 0 && lane < m->nlanes ? m->lanes[lane].ready_seq : 0;
}

double tlmodel_end_time(const TlModel *m)
{
    return m->end;
}

int tlmodel_steps(const TlModel *m)
{
    return m->steps;
}

int tlmodel_last_task(const TlModel *m)
{
    return m->steps ? m->last_stepped : 0;
}

int tlmodel_running_task(const TlModel *m)
{
    return m->running;
}

/* Display priority: what a cell shows when several states fall in it. */
static int rank(TlState s)
{
    static const int r[TL_STATE_COUNT] = {
        [TL_NONE] = 0,    [TL_SLEEPING] = 1, [TL_READY] = 2,     [TL_RUNNING] = 3,
        [TL_BLOCKED] = 4, [TL_DONE] = 5,     [TL_CANCELLED] = 6, [TL_FAILED] = 7,
    };
    return r[s];
}

/* Index of the first segment that may overlap [t0, ...): the last one that
 * starts at or before t0 (segments are in time order). */
static int first_seg(const Lane *l, double t0)
{
    int lo = 0, hi = l->nsegs - 1, ans = 0;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (l->segs[mid].t0 <= t0) {
            ans = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    /* Zero-length segments at exactly t0 before `ans` also count. */
    while (ans > 0 && l->segs[ans - 1].t1 >= t0)
        ans--;
    return ans;
}

static int count_marks(const Lane *l, double t0, double t1)
{
    int n = 0;
    for (int i = 0; i < l->nmarks; i++)
        if (l->marks[i] >= t0 && l->marks[i] < t1) n++;
    return n;
}

TlState tlmodel_cell(const TlModel *m, int lane, double t0, double t1, int *marks, int *switches)
{
    if (marks) *marks = 0;
    if (switches) *switches = 0;
    if (lane < 0 || lane >= m->nlanes) return TL_NONE;
    const Lane *l = &m->lanes[lane];
    TlState best = TL_NONE;
    /* Nothing is drawn past the latest known time. */
    double limit = m->finished >= 0 ? m->finished : m->end;
    if (t0 > limit) return TL_NONE;
    for (int i = l->nsegs ? first_seg(l, t0) : 0; i < l->nsegs; i++) {
        const Seg *s = &l->segs[i];
        if (s->t0 >= t1) break;
        TlState st = (TlState)s->state;
        if (lane == 0 && st >= TL_DONE) continue; /* the loop's end is not an event worth a glyph */
        bool in;
        if (st >= TL_DONE)
            in = s->t0 >= t0; /* an end shows only where it happened */
        else if (s->t0 == s->t1)
            in = s->t0 >= t0; /* an instant: counts in its own cell */
        else
            in = s->t1 > t0 && (s->t0 < limit || s->t0 >= t0);
        if (in && rank(st) > rank(best)) best = st;
    }
    int n = count_marks(l, t0, t1);
    if (n && marks) *marks |= lane == 0 ? TL_MARK_SWITCH : TL_MARK_PRINT;
    if (lane == 0 && switches) *switches = n;
    return best;
}

void tlmodel_lane_string(const TlModel *m, int lane, double t0, double dt, int ncells, char *buf)
{
    static const char glyph[TL_STATE_COUNT] = {
        [TL_NONE] = ' ',    [TL_SLEEPING] = '.', [TL_READY] = '-',     [TL_RUNNING] = '#',
        [TL_BLOCKED] = 'X', [TL_DONE] = 'v',     [TL_CANCELLED] = 'x', [TL_FAILED] = '!',
    };
    for (int i = 0; i < ncells; i++) {
        double a = t0 + i * dt;
        buf[i] = glyph[tlmodel_cell(m, lane, a, a + dt, NULL, NULL)];
    }
    buf[ncells] = 0;
}

/* Seconds per cell, finest first. */
static const double zooms[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2,
                               0.25,  0.5,   1,     2,    5,    10,   30,  60};
#define NZOOMS ((int)(sizeof zooms / sizeof zooms[0]))

double tlview_cell_dt(const TlView *v)
{
    int z = v->zoom < 0 ? 0 : v->zoom >= NZOOMS ? NZOOMS - 1 : v->zoom;
    return zooms[z];
}

void tlview_zoom(TlView *v, int delta)
{
    v->zoom -= delta;
    if (v->zoom < 0) v->zoom = 0;
    if (v->zoom >= NZOOMS) v->zoom = NZOOMS - 1;
}

void tlview_fit(TlView *v, double duration, int ncells)
{
    v->t0 = 0;
    v->zoom = NZOOMS - 1;
    for (int z = 0; z < NZOOMS; z++)
        if (zooms[z] * ncells >= duration * 1.05 + 1e-9 && zooms[z] >= 0.05) {
            v->zoom = z;
            break;
        }
}

void tlview_show(TlView *v, double t, int ncells)
{
    double dt = tlview_cell_dt(v);
    if (ncells <= 0) return;
    if (t < v->t0)
        v->t0 = floor(t / dt) * dt;
    else if (t >= v->t0 + (ncells - 1) * dt)
        v->t0 = (floor(t / dt) - (ncells - 2)) * dt;
    if (v->t0 < 0) v->t0 = 0;
}
