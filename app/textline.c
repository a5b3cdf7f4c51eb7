/* textline: see textline.h.
 *
 * The trace is replayed once per task into a row of cells, one cell per
 * slice of the time axis. A cell shows the most telling state the task was
 * in during that slice (running beats blocked beats ready beats waiting), so
 * the zero-duration steps of a virtual-clock run still show up. When the
 * whole run happens at one instant (only sleep(0)), the axis counts loop
 * iterations instead of seconds. The main program's lane (see textline.h)
 * is replayed from the moments `aiotutor run` saw it, merged with the
 * trace by the number of trace events at each.
 */
#include "app/textline.h"

#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/utext.h"
#include "engine/lang/interp.h"

enum { ST_NONE, ST_DONE, ST_WAIT, ST_SLEEP, ST_READY, ST_RUN, ST_BLOCK, ST__N };

typedef struct Lane {
    uint64_t id;
    char name[48];
    int state;
    int64_t since;   /* axis position where `state` began */
    bool will_sleep; /* the running step started a sleep */
    unsigned char *cells;
    bool *printed;
} Lane;

typedef struct Tl {
    Lane *lanes;
    size_t n, cap;
    int w;           /* cells */
    int64_t a0, a1;  /* axis range */
    bool by_iter;
} Tl;

/* One moment the module code was seen (textline_main_seen). */
typedef struct MainEv {
    size_t pos; /* trace events recorded before it */
    int64_t t;  /* ns */
    bool print;
} MainEv;

struct TextlineMain {
    MainEv *ev;
    size_t n, cap;
    bool ended;
    int64_t end; /* ns */
};

TextlineMain *textline_main_new(void)
{
    return calloc(1, sizeof(TextlineMain));
}

void textline_main_free(TextlineMain *m)
{
    if (m)
        free(m->ev);
    free(m);
}

void textline_main_seen(TextlineMain *m, const Trace *tr, int64_t t_ns, bool print)
{
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 32;
        MainEv *e = realloc(m->ev, nc * sizeof *e);
        if (!e)
            return; /* the lane misses a mark; the run goes on */
        m->ev = e;
        m->cap = nc;
    }
    m->ev[m->n++] = (MainEv){tr ? trace_count(tr) : 0, t_ns, print};
}

void textline_main_end(TextlineMain *m, int64_t t_ns)
{
    m->ended = true;
    m->end = t_ns;
}

static const char *const glyph_utf8[ST__N] = {" ", " ", "\xc2\xb7", "\xe2\x96\x91", "\xe2\x96\x92",
                                               "\xe2\x96\x88", "\xe2\x96\x93"};
static const char *const glyph_ascii[ST__N] = {" ", " ", ":", ".", "-", "#", "="};

static Lane *lane_of(Tl *t, uint64_t id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->lanes[i].id == id)
            return &t->lanes[i];
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 16;
        Lane *l = realloc(t->lanes, nc * sizeof *l);
        if (!l)
            return NULL;
        t->lanes = l;
        t->cap = nc;
    }
    Lane *l = &t->lanes[t->n++];
    memset(l, 0, sizeof *l);
    l->id = id;
    l->cells = calloc((size_t)t->w, 1);
    l->printed = calloc((size_t)t->w, sizeof(bool));
    snprintf(l->name, sizeof l->name, "task %llu", (unsigned long long)id);
    return l;
}

static int col_of(const Tl *t, int64_t x)
{
    if (t->a1 <= t->a0)
        return 0;
    int64_t c = (x - t->a0) * (int64_t)(t->w - 1) / (t->a1 - t->a0);
    return c < 0 ? 0 : c >= t->w ? t->w - 1 : (int)c;
}

static void paint(Tl *t, Lane *l, int64_t from, int64_t to, int state)
{
    int c0 = col_of(t, from), c1 = col_of(t, to);
    /* A state that lasted a whole slice owns it; a state that only touched
     * the slice boundary does not hide the next one. */
    if (c1 > c0 && state < ST_READY && to > from)
        c1--;
    for (int c = c0; c <= c1; c++)
        if (l->cells[c] < state)
            l->cells[c] = (unsigned char)state;
}

static void set_state(Tl *t, Lane *l, int64_t x, int state)
{
    if (l->state != ST_NONE)
        paint(t, l, l->since, x, l->state);
    l->state = state;
    l->since = x;
}

static int64_t axis(const Tl *t, const TraceEvent *ev)
{
    return t->by_iter ? (int64_t)ev->iter : ev->t_ns;
}

static void put_time(char *buf, size_t n, const Tl *t, int64_t x)
{
    if (t->by_iter) {
        snprintf(buf, n, "it %lld", (long long)x);
        return;
    }
    double s = (double)x / 1e9;
    if (s == (double)(long long)s)
        snprintf(buf, n, "%llds", (long long)s);
    else
        snprintf(buf, n, "%.3gs", s);
}

/* The main program's replay state (textline.h). */
typedef struct MainRun {
    Lane *lane;      /* NULL until it first prints or blocks */
    bool in_loop;    /* an event loop it started is running */
    int64_t t, x;    /* when it was last seen running: ns, axis */
    int64_t tl, xl;  /* the latest trace event: ns, axis */
} MainRun;

static Lane *main_lane(Tl *t, MainRun *mr, int64_t x)
{
    if (!mr->lane && (mr->lane = lane_of(t, 0))) {
        snprintf(mr->lane->name, sizeof mr->lane->name, "main");
        set_state(t, mr->lane, x, ST_RUN);
    }
    return mr->lane;
}

/* ui_run.c's main_seen: a loop it had started is over, and time that went
 * by since it was last seen went by in time.sleep. */
static void main_seen(Tl *t, MainRun *mr, int64_t now, int64_t x)
{
    if (mr->in_loop) {
        mr->in_loop = false;
        if (mr->lane)
            set_state(t, mr->lane, mr->xl, ST_RUN);
        mr->t = mr->tl;
        mr->x = mr->xl;
    }
    if (now > mr->t) {
        Lane *l = main_lane(t, mr, mr->x);
        if (l) {
            set_state(t, l, mr->x, ST_BLOCK);
            set_state(t, l, x, ST_RUN);
        }
        mr->t = now;
        mr->x = x;
    }
}

void textline_lane_label(char *buf, size_t size, const char *name, size_t name_len, size_t max_name,
                         const char *coro)
{
    int n = (int)utext_cut(name, name_len, max_name);
    snprintf(buf, size, "%.*s%s%s", n, name, coro ? " " : "", coro ? coro : "");
    /* snprintf cut by bytes: never leave half a character at the end */
    size_t len = strlen(buf);
    buf[utext_cut(buf, len, len)] = 0;
}

/* Prints a lane label in exactly `width` columns: cut or padded by the
 * columns its characters take (a task may be named in any script), and in
 * ASCII when the locale is not UTF-8 ('?' for each other character). */
static void put_label(FILE *out, const char *s, int width, bool utf8)
{
    int used = 0, n = (int)strlen(s);
    for (int i = 0; i < n;) {
        uint32_t cp;
        int k = utext_decode(s + i, n - i, &cp);
        int w = utext_cp_width(cp, !utf8);
        if (used + w > width) break;
        if (cp < 0x20 || cp == 0x7F) fputc(' ', out);
        else if (cp >= 0x80 && !utf8) fputc('?', out);
        else if (w > 0) fwrite(s + i, 1, (size_t)k, out);
        used += w;
        i += k;
    }
    for (; used < width; used++)
        fputc(' ', out);
}

void textline_print(const Trace *tr, FILE *out, int width, TextlineNameFn coro_name, void *ctx)
{
    textline_print_main(tr, NULL, out, width, coro_name, ctx);
}

void textline_print_main(const Trace *tr, const TextlineMain *main, FILE *out, int width,
                         TextlineNameFn coro_name, void *ctx)
{
    setlocale(LC_CTYPE, "");
    const char *cs = nl_langinfo(CODESET);
    bool utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
    const char *const *g = utf8 ? glyph_utf8 : glyph_ascii;
    size_t n = tr ? trace_count(tr) : 0;
    size_t nm = main ? main->n : 0;
    if (width < 40)
        width = 40;
    int label = 16;
    Tl t = {0};
    t.w = width - label - 2;
    /* Does the main program get a lane? Only by printing or blocking. */
    int64_t main_end = main && main->ended ? main->end : 0;
    bool main_shows = main_end > 0;
    for (size_t k = 0; k < nm; k++)
        main_shows = main_shows || main->ev[k].print || main->ev[k].t > 0;
    if (n == 0 && !main_shows) {
        fprintf(out, "timeline: no task ran (the program never started an event loop), and the main "
                     "program neither printed nor slept\n");
        return;
    }
    const TraceEvent *first = n ? trace_at(tr, 0) : NULL, *last = n ? trace_at(tr, n - 1) : NULL;
    t.a0 = first ? first->t_ns : 0;
    t.a1 = last ? last->t_ns : 0;
    if (main) {
        t.a0 = 0; /* the program starts with its main code */
        if (main_end > t.a1)
            t.a1 = main_end;
        for (size_t k = 0; k < nm; k++)
            if (main->ev[k].t > t.a1)
                t.a1 = main->ev[k].t;
    }
    if (t.a1 == t.a0 && n) {
        t.by_iter = true;
        t.a0 = (int64_t)first->iter;
        t.a1 = (int64_t)last->iter;
    }
    size_t steps = 0, outputs = 0, switches = 0;
    uint64_t prev_task = 0;
    /* asyncio.run's own shutdown tasks get no lane (see interp.h). */
    uint64_t hidden[16];
    int nhidden = 0;
    MainRun mr = {0};
    size_t k = 0; /* the next main event */
    for (size_t i = 0; i <= n; i++) {
        /* The main program's moments before trace event i. */
        for (; k < nm && (main->ev[k].pos <= i || i == n); k++) {
            const MainEv *m = &main->ev[k];
            int64_t x = t.by_iter ? (m->pos < n ? (int64_t)trace_at(tr, m->pos)->iter : t.a1) : m->t;
            main_seen(&t, &mr, m->t, x);
            if (m->print && main_lane(&t, &mr, x)) {
                outputs++;
                mr.lane->printed[col_of(&t, x)] = true;
            }
        }
        if (i == n)
            break;
        const TraceEvent *ev = trace_at(tr, i);
        if (!ev->task)
            continue;
        if (interp_trace_internal_task(ev)) {
            if (nhidden < (int)(sizeof hidden / sizeof hidden[0]))
                hidden[nhidden++] = ev->task;
            continue;
        }
        bool skip = false;
        for (int h = 0; h < nhidden && !skip; h++)
            skip = hidden[h] == ev->task;
        if (skip)
            continue;
        int64_t x = axis(&t, ev);
        if (main && ev->kind == TRACE_TASK_CREATED && ev->other == 0 && !mr.in_loop) {
            /* asyncio.run's main task: the module code started a loop */
            main_seen(&t, &mr, ev->t_ns, x);
            mr.in_loop = true;
            if (mr.lane)
                set_state(&t, mr.lane, x, ST_WAIT);
        }
        mr.tl = ev->t_ns;
        mr.xl = x;
        Lane *l = lane_of(&t, ev->task);
        if (!l)
            break;
        const char *text = trace_text(tr, ev);
        switch ((TraceKind)ev->kind) {
        case TRACE_TASK_CREATED:
        case TRACE_TASK_RENAMED: {
            textline_lane_label(l->name, sizeof l->name, text, ev->text_len, 30,
                                coro_name ? coro_name(ctx, ev->task) : NULL);
            if (ev->kind == TRACE_TASK_CREATED)
                set_state(&t, l, x, ST_READY);
            break;
        }
        case TRACE_READY:
            if (l->state != ST_RUN)
                set_state(&t, l, x, ST_READY);
            break;
        case TRACE_STEP_BEGIN:
            steps++;
            if (prev_task && prev_task != ev->task)
                switches++;
            prev_task = ev->task;
            set_state(&t, l, x, ST_RUN);
            break;
        case TRACE_STEP_END:
            switch ((TraceWhy)ev->why) {
            case TRACE_WHY_AWAIT: set_state(&t, l, x, l->will_sleep ? ST_SLEEP : ST_WAIT); break;
            case TRACE_WHY_YIELD: set_state(&t, l, x, ST_READY); break;
            default: set_state(&t, l, x, ST_DONE); break;
            }
            l->will_sleep = false;
            break;
        case TRACE_SLEEP:
            l->will_sleep = true;
            break;
        case TRACE_BLOCK:
            paint(&t, l, x, t.by_iter ? x : ev->t2_ns, ST_BLOCK);
            break;
        case TRACE_OUTPUT:
            outputs++;
            l->printed[col_of(&t, x)] = true;
            break;
        case TRACE_RESULT:
        case TRACE_EXCEPTION:
        case TRACE_CANCELLED:
            set_state(&t, l, x, ST_DONE);
            break;
        default: break;
        }
    }
    if (main && main->ended) {
        main_seen(&t, &mr, main->end, t.by_iter ? t.a1 : main->end);
        if (mr.lane)
            set_state(&t, mr.lane, t.by_iter ? t.a1 : main->end, ST_DONE);
    }
    for (size_t i = 0; i < t.n; i++)
        if (t.lanes[i].state != ST_DONE && t.lanes[i].state != ST_NONE)
            paint(&t, &t.lanes[i], t.lanes[i].since, t.a1, t.lanes[i].state);

    char a[32], b[32];
    put_time(a, sizeof a, &t, t.a0);
    put_time(b, sizeof b, &t, t.a1);
    size_t ntasks = t.n - (mr.lane ? 1 : 0);
    fprintf(out, "\nTimeline: %zu task%s%s, %zu steps, %zu switches, %zu print%s, %s to %s\n", ntasks,
            ntasks == 1 ? "" : "s", mr.lane ? " and the main program" : "", steps, switches, outputs,
            outputs == 1 ? "" : "s", a, b);
    /* Axis: labels at the start, the middle and the end. */
    char axisl[256];
    memset(axisl, ' ', sizeof axisl);
    int alen = t.w;
    put_time(a, sizeof a, &t, t.a0);
    memcpy(axisl, a, strlen(a));
    put_time(b, sizeof b, &t, t.a1);
    int bl = (int)strlen(b);
    if (alen - bl > (int)strlen(a) + 1 && t.a1 > t.a0)
        memcpy(axisl + alen - bl, b, (size_t)bl);
    if (t.a1 > t.a0 && alen > 30) {
        char m[32];
        put_time(m, sizeof m, &t, t.a0 + (t.a1 - t.a0) / 2);
        int ml = (int)strlen(m), pos = alen / 2 - ml / 2;
        if (pos > (int)strlen(a) + 1 && pos + ml < alen - bl - 1)
            memcpy(axisl + pos, m, (size_t)ml);
    }
    axisl[alen] = 0;
    fprintf(out, "%*s  %s\n", label, "", axisl);
    for (size_t i = 0; i < t.n; i++) {
        Lane *l = &t.lanes[i];
        put_label(out, l->name, label, utf8);
        fputs(" |", out);
        for (int c = 0; c < t.w; c++)
            fputs(l->printed[c] ? "*" : g[l->cells[c]], out);
        fputs("\n", out);
    }
    fprintf(out, "%*s  %s running  %s blocked (time.sleep)  %s ready  %s sleeping  %s awaiting  * print\n",
            label, "", g[ST_RUN], g[ST_BLOCK], g[ST_READY], g[ST_SLEEP], g[ST_WAIT]);
    for (size_t i = 0; i < t.n; i++) {
        free(t.lanes[i].cells);
        free(t.lanes[i].printed);
    }
    free(t.lanes);
}
