/* ui: the tutor's screen model and its views (see ui.h).
 *
 * The state is one struct: where the student is (lesson, page), what each
 * pane shows and how far it is scrolled, the overlay on top (help or the
 * table of contents), and the programs of the page when they run. Keys
 * change the state; ui_draw paints all of it into a canvas from scratch,
 * which keeps drawing free of "what changed" bookkeeping (a full 200x60
 * frame is a few thousand cells). */
#include "app/ui.h"

#include "app/check.h"
#include "app/layout.h"
#include "app/lesson.h"
#include "app/datadir.h"
#include "app/netcfg.h"
#include "app/progress.h"
#include "app/prose.h"
#include "app/tlmodel.h"
#include "app/ui_code.h"
#include "app/utext.h"
#include "app/ui_run.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ keys */

/* X(action, keys shown in help, key-bar label or NULL, description) */
#define UI_ACTIONS(X)                                                                              \
    X(HELP, "? F1", "Help", "show this help (any key closes it)")                                  \
    X(CONTENTS, "t F2", "Contents", "contents: every lesson and its pages, jump to any")           \
    X(NEXT, "n PgDn", "Next", "next page (the last page of a lesson goes on to the next lesson)")  \
    X(PREV, "p PgUp", "Prev", "previous page")                                                     \
    X(RUN, "r F5", "Run", "run the program live (again: restart it)")                              \
    X(PAUSE, "Space F6", "Pause", "pause / resume the running program")                            \
    X(STEP, "s F7", "Step", "step mode: run one task step (resume -> next suspension)")            \
    X(BACK, "b F8", "Back", "step back: replay to the previous step")                              \
    X(INTERNALS, "i F9", "Loop", "show / hide the loop internals (ready queue, timers)")           \
    X(COMPARE, "c F3", "Compare", "compare: run the page's second program on the same time axis")  \
    X(EDIT, "e F4", "Edit", "exercise: open your file in $VISUAL / $EDITOR, then run it")          \
    X(HINT, "H", "Hint", "exercise: show the next hint")                                           \
    X(ANSWER, "1-9", "Answer", "question: choose an answer (Enter reveals a prediction question)") \
    X(SLOWER, "[ ]", NULL, "run slower / faster (0.25x to 8x)")                                    \
    X(FASTER, NULL, NULL, NULL)                                                                    \
    X(ZOOM_IN, "+ -", NULL, "timeline: zoom in / out")                                             \
    X(ZOOM_OUT, NULL, NULL, NULL)                                                                  \
    X(TL_LEFT, "h l Left Right", NULL, "timeline: scroll back / forward in time")                  \
    X(TL_RIGHT, NULL, NULL, NULL)                                                                  \
    X(TL_FIT, "0", NULL, "timeline: follow the run again (fit it all in view)")                    \
    X(FOCUS, "Tab", NULL, "move the focus to the next pane")                                       \
    X(UP, "j k Up Down", NULL, "scroll the focused pane")                                          \
    X(DOWN, NULL, NULL, NULL)                                                                      \
    X(TOP, "Home End", NULL, "scroll the focused pane to the top / bottom")                        \
    X(BOTTOM, NULL, NULL, NULL)                                                                    \
    X(REDRAW, "Ctrl-L", NULL, "redraw the screen")                                                 \
    X(QUIT, "q F10", "Quit", "quit (your place is saved; Ctrl-C quits too)")

typedef enum UiAction {
    ACT_NONE,
#define X(a, k, b, d) ACT_##a,
    UI_ACTIONS(X)
#undef X
        ACT_COUNT
} UiAction;

static const struct {
    const char *keys, *bar, *desc;
} actions[ACT_COUNT] = {
#define X(a, k, b, d) [ACT_##a] = {k, b, d},
    UI_ACTIONS(X)
#undef X
};

/* Key -> action, for the keys that mean the same on every page. */
static UiAction action_of(int key)
{
    switch (key) {
    case '?':
    case UI_KEY_F(1): return ACT_HELP;
    case 't':
    case UI_KEY_F(2): return ACT_CONTENTS;
    case 'c':
    case UI_KEY_F(3): return ACT_COMPARE;
    case 'e':
    case UI_KEY_F(4): return ACT_EDIT;
    case 'r':
    case UI_KEY_F(5): return ACT_RUN;
    case ' ':
    case UI_KEY_F(6): return ACT_PAUSE;
    case 's':
    case UI_KEY_F(7): return ACT_STEP;
    case 'b':
    case UI_KEY_F(8): return ACT_BACK;
    case 'i':
    case UI_KEY_F(9): return ACT_INTERNALS;
    case 'q':
    case UI_KEY_F(10): return ACT_QUIT;
    case 'n':
    case UI_KEY_PGDN: return ACT_NEXT;
    case 'p':
    case UI_KEY_PGUP: return ACT_PREV;
    case 'H': return ACT_HINT;
    case '[': return ACT_SLOWER;
    case ']': return ACT_FASTER;
    case '+':
    case '=': return ACT_ZOOM_IN;
    case '-':
    case '_': return ACT_ZOOM_OUT;
    case 'h':
    case UI_KEY_LEFT: return ACT_TL_LEFT;
    case 'l':
    case UI_KEY_RIGHT: return ACT_TL_RIGHT;
    case '0': return ACT_TL_FIT;
    case UI_KEY_TAB: return ACT_FOCUS;
    case 'k':
    case UI_KEY_UP: return ACT_UP;
    case 'j':
    case UI_KEY_DOWN: return ACT_DOWN;
    case UI_KEY_HOME:
    case 'g': return ACT_TOP;
    case UI_KEY_END:
    case 'G': return ACT_BOTTOM;
    case UI_KEY_REDRAW: return ACT_REDRAW;
    default:
        if (key >= '1' && key <= '9') return ACT_ANSWER;
        return ACT_NONE;
    }
}

/* ----------------------------------------------------------------- state */

typedef enum Pane { PANE_PROSE, PANE_CODE, PANE_OUTPUT, PANE_TIMELINE, PANE_COUNT } Pane;
typedef enum Overlay { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_TOC } Overlay;

typedef struct BarHit {
    int x0, x1;
    UiAction act;
} BarHit;

struct Ui {
    UiOptions opt;
    Theme theme;
    bool ascii;
    char state_dir[4096];
    LessonCourse *course;
    Progress *progress;
    bool progress_ok; /* false after a failed save: stop retrying each page */

    int li, pi; /* lesson and page shown */
    int width, height;
    Layout lay;

    Overlay overlay;
    int toc_sel, toc_top;
    int toc_page; /* -1: the lesson's row; else a page of toc_sel */
    int help_top;

    Pane focus;
    int scroll[PANE_COUNT];
    bool out_follow;
    TlView tv;
    bool internals;
    bool compare;

    /* Prose of the page (and its question / exercise extras). */
    ProseDoc *prose;
    int prose_width;
    bool prose_dirty;

    UiCode *code; /* the program shown in the code pane */
    const char *code_name;
    char *code_text; /* owned copy when it is the student's file */

    UiRun *run, *cmp;
    double speed;

    /* Question page: the answer chosen (-1 none) and whether revealed. */
    int answer;
    bool revealed;
    /* Exercise page: hints shown, the student's file. */
    int hints;
    char exercise_path[4200];
    bool edit_pending;
    /* The checker (app/check.h) runs in a child process; its verdict is
     * shown on the exercise page. */
    CheckChild *checking;
    CheckResult *checked;

    char msg[512];
    bool quit;
    BarHit bar[16];
    int nbar;
};

static const Lesson *cur_lesson(const Ui *ui)
{
    if (!ui->course || ui->course->nlessons == 0) return NULL;
    return ui->course->lessons[ui->li];
}

static const LessonPage *cur_page(const Ui *ui)
{
    const Lesson *l = cur_lesson(ui);
    if (!l || l->npages == 0) return NULL;
    return &l->pages[ui->pi];
}

void ui_message(Ui *ui, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
}

const Theme *ui_theme(const Ui *ui)
{
    return &ui->theme;
}

bool ui_quit_requested(const Ui *ui)
{
    return ui->quit;
}

/* The program a page runs, if any. */
static const LessonCode *page_program(const LessonPage *pg)
{
    if (!pg) return NULL;
    switch (pg->kind) {
    case LESSON_PAGE_DEMO: return pg->demo.code.source ? &pg->demo.code : NULL;
    case LESSON_PAGE_WALKTHROUGH: return pg->walk.code.source ? &pg->walk.code : NULL;
    case LESSON_PAGE_QUESTION: return pg->question.code.source ? &pg->question.code : NULL;
    case LESSON_PAGE_EXERCISE: return pg->exercise.starter.source ? &pg->exercise.starter : NULL;
    default: return NULL;
    }
}

static bool page_runs(const LessonPage *pg)
{
    return page_program(pg) != NULL;
}

/* ------------------------------------------------------------- progress */

/* Records the page the student is on and saves. `changed`: an answer or
 * an exercise result was recorded; otherwise nothing is written when the
 * file would say the same (reopening where the student left off costs no
 * write and no fsync before the first frame). */
static void save_progress(Ui *ui, bool changed)
{
    const Lesson *l = cur_lesson(ui);
    if (!l || !ui->progress || !ui->state_dir[0]) return;
    bool last = (size_t)ui->pi + 1 >= l->npages;
    ProgressStatus st = last ? PROGRESS_DONE : PROGRESS_IN_PROGRESS;
    int page;
    const char *cur = progress_current(ui->progress, &page);
    if (!changed && cur && strcmp(cur, l->id) == 0 && page == ui->pi &&
        progress_status(ui->progress, l->id) >= st && progress_page(ui->progress, l->id) >= ui->pi)
        return;
    progress_set_current(ui->progress, l->id, ui->pi);
    progress_visit(ui->progress, l->id, ui->pi, st);
    if (!ui->progress_ok) return;
    char msg[512];
    if (progress_save(ui->progress, ui->state_dir, msg, sizeof msg) != PROGRESS_OK) {
        ui_message(ui, "%s (progress will not be kept)", msg);
        ui->progress_ok = false;
    }
}

/* ------------------------------------------------------------ page setup */

static void stop_check(Ui *ui)
{
    if (ui->checking) check_result_free(check_child_finish(ui->checking)); /* reaps the child */
    ui->checking = NULL;
    check_result_free(ui->checked);
    ui->checked = NULL;
}

static void stop_runs(Ui *ui)
{
    ui_run_free(ui->run);
    ui_run_free(ui->cmp);
    ui->run = ui->cmp = NULL;
}

static void set_code(Ui *ui, const char *src, const char *name)
{
    ui_code_free(ui->code);
    ui->code = src ? ui_code_new(src, strlen(src)) : NULL;
    ui->code_name = name;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

static void exercise_file(Ui *ui, const LessonPage *pg)
{
    ui->exercise_path[0] = 0;
    if (!pg || pg->kind != LESSON_PAGE_EXERCISE || !ui->state_dir[0]) return;
    /* Named as `aiotutor workspace` names them (NN-ID.py), so that
     * `aiotutor watch` and `aiotutor check` work on the same files. */
    const Lesson *l = cur_lesson(ui);
    snprintf(ui->exercise_path, sizeof ui->exercise_path, "%s/exercises/%02d-%s.py", ui->state_dir,
             l ? l->number : 0, pg->exercise.id ? pg->exercise.id : "exercise");
}

static void open_page(Ui *ui, int li, int pi)
{
    stop_runs(ui);
    stop_check(ui);
    ui->li = li;
    ui->pi = pi;
    ui->prose_dirty = true;
    memset(ui->scroll, 0, sizeof ui->scroll);
    ui->out_follow = true;
    ui->tv = (TlView){0, 6, true};
    ui->answer = -1;
    ui->revealed = false;
    ui->hints = 0;
    ui->compare = false;
    free(ui->code_text);
    ui->code_text = NULL;
    const LessonPage *pg = cur_page(ui);
    if (ui->focus != PANE_PROSE && !page_runs(pg)) ui->focus = PANE_PROSE;
    /* A demo runs at the speed its author chose (the student can change it). */
    if (pg && pg->kind == LESSON_PAGE_DEMO && pg->demo.speed > 0) ui->speed = pg->demo.speed;
    const LessonCode *prog = page_program(pg);
    exercise_file(ui, pg);
    /* The student's own file when there is one. */
    if (pg && pg->kind == LESSON_PAGE_EXERCISE && ui->exercise_path[0])
        ui->code_text = read_file(ui->exercise_path);
    if (ui->code_text)
        set_code(ui, ui->code_text, "your file");
    else
        set_code(ui, prog ? prog->source : NULL, prog ? prog->file : NULL);
    /* A question answered earlier shows its answer again. */
    const Lesson *l = cur_lesson(ui);
    if (pg && l && pg->kind == LESSON_PAGE_QUESTION && ui->progress) {
        bool ok;
        const char *a = progress_answer(ui->progress, l->id, pi, &ok);
        if (a) {
            ui->revealed = true;
            ui->answer = atoi(a) - 1;
        }
    }
    save_progress(ui, false);
}

static void go_page(Ui *ui, int delta)
{
    const Lesson *l = cur_lesson(ui);
    if (!l) return;
    int pi = ui->pi + delta, li = ui->li;
    if (pi >= (int)l->npages) {
        if ((size_t)li + 1 >= ui->course->nlessons) {
            ui_message(ui, "This is the last page of the course.");
            return;
        }
        li++;
        pi = 0;
    } else if (pi < 0) {
        if (li == 0) {
            ui_message(ui, "This is the first page of the course.");
            return;
        }
        li--;
        pi = (int)ui->course->lessons[li]->npages - 1;
    }
    ui->msg[0] = 0;
    open_page(ui, li, pi);
}

/* --------------------------------------------------------------- create */

Ui *ui_new(const UiOptions *opt, char *err, size_t errlen)
{
    Ui *ui = calloc(1, sizeof *ui);
    if (!ui) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ui->opt = *opt;
    ui->ascii = opt->ascii;
    ui->speed = 1.0;
    ui->answer = -1;
    ui->out_follow = true;
    ui->progress_ok = true;

    const char *tname = opt->theme ? opt->theme : opt->present ? "contrast" : "default";
    const char *dirs[] = {datadir_find("themes"), NULL};
    if (!theme_load(&ui->theme, tname, dirs, err, (int)errlen)) {
        free(ui);
        return NULL;
    }
    if (opt->no_color) theme_strip_colour(&ui->theme);

    const char *dir = opt->lessons_dir ? opt->lessons_dir : lesson_default_dir();
    ui->course = lesson_course_load(dir);
    if (!ui->course || ui->course->nlessons == 0) {
        const LessonDiags *d = ui->course ? &ui->course->diags : NULL;
        if (d && d->count > 0)
            snprintf(err, errlen, "no lesson could be loaded from %s: %s:%d:%d: %s", dir,
                     d->items[0].file, d->items[0].line, d->items[0].col, d->items[0].message);
        else
            snprintf(err, errlen, "no lessons found in %s", dir);
        lesson_course_free(ui->course);
        free(ui);
        return NULL;
    }
    if (lesson_diags_errors(&ui->course->diags) > 0) {
        const LessonDiag *d = &ui->course->diags.items[0];
        for (size_t i = 0; i < ui->course->diags.count; i++)
            if (ui->course->diags.items[i].severity == LESSON_ERROR) {
                d = &ui->course->diags.items[i];
                break;
            }
        ui_message(ui, "%zu lesson problem(s); first: %s:%d: %s (run 'aiotutor validate')",
                   lesson_diags_errors(&ui->course->diags), d->file, d->line, d->message);
    }

    ui->progress = progress_new();
    if (opt->state_dir)
        snprintf(ui->state_dir, sizeof ui->state_dir, "%s", opt->state_dir);
    else if (!progress_default_dir(ui->state_dir, sizeof ui->state_dir))
        ui->state_dir[0] = 0;
    int li = 0, pi = 0;
    if (ui->progress && ui->state_dir[0]) {
        char msg[512];
        ProgressResult r = progress_load(ui->progress, ui->state_dir, msg, sizeof msg);
        if (r == PROGRESS_CORRUPT || r == PROGRESS_IO_ERROR) ui_message(ui, "%s", msg);
        /* A file that is there but unreadable is never saved over (progress.h);
         * keep the message that says so instead of a save error's. */
        if (r == PROGRESS_IO_ERROR) ui->progress_ok = false;
        int page;
        const char *cur = progress_current(ui->progress, &page);
        if (cur) {
            for (size_t i = 0; i < ui->course->nlessons; i++)
                if (strcmp(ui->course->lessons[i]->id, cur) == 0) {
                    li = (int)i;
                    if (page >= 0 && (size_t)page < ui->course->lessons[i]->npages) pi = page;
                }
        }
    }
    if (opt->lesson) {
        const Lesson *want = lesson_course_find(ui->course, opt->lesson);
        if (!want) {
            snprintf(err, errlen, "no lesson '%s' (try a number from 1 to %zu)", opt->lesson,
                     ui->course->nlessons);
            ui_free(ui);
            return NULL;
        }
        for (size_t i = 0; i < ui->course->nlessons; i++)
            if (ui->course->lessons[i] == want) li = (int)i;
        pi = 0;
    }
    open_page(ui, li, pi);
    return ui;
}

void ui_free(Ui *ui)
{
    if (!ui) return;
    stop_runs(ui);
    stop_check(ui);
    prose_free(ui->prose);
    ui_code_free(ui->code);
    free(ui->code_text);
    progress_free(ui->progress);
    lesson_course_free(ui->course);
    free(ui);
}

/* --------------------------------------------------------------- layout */

static LayoutWant want_of(const Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    LayoutWant w = {0};
    w.present = ui->opt.present;
    if (page_runs(pg)) {
        w.code = true;
        w.output = true;
        w.timeline = pg->kind != LESSON_PAGE_QUESTION || ui->run != NULL;
        w.internals = ui->internals && w.timeline;
        int lanes = 4;
        if (ui->run) lanes = tlmodel_lane_count(ui_run_timeline(ui->run));
        if (ui->cmp) lanes += tlmodel_lane_count(ui_run_timeline(ui->cmp)) + 1;
        w.lanes = lanes < 2 ? 2 : lanes;
    }
    return w;
}

static void relayout(Ui *ui)
{
    LayoutWant w = want_of(ui);
    int old_pw = ui->lay.prose.w;
    layout_compute(&ui->lay, ui->width, ui->height, &w);
    if (ui->lay.prose.w != old_pw) ui->prose_dirty = true;
}

void ui_resize(Ui *ui, int width, int height)
{
    ui->width = width;
    ui->height = height;
    ui->prose_dirty = true;
    relayout(ui);
}

/* ------------------------------------------------------------ prose pane */

typedef struct Buf {
    char *s;
    size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        size_t nc = (b->cap ? b->cap * 2 : 1024) + l;
        char *ns = realloc(b->s, nc);
        if (!ns) return;
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, l + 1);
    b->n += l;
}

static void buf_addf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_addf(Buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    buf_add(b, tmp);
}

static const char *kind_word(LessonPageKind k)
{
    return lesson_page_kind_names[k];
}

/* The Markdown the prose pane shows: the page's text plus what its kind
 * adds (the question and its choices, hints, the walkthrough's notes). */
static char *page_markdown(const Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    Buf b = {0};
    buf_add(&b, "");
    if (!pg) return b.s;
    if (pg->text) buf_add(&b, pg->text);
    switch (pg->kind) {
    case LESSON_PAGE_QUESTION: {
        const LessonQuestion *q = &pg->question;
        if (pg->text) buf_add(&b, "\n\n---\n\n");
        if (q->prompt) buf_addf(&b, "**%s**\n\n", q->prompt);
        for (size_t i = 0; i < q->nchoices; i++) {
            const char *mark = "";
            if (ui->revealed && (int)i == q->correct)
                mark = ui->ascii ? "  (right)" : "  \xe2\x9c\x93 right";
            else if (ui->revealed && (int)i == ui->answer)
                mark = ui->ascii ? "  (your answer)" : "  \xe2\x9c\x97 your answer";
            const char *ch = q->choices[i];
            if (strchr(ch, '\n')) {
                /* A predicted output: its lines as they would print. */
                buf_addf(&b, "%zu. *output*%s\n\n", i + 1, mark);
                buf_add(&b, "   ```\n");
                for (const char *l = ch; *l;) {
                    const char *e = strchr(l, '\n');
                    int len = e ? (int)(e - l) : (int)strlen(l);
                    buf_addf(&b, "   %.*s\n", len, l);
                    l = e ? e + 1 : l + len;
                }
                buf_add(&b, "   ```\n\n");
            } else {
                buf_addf(&b, "%zu. %s%s\n", i + 1, ch, mark);
            }
        }
        if (!ui->revealed) {
            if (q->nchoices)
                buf_addf(&b, "\n*Press 1-%zu to answer.*\n", q->nchoices);
            else
                buf_add(&b, "\n*Make your prediction, then press Enter to see the answer.*\n");
        } else {
            if (q->nchoices && ui->answer >= 0)
                buf_add(&b,
                        ui->answer == q->correct ? "\n**Correct!**\n\n" : "\n**Not quite.**\n\n");
            if (q->kind == LESSON_Q_OUTPUT && q->answer)
                buf_addf(&b, "\nThe program prints:\n\n```\n%s```\n\n", q->answer);
            if (q->kind == LESSON_Q_TIME && q->answer_ns >= 0)
                buf_addf(&b, "\nIt takes **%.2f s**.\n\n", q->answer_ns / 1e9);
            if (q->explanation) buf_add(&b, q->explanation);
            if (q->code.source) buf_add(&b, "\n\n*Press r to run it and watch the timeline.*");
        }
        break;
    }
    case LESSON_PAGE_EXERCISE: {
        const LessonExercise *e = &pg->exercise;
        buf_add(&b, "\n\n---\n\n");
        buf_addf(&b,
                 "Press **e** to edit your file (%s); it is checked when the editor "
                 "closes or the file is saved. **r** runs it.\n",
                 ui->exercise_path[0] ? ui->exercise_path : "no state directory");
        const CheckResult *cr = ui->checked;
        if (ui->checking) buf_add(&b, "\n*Checking your file...*\n");
        if (cr) {
            buf_addf(&b, "\n**%s: %d of %d points.** Your program %s%s%s\n\n",
                     cr->passed ? "All checks pass" : "Not yet", cr->score, cr->max_score,
                     check_end_descriptions[cr->end], cr->end_message ? ": " : ".",
                     cr->end_message ? cr->end_message : "");
            for (size_t i = 0; i < cr->nitems; i++) {
                const CheckItem *it = &cr->items[i];
                const char *mark = it->passed ? (ui->ascii ? "[ok]" : "\xe2\x9c\x93")
                                              : (ui->ascii ? "[X]" : "\xe2\x9c\x97");
                if (it->hidden) {
                    buf_addf(&b, "- %s a hidden check%s\n", mark, it->passed ? "" : " fails");
                    continue;
                }
                buf_addf(&b, "- %s %s", mark, it->name ? it->name : "check");
                if (!it->passed && it->message) buf_addf(&b, ": %s", it->message);
                if (!it->passed && it->expected && !strchr(it->expected, '\n'))
                    buf_addf(&b, " (wanted `%s`", it->expected);
                if (!it->passed && it->expected && !strchr(it->expected, '\n'))
                    buf_addf(&b, it->got && !strchr(it->got, '\n') ? ", got `%s`)" : ")%s",
                             it->got && !strchr(it->got, '\n') ? it->got : "");
                buf_add(&b, "\n");
            }
        }
        size_t nh = check_hint_count(e, cr);
        for (int i = 0; i < ui->hints && (size_t)i < nh; i++)
            buf_addf(&b, "\n**Hint %d:** %s\n", i + 1, check_hint(e, cr, (size_t)i));
        if ((size_t)ui->hints < nh)
            buf_addf(&b, "\n*%zu hint(s) available: press H.*\n", nh - (size_t)ui->hints);
        const Lesson *l = cur_lesson(ui);
        const char *res = ui->progress && l ? progress_exercise(ui->progress, l->id, ui->pi) : NULL;
        if (res && !cr) buf_addf(&b, "\nLast time: %s\n", res);
        break;
    }
    case LESSON_PAGE_WALKTHROUGH: {
        int step = ui->run ? ui_run_steps(ui->run) : 0;
        buf_add(&b, "\n\n---\n\n");
        if (step == 0) buf_add(&b, "*Press s to take the first step.*\n");
        for (size_t i = 0; i < pg->walk.nnotes; i++)
            if (pg->walk.notes[i].step <= step)
                buf_addf(&b, "\n**Step %d.** %s\n", pg->walk.notes[i].step, pg->walk.notes[i].text);
        break;
    }
    case LESSON_PAGE_DEMO:
        if (!ui->run) buf_add(&b, "\n\n*Press r to run it live, s to step through it.*");
        if (pg->demo.compare.source)
            buf_add(&b, " *Press c to compare it with the second program.*");
        break;
    default: break;
    }
    return b.s;
}

static void ensure_prose(Ui *ui)
{
    int w = ui->lay.prose.w - 4; /* border and a column of margin each side */
    if (w > 96) w = 96;          /* long lines are hard to read; the rest stays margin */
    if (!ui->prose_dirty && ui->prose && w == ui->prose_width) return;
    prose_free(ui->prose);
    char *md = page_markdown(ui);
    ui->prose = prose_render(md ? md : "", md ? strlen(md) : 0, w, ui->ascii);
    free(md);
    ui->prose_width = w;
    ui->prose_dirty = false;
}

static int inner_h(const LayoutRect *r)
{
    return r->h > 2 ? r->h - 2 : 0;
}

static void clamp_scroll(int *s, int total, int visible)
{
    int max = total - visible;
    if (max < 0) max = 0;
    if (*s > max) *s = max;
    if (*s < 0) *s = 0;
}

static void draw_scroll_marks(UiCanvas *c, const LayoutRect *r, int top, int total)
{
    int vis = inner_h(r);
    if (top > 0) ui_canvas_glyph(c, r->y, r->x + r->w - 2, ROLE_FOCUS, GLYPH_SCROLL_UP);
    if (top + vis < total)
        ui_canvas_glyph(c, r->y + r->h - 1, r->x + r->w - 2, ROLE_FOCUS, GLYPH_SCROLL_DOWN);
}

static void draw_prose(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.prose;
    const LessonPage *pg = cur_page(ui);
    char title[200];
    snprintf(title, sizeof title, "%s", pg ? kind_word(pg->kind) : "");
    ui_canvas_box(c, r, title, ui->focus == PANE_PROSE);
    ensure_prose(ui);
    int n = prose_line_count(ui->prose), vis = inner_h(r);
    clamp_scroll(&ui->scroll[PANE_PROSE], n, vis);
    int top = ui->scroll[PANE_PROSE];
    for (int i = 0; i < vis && top + i < n; i++) {
        int ns, x = r->x + 2;
        const ProseSpan *sp = prose_line(ui->prose, top + i, &ns);
        for (int k = 0; k < ns; k++)
            x += ui_canvas_putn(c, r->y + 1 + i, x, r->x + r->w - 2 - x, sp[k].role, sp[k].text,
                                sp[k].len);
    }
    draw_scroll_marks(c, r, top, n);
}

/* ------------------------------------------------------------- code pane */

static void draw_code(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.code;
    if (!r->h) return;
    char title[160];
    snprintf(title, sizeof title, "%s", ui->code_name ? ui->code_name : "code");
    ui_canvas_box(c, r, title, ui->focus == PANE_CODE);
    int n = ui_code_lines(ui->code), vis = inner_h(r);
    clamp_scroll(&ui->scroll[PANE_CODE], n, vis);
    int top = ui->scroll[PANE_CODE];
    int nw = n >= 100 ? 3 : 2;
    /* The line each task is paused at: from the timeline model. */
    const TlModel *tl = ui->run ? ui_run_timeline(ui->run) : NULL;
    int running = tl ? tlmodel_running_task(tl) : 0;
    for (int i = 0; i < vis && top + i < n; i++) {
        int y = r->y + 1 + i, ln = top + i + 1, len;
        const uint8_t *roles;
        const char *text = ui_code_line(ui->code, top + i, &len, &roles);
        char num[16];
        snprintf(num, sizeof num, "%*d", nw, ln);
        ui_canvas_put(c, y, r->x + 1, nw, ROLE_LINENO, num);
        /* Task markers: which tasks stopped on this line. */
        char who[64] = "";
        bool here_running = false;
        for (int lane = 1; tl && lane < tlmodel_lane_count(tl); lane++) {
            TlState st = tlmodel_lane_state(tl, lane);
            if (tlmodel_lane_line(tl, lane) != ln || st == TL_NONE || st >= TL_DONE) continue;
            if (tlmodel_lane_task(tl, lane) == running) here_running = true;
            const char *nm = tlmodel_lane_name(tl, lane);
            const char *dash = strrchr(nm, '-');
            size_t o = strlen(who);
            if (o < sizeof who - 8)
                snprintf(who + o, sizeof who - o, "%s%s", o ? "," : "", dash ? dash + 1 : nm);
        }
        int x = r->x + 1 + nw;
        if (who[0])
            ui_canvas_glyph(c, y, x, here_running ? ROLE_CURLINE : ROLE_TL_CURSOR, GLYPH_ARROW);
        x += 2;
        int maxx = r->x + r->w - 1;
        /* Byte by byte, keeping UTF-8 sequences whole. */
        for (int b = 0; b < len && x < maxx;) {
            uint32_t cp;
            int k = utext_decode(text + b, len - b, &cp);
            if (cp == '\t') {
                int tab = 4 - ((x - (r->x + 3 + nw)) % 4);
                x += tab;
            } else {
                x += ui_canvas_putn(c, y, x, maxx - x, (ThemeRole)roles[b], text + b, k);
            }
            b += k;
        }
        if (who[0]) {
            int wl = (int)strlen(who) + 2;
            if (maxx - wl > x) ui_canvas_put(c, y, maxx - wl, wl, ROLE_OUT_TASK, who);
        }
    }
    draw_scroll_marks(c, r, top, n);
}

/* ----------------------------------------------------------- output pane */

static int visible_lines(const UiRun *run)
{
    int n = ui_run_line_count(run);
    double now = ui_run_now(run) + 1e-9;
    while (n > 0 && ui_run_line(run, n - 1)->t > now)
        n--;
    return n;
}

static void draw_output(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.output;
    if (!r->h) return;
    UiRun *run = ui->run;
    char title[120];
    int status = run ? ui_run_exit_status(run) : -1;
    snprintf(title, sizeof title, "output%s", status > 0 ? " (the program failed)" : "");
    ui_canvas_box(c, r, title, ui->focus == PANE_OUTPUT);
    int vis = inner_h(r);
    if (!run) {
        ui_canvas_put(c, r->y + 1, r->x + 2, r->w - 4, ROLE_DIM, "Press r to run, s to step.");
        return;
    }
    /* Compare mode: the second program's lines follow a separator. A
     * line printed after a blocking call is only shown once the clock on
     * screen has reached its time. */
    int n1 = visible_lines(run);
    int n = n1 + (ui->cmp ? 1 + visible_lines(ui->cmp) : 0);
    if (ui->out_follow) ui->scroll[PANE_OUTPUT] = n - vis;
    clamp_scroll(&ui->scroll[PANE_OUTPUT], n, vis);
    int top = ui->scroll[PANE_OUTPUT];
    for (int i = 0; i < vis && top + i < n; i++) {
        int k = top + i, y = r->y + 1 + i, x = r->x + 1;
        if (k == n1) {
            for (int xx = r->x + 1; xx < r->x + r->w - 1; xx++)
                ui_canvas_glyph(c, y, xx, ROLE_BORDER, GLYPH_HLINE);
            ui_canvas_put(c, y, r->x + 2, r->w - 4, ROLE_PANE_TITLE, " compare ");
            continue;
        }
        const UiRunLine *ln = k < n1 ? ui_run_line(run, k) : ui_run_line(ui->cmp, k - n1 - 1);
        char ts[32];
        snprintf(ts, sizeof ts, "%7.3fs ", ln->t);
        x += ui_canvas_put(c, y, x, r->x + r->w - 1 - x, ROLE_OUT_TIME, ts);
        char task[40];
        snprintf(task, sizeof task, "%-7s ", ln->task);
        x += ui_canvas_put(c, y, x, r->x + r->w - 1 - x, ROLE_OUT_TASK, task);
        ui_canvas_put(c, y, x, r->x + r->w - 1 - x, ln->err ? ROLE_OUT_ERR : ROLE_OUT_TEXT,
                      ln->text);
    }
    draw_scroll_marks(c, r, top, n);
}

/* -------------------------------------------------------------- timeline */

static const struct {
    ThemeGlyph glyph;
    ThemeRole role;
    const char *word;
} state_look[TL_STATE_COUNT] = {
    [TL_NONE] = {GLYPH_COUNT, ROLE_NORMAL, ""},
    [TL_SLEEPING] = {GLYPH_SLEEPING, ROLE_TASK_SLEEPING, "waiting"},
    [TL_READY] = {GLYPH_READY, ROLE_TASK_READY, "ready"},
    [TL_RUNNING] = {GLYPH_RUNNING, ROLE_TASK_RUNNING, "running"},
    [TL_BLOCKED] = {GLYPH_BLOCKED, ROLE_TASK_BLOCKED, "blocked"},
    [TL_DONE] = {GLYPH_DONE, ROLE_TASK_DONE, "done"},
    [TL_CANCELLED] = {GLYPH_CANCELLED, ROLE_TASK_CANCELLED, "cancelled"},
    [TL_FAILED] = {GLYPH_FAILED, ROLE_TASK_FAILED, "failed"},
};

/* The lane labels' column: wide enough for the longest label ("Task-12
 * download") and the axis caption, at most a quarter of the pane. */
static int label_w(const Ui *ui)
{
    int w = 9;
    const UiRun *runs[2] = {ui->run, ui->cmp};
    for (int k = 0; k < 2; k++) {
        const TlModel *tl = runs[k] ? ui_run_timeline(runs[k]) : NULL;
        for (int lane = 0; tl && lane < tlmodel_lane_count(tl); lane++) {
            const char *label = tlmodel_lane_label(tl, lane);
            int n = ui_text_width(label, (int)strlen(label), ui->ascii) + 1;
            if (n > w) w = n;
        }
    }
    int max = ui->lay.timeline.w / 4;
    if (max > 24) max = 24;
    if (max < 9) max = 9;
    return w < max ? w : max;
}

/* Draws the lanes of one run from row y; returns rows used. */
static int draw_lanes(Ui *ui, UiCanvas *c, const UiRun *run, int y, int ymax, int x0, int ncells,
                      int rows_per_lane, int skip, int *hidden)
{
    const TlModel *tl = ui_run_timeline(run);
    double dt = tlview_cell_dt(&ui->tv), now = ui_run_now(run);
    int used = 0, lw = label_w(ui);
    int nl = tlmodel_lane_count(tl);
    *hidden = 0;
    for (int lane = 0; lane < nl; lane++) {
        /* A program that never starts an event loop has no loop lane. */
        if (lane == 0 && nl > 1 && !tlmodel_lane_used(tl, 0)) continue;
        if (lane > 0 && lane <= skip) {
            (*hidden)++;
            continue;
        }
        if (y + used >= ymax) {
            (*hidden)++;
            continue;
        }
        ui_canvas_put(c, y + used, x0 - lw, lw - 1, lane == 0 ? ROLE_DIM : ROLE_TL_LANE,
                      tlmodel_lane_label(tl, lane));
        /* A task that prints and ends in the same cell (its last line is a
         * print, very common) shows the print there and its end just after. */
        TlState carry = TL_NONE;
        for (int i = 0; i < ncells; i++) {
            /* Cell edges rounded to the nanosecond (the clock's unit), so
             * that 30 * 0.1 is 3.0 and an event at 3 s lands in one cell. */
            double a = round((ui->tv.t0 + i * dt) * 1e9) / 1e9;
            if (a > now + 1e-12 && carry == TL_NONE) break; /* the future is not drawn */
            int marks = 0, sw = 0;
            double b = round((ui->tv.t0 + (i + 1) * dt) * 1e9) / 1e9;
            TlState st = a > now + 1e-12 ? TL_NONE : tlmodel_cell(tl, lane, a, b, &marks, &sw);
            if (st == TL_NONE && carry != TL_NONE) {
                st = carry;
                marks = 0;
            }
            carry = TL_NONE;
            if (st >= TL_DONE && (marks & TL_MARK_PRINT) && lane > 0) {
                carry = st;
                st = TL_RUNNING; /* it ran to print */
            }
            if (st == TL_NONE) continue;
            ThemeRole role = state_look[st].role;
            ThemeGlyph g = state_look[st].glyph;
            /* While the loop is blocked nothing else can move: the whole
             * column turns to the blocked colour. */
            if (lane > 0 && (st == TL_SLEEPING || st == TL_READY) &&
                tlmodel_cell(tl, 0, a, b, NULL, NULL) == TL_BLOCKED)
                role = ROLE_TASK_BLOCKED;
            for (int k = 0; k < rows_per_lane && y + used + k < ymax; k++) {
                if (lane == 0 && st == TL_RUNNING && sw >= 2 && k == 0) {
                    char d[2] = {sw > 9 ? '+' : (char)('0' + sw), 0};
                    ui_canvas_put(c, y + used + k, x0 + i, 1, ROLE_TL_SWITCH, d);
                } else if ((marks & TL_MARK_PRINT) && k == 0) {
                    ui_canvas_glyph(c, y + used + k, x0 + i, ROLE_TL_PRINT, GLYPH_PRINT);
                } else {
                    ui_canvas_glyph(c, y + used + k, x0 + i, role, g);
                }
            }
        }
        used += rows_per_lane;
    }
    return used;
}

static void fmt_time(char *buf, size_t len, double t, double step)
{
    if (step >= 1 || fabs(t - floor(t + 0.5)) < 1e-9)
        snprintf(buf, len, "%gs", floor(t * 1000 + 0.5) / 1000);
    else if (step >= 0.1)
        snprintf(buf, len, "%.1fs", t);
    else
        snprintf(buf, len, "%.2fs", t);
}

static void draw_timeline(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.timeline;
    if (!r->h) return;
    UiRun *run = ui->run;
    char title[160];
    const char *st = "";
    if (run) {
        /* Compared runs: finished when both are. */
        UiRunState rs = ui_run_state(run);
        if (ui->cmp && rs == UI_RUN_FINISHED) rs = ui_run_state(ui->cmp);
        switch (rs) {
        case UI_RUN_LIVE: st = "running"; break;
        case UI_RUN_PAUSED: st = "paused"; break;
        case UI_RUN_FINISHED: st = "finished"; break;
        default: st = ""; break;
        }
    }
    if (run) {
        /* The time of the cursor: the later of the two runs compared. */
        double tnow = ui_run_now(run);
        if (ui->cmp && ui_run_now(ui->cmp) > tnow) tnow = ui_run_now(ui->cmp);
        snprintf(title, sizeof title, "timeline  %s  t=%.3fs  %gx  step %d", st, tnow, ui->speed,
                 ui_run_steps(run));
    }
    else
        snprintf(title, sizeof title, "timeline");
    ui_canvas_box(c, r, title, ui->focus == PANE_TIMELINE);
    int lw = label_w(ui), x0 = r->x + 1 + lw, ncells = r->x + r->w - 1 - x0;
    int y = r->y + 1, ymax = r->y + r->h - 3;
    if (ncells < 4) return;
    if (!run) {
        ui_canvas_put(c, y, r->x + 2, r->w - 4, ROLE_DIM,
                      "One lane per task appears here when the program runs (r).");
        return;
    }
    double now = ui_run_now(run);
    if (ui->tv.follow) {
        double end = now;
        if (ui->cmp && ui_run_now(ui->cmp) > end) end = ui_run_now(ui->cmp);
        /* Zoom out as the run grows so the whole run stays in view. */
        double dt = tlview_cell_dt(&ui->tv);
        if (end > dt * (ncells - 1)) {
            tlview_fit(&ui->tv, end, ncells);
        } else if (ui->tv.t0 > 0) {
            ui->tv.t0 = 0;
        }
    }
    int rows = ui->opt.present ? 2 : 1;
    int hidden = 0, hidden2 = 0;
    int used =
        draw_lanes(ui, c, run, y, ymax, x0, ncells, rows, ui->scroll[PANE_TIMELINE], &hidden);
    if (ui->cmp && y + used < ymax) {
        for (int x = r->x + 1; x < r->x + r->w - 1; x++)
            ui_canvas_glyph(c, y + used, x, ROLE_BORDER, GLYPH_HLINE);
        ui_canvas_put(c, y + used, r->x + 2, r->w - 4, ROLE_PANE_TITLE, " compare ");
        used++;
        used += draw_lanes(ui, c, ui->cmp, y + used, ymax, x0, ncells, rows, 0, &hidden2);
    }
    /* The axis: ticks with labels every few columns, the cursor at now. */
    double dt = tlview_cell_dt(&ui->tv);
    int ay = r->y + r->h - 3;
    int every = 10;
    for (int i = 0; i < ncells; i++)
        ui_canvas_glyph(c, ay, x0 + i, ROLE_TL_AXIS, (i % every) == 0 ? GLYPH_TICK : GLYPH_HLINE);
    for (int i = 0; i < ncells; i += every) {
        char lb[24];
        fmt_time(lb, sizeof lb, ui->tv.t0 + i * dt, dt * every);
        /* A label that would run into the right border is left out. */
        if ((int)strlen(lb) > r->x + r->w - 1 - (x0 + i)) break;
        ui_canvas_put(c, ay + 1, x0 + i, every - 1, ROLE_TL_AXIS, lb);
    }
    if (ui->cmp && ui_run_now(ui->cmp) > now) now = ui_run_now(ui->cmp);
    int cx = (int)floor((now - ui->tv.t0) / dt + 1e-9);
    if (cx >= 0 && cx < ncells) ui_canvas_glyph(c, ay, x0 + cx, ROLE_TL_CURSOR, GLYPH_SCROLL_UP);
    char per[40];
    snprintf(per, sizeof per, "%gs", dt);
    ui_canvas_put(c, ay, r->x + 1, lw - 1, ROLE_DIM, "1 col =");
    ui_canvas_put(c, ay + 1, r->x + 1, lw - 1, ROLE_DIM, per);
    /* Lanes that do not fit (or are scrolled past) are counted in the top
     * border: j/k with the timeline focused brings them in. */
    if (hidden + hidden2 > 0) {
        char more[48];
        snprintf(more, sizeof more, " %d more lane%s: Tab, j/k ", hidden + hidden2,
                 hidden + hidden2 > 1 ? "s" : "");
        int mw = (int)strlen(more);
        ui_canvas_put(c, r->y, r->x + r->w - 2 - mw, mw, ROLE_FOCUS, more);
    }
    /* The legend, in the bottom border. */
    int lx = r->x + 2, ly = r->y + r->h - 1;
    for (int s = TL_RUNNING; s >= TL_SLEEPING && lx < r->x + r->w - 12; s--) {
        ui_canvas_putc(c, ly, lx++, ROLE_BORDER, ' ');
        ui_canvas_glyph(c, ly, lx++, state_look[s].role, state_look[s].glyph);
        lx += ui_canvas_put(c, ly, lx, r->x + r->w - 3 - lx, ROLE_DIM, state_look[s].word);
    }
    static const TlState ends[] = {TL_BLOCKED, TL_DONE, TL_CANCELLED, TL_FAILED};
    for (size_t k = 0; k < sizeof ends / sizeof ends[0] && lx < r->x + r->w - 12; k++) {
        ui_canvas_putc(c, ly, lx++, ROLE_BORDER, ' ');
        ui_canvas_glyph(c, ly, lx++, state_look[ends[k]].role, state_look[ends[k]].glyph);
        lx += ui_canvas_put(c, ly, lx, r->x + r->w - 3 - lx, ROLE_DIM, state_look[ends[k]].word);
    }
    if (lx < r->x + r->w - 10) {
        ui_canvas_putc(c, ly, lx++, ROLE_BORDER, ' ');
        ui_canvas_glyph(c, ly, lx++, ROLE_TL_PRINT, GLYPH_PRINT);
        lx += ui_canvas_put(c, ly, lx, r->x + r->w - 3 - lx, ROLE_DIM, "print ");
    }
}

/* ------------------------------------------------------------- internals */

static void draw_internals(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.internals;
    if (!r->h) return;
    ui_canvas_box(c, r, "loop internals", false);
    int y = r->y + 1, x = r->x + 2, w = r->w - 4, ymax = r->y + r->h - 1;
    if (!ui->run) {
        ui_canvas_put(c, y, x, w, ROLE_DIM, "not running");
        return;
    }
    const TlModel *tl = ui_run_timeline(ui->run);
    char line[700];
    int running = tlmodel_running_task(tl);
    int lane = running ? tlmodel_lane_of_task(tl, running) : -1;
    snprintf(line, sizeof line, "step %d at %.3fs", ui_run_steps(ui->run), ui_run_now(ui->run));
    ui_canvas_put(c, y++, x, w, ROLE_NORMAL, line);
    if (!tlmodel_lane_used(tl, 0)) {
        /* A program without asyncio.run: there is no loop to show, only
         * the main program, running or blocked. */
        if (y < ymax) ui_canvas_put(c, y++, x, w, ROLE_DIM, "no event loop");
        int ml = tlmodel_lane_of_task(tl, 0);
        double now = ui_run_now(ui->run);
        TlState st = ml > 0 ? tlmodel_cell(tl, ml, now > 1e-6 ? now - 1e-6 : 0, now, NULL, NULL)
                            : TL_NONE;
        if (ui_run_state(ui->run) == UI_RUN_FINISHED) st = TL_DONE;
        if (ml > 0 && y < ymax)
            ui_canvas_put(c, y++, x, w, st == TL_BLOCKED ? ROLE_TASK_BLOCKED : ROLE_TASK_RUNNING,
                          st == TL_BLOCKED ? "main: blocked in sleep"
                          : st >= TL_DONE  ? "main: finished"
                                           : "main: running");
        return;
    }
    if (lane < 0) {
        /* Between steps: the task whose step just ended. */
        int last = tlmodel_last_task(tl);
        int ll = last ? tlmodel_lane_of_task(tl, last) : -1;
        snprintf(line, sizeof line, "last ran: %s", ll >= 0 ? tlmodel_lane_name(tl, ll) : "-");
    } else {
        snprintf(line, sizeof line, "running: %s", tlmodel_lane_name(tl, lane));
    }
    if (y < ymax) ui_canvas_put(c, y++, x, w, ROLE_TASK_RUNNING, line);
    char names[16][32];
    int nr = ui_run_ready_queue(ui->run, names, 16);
    if (y < ymax) ui_canvas_put(c, y++, x, w, ROLE_PANE_TITLE, "ready queue:");
    if (nr == 0 && y < ymax) ui_canvas_put(c, y++, x + 2, w - 2, ROLE_DIM, "(empty)");
    for (int i = 0; i < nr && y < ymax; i++) {
        /* The arrow: the task the loop resumes next (the queue is FIFO). */
        if (i == 0) ui_canvas_glyph(c, y, x, ROLE_TASK_READY, GLYPH_ARROW);
        ui_canvas_put(c, y++, x + 2, w - 2, ROLE_TASK_READY, names[i]);
    }
    UiRunTimer timers[16];
    int nt = ui_run_timers(ui->run, timers, 16);
    if (y < ymax) ui_canvas_put(c, y++, x, w, ROLE_PANE_TITLE, "timers:");
    if (nt == 0 && y < ymax) ui_canvas_put(c, y++, x + 2, w - 2, ROLE_DIM, "(none)");
    for (int i = 0; i < nt && y < ymax; i++) {
        snprintf(line, sizeof line, "%-8s at %.3fs", timers[i].task, timers[i].deadline);
        ui_canvas_put(c, y++, x + 2, w - 2, ROLE_TASK_SLEEPING, line);
    }
    /* Tasks waiting on something other than a timer. */
    bool head = false;
    for (int l = 1; l < tlmodel_lane_count(tl) && y < ymax; l++) {
        const char *aw = tlmodel_lane_awaits(tl, l);
        if (tlmodel_lane_state(tl, l) != TL_SLEEPING || !aw[0] || tlmodel_lane_until(tl, l) >= 0)
            continue;
        if (!head) {
            ui_canvas_put(c, y++, x, w, ROLE_PANE_TITLE, "awaiting:");
            head = true;
            if (y >= ymax) break;
        }
        snprintf(line, sizeof line, "%-8s on %s", tlmodel_lane_name(tl, l), aw);
        ui_canvas_put(c, y++, x + 2, w - 2, ROLE_TASK_SLEEPING, line);
    }
}

/* ------------------------------------------------------ bars and overlays */

static void draw_title(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.title;
    ui_canvas_fill(c, r, ROLE_TITLE, ' ');
    const Lesson *l = cur_lesson(ui);
    const LessonPage *pg = cur_page(ui);
    char t[512];
    if (l)
        snprintf(t, sizeof t, " aiotutor  Lesson %d/%zu: %s  %s  page %d/%zu%s%s", ui->li + 1,
                 ui->course->nlessons, l->title, ui->ascii ? "-" : "\xc2\xb7", ui->pi + 1, l->npages,
                 pg && pg->title && pg->title[0] ? ": " : "", pg && pg->title ? pg->title : "");
    else
        snprintf(t, sizeof t, " aiotutor");
    ui_canvas_put(c, r->y, r->x, r->w, ROLE_TITLE, t);
}

static void draw_status(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.status;
    if (ui->msg[0]) {
        ui_canvas_put(c, r->y, r->x + 1, r->w - 2, ROLE_STATUS, ui->msg);
        return;
    }
    const LessonPage *pg = cur_page(ui);
    char t[256] = "";
    if (page_runs(pg) && !ui->run)
        snprintf(t, sizeof t, "r runs the program live at %gx, s steps through it", ui->speed);
    else if (ui->run && ui_run_state(ui->run) == UI_RUN_LIVE)
        snprintf(t, sizeof t, "running at %gx: Space pauses, [ ] change the speed", ui->speed);
    else if (ui->run && ui_run_state(ui->run) == UI_RUN_PAUSED)
        snprintf(t, sizeof t, "paused at step %d: s steps, b steps back, Space resumes",
                 ui_run_steps(ui->run));
    else if (ui->run && ui_run_state(ui->run) == UI_RUN_FINISHED) {
        /* Program time (what time.perf_counter says), whatever the speed. */
        int n = snprintf(t, sizeof t, "finished: the program took %.3fs", ui_run_now(ui->run));
        if (ui->cmp && n > 0 && (size_t)n < sizeof t)
            n += snprintf(t + n, sizeof t - (size_t)n, ", the second one %.3fs",
                          ui_run_now(ui->cmp));
        if (ui_run_steps(ui->run) > 0 && n > 0 && (size_t)n < sizeof t)
            n += snprintf(t + n, sizeof t - (size_t)n, " in %d task steps", ui_run_steps(ui->run));
        if (n > 0 && (size_t)n < sizeof t)
            snprintf(t + n, sizeof t - (size_t)n, "; r runs it again");
    }
    ui_canvas_put(c, r->y, r->x + 1, r->w - 2, ROLE_DIM, t);
}

/* Whether an action belongs in the key bar on this page: the bar shows
 * what can be done here, the help screen shows everything. */
static bool bar_relevant(const Ui *ui, UiAction a)
{
    const LessonPage *pg = cur_page(ui);
    switch (a) {
    case ACT_RUN:
    case ACT_STEP:
    case ACT_BACK:
    case ACT_PAUSE: return page_runs(pg) && (pg->kind != LESSON_PAGE_QUESTION || ui->revealed);
    case ACT_INTERNALS: return page_runs(pg) && pg->kind == LESSON_PAGE_WALKTHROUGH;
    case ACT_ANSWER:
        return pg && pg->kind == LESSON_PAGE_QUESTION && !ui->revealed && pg->question.nchoices;
    case ACT_EDIT: return pg && pg->kind == LESSON_PAGE_EXERCISE;
    case ACT_HINT:
        return pg && pg->kind == LESSON_PAGE_EXERCISE &&
               (size_t)ui->hints < check_hint_count(&pg->exercise, ui->checked);
    case ACT_COMPARE: return pg && pg->kind == LESSON_PAGE_DEMO && pg->demo.compare.source;
    default: return true;
    }
}

static int bar_entry(UiCanvas *c, const LayoutRect *r, int x, UiAction a, bool draw)
{
    char key[16];
    /* The first key of the list: the letter. */
    snprintf(key, sizeof key, "%s", actions[a].keys);
    char *sp = strchr(key, ' ');
    if (sp) *sp = 0;
    if (strcmp(key, "Space") == 0) snprintf(key, sizeof key, "Spc");
    int need = (int)strlen(key) + (int)strlen(actions[a].bar) + 3;
    if (!draw) return need;
    ui_canvas_putc(c, r->y, x++, ROLE_KEYBAR_KEY, ' ');
    x += ui_canvas_put(c, r->y, x, r->w - x, ROLE_KEYBAR_KEY, key);
    ui_canvas_putc(c, r->y, x++, ROLE_KEYBAR_KEY, ' ');
    ui_canvas_put(c, r->y, x, r->w - x, ROLE_KEYBAR, actions[a].bar);
    return need;
}

static void draw_keybar(Ui *ui, UiCanvas *c)
{
    const LayoutRect *r = &ui->lay.keybar;
    ui_canvas_fill(c, r, ROLE_KEYBAR, ' ');
    int x = r->x;
    ui->nbar = 0;
    /* Quit always fits: its room is kept at the end. */
    int quit_w = bar_entry(c, r, 0, ACT_QUIT, false);
    for (int a = 1; a < ACT_COUNT; a++) {
        if (!actions[a].bar || a == ACT_QUIT || !bar_relevant(ui, (UiAction)a)) continue;
        int need = bar_entry(c, r, x, (UiAction)a, false);
        if (x + need + quit_w > r->x + r->w) continue;
        bar_entry(c, r, x, (UiAction)a, true);
        if (ui->nbar < (int)(sizeof ui->bar / sizeof ui->bar[0]))
            ui->bar[ui->nbar++] = (BarHit){x, x + need, (UiAction)a};
        x += need;
    }
    bar_entry(c, r, x, ACT_QUIT, true);
    if (ui->nbar < (int)(sizeof ui->bar / sizeof ui->bar[0]))
        ui->bar[ui->nbar++] = (BarHit){x, x + quit_w, ACT_QUIT};
}

static LayoutRect centered(const Ui *ui, int w, int h)
{
    if (w > ui->width - 4) w = ui->width - 4;
    if (h > ui->height - 4) h = ui->height - 4;
    return (LayoutRect){(ui->height - h) / 2, (ui->width - w) / 2, h, w};
}

static void draw_help(Ui *ui, UiCanvas *c)
{
    LayoutRect r = centered(ui, 90, ACT_COUNT - 3);
    ui_canvas_fill(c, &r, ROLE_NORMAL, ' ');
    ui_canvas_box(c, &r, "Help: every key (j/k scroll, Esc closes)", true);
    int y = r.y + 1, vis = r.h - 2;
    int nrows = 0;
    for (int a = 1; a < ACT_COUNT; a++)
        nrows += actions[a].keys != NULL;
    int total = nrows + 4;
    clamp_scroll(&ui->help_top, total, vis);
    draw_scroll_marks(c, &r, ui->help_top, total);
    int row = 0;
    for (int a = 1; a < ACT_COUNT; a++) {
        if (!actions[a].keys) continue;
        row++;
        if (row - 1 < ui->help_top || row - 1 - ui->help_top >= vis) continue;
        int yy = y + row - 1 - ui->help_top;
        ui_canvas_put(c, yy, r.x + 2, 15, ROLE_KEYBAR_KEY, actions[a].keys);
        ui_canvas_put(c, yy, r.x + 18, r.w - 20, ROLE_NORMAL, actions[a].desc);
    }
    const char *extra[] = {
        "",
        "Timeline: one lane per task and one for the event loop; time runs left to right.",
        "A digit on the loop lane counts the task switches in that column.",
        "Mouse: click a pane to focus it, a lesson to open it, the wheel scrolls.",
    };
    for (int k = 0; k < 4; k++, row++) {
        if (row < ui->help_top || row - ui->help_top >= vis) continue;
        ui_canvas_put(c, y + row - ui->help_top, r.x + 2, r.w - 4, ROLE_DIM, extra[k]);
    }
}

/* The contents' rows: every lesson, and under the selected lesson its
 * pages, so that any page is two keys away (Right, then Up/Down). */
static int toc_npages(const Ui *ui)
{
    return (int)ui->course->lessons[ui->toc_sel]->npages;
}

static int toc_nrows(const Ui *ui)
{
    return (int)ui->course->nlessons + toc_npages(ui);
}

static void toc_row_at(const Ui *ui, int row, int *lesson, int *page)
{
    int sel = ui->toc_sel, np = toc_npages(ui);
    if (row <= sel) {
        *lesson = row;
        *page = -1;
    } else if (row <= sel + np) {
        *lesson = sel;
        *page = row - sel - 1;
    } else {
        *lesson = row - np;
        *page = -1;
    }
}

static LayoutRect toc_rect(const Ui *ui)
{
    return centered(ui, 76, toc_nrows(ui) + 6);
}

static void draw_toc(Ui *ui, UiCanvas *c)
{
    LayoutRect r = toc_rect(ui);
    ui_canvas_fill(c, &r, ROLE_NORMAL, ' ');
    ui_canvas_box(c, &r, "Contents (Enter opens, Right shows pages, Esc closes)", true);
    int vis = r.h - 4, n = toc_nrows(ui);
    int cur = ui->toc_page < 0 ? ui->toc_sel : ui->toc_sel + 1 + ui->toc_page;
    if (cur < ui->toc_top) ui->toc_top = cur;
    if (cur >= ui->toc_top + vis) ui->toc_top = cur - vis + 1;
    for (int i = 0; i < vis && ui->toc_top + i < n; i++) {
        int row = ui->toc_top + i, y = r.y + 1 + i, k, pg;
        toc_row_at(ui, row, &k, &pg);
        const Lesson *l = ui->course->lessons[k];
        ThemeRole role = row == cur ? ROLE_SELECTED : ROLE_NORMAL;
        if (row == cur)
            ui_canvas_fill(c, &(LayoutRect){y, r.x + 1, 1, r.w - 2}, ROLE_SELECTED, ' ');
        char t[300];
        if (pg >= 0) {
            /* A page: reached already, or not yet. */
            bool reached = ui->progress &&
                           progress_status(ui->progress, l->id) != PROGRESS_NOT_STARTED &&
                           (progress_status(ui->progress, l->id) == PROGRESS_DONE ||
                            pg <= progress_page(ui->progress, l->id));
            ui_canvas_glyph(c, y, r.x + 6, role, reached ? GLYPH_MARK_DONE : GLYPH_MARK_NONE);
            const LessonPage *p = &l->pages[pg];
            snprintf(t, sizeof t, "%d. %s (%s)%s", pg + 1, p->title,
                     lesson_page_kind_names[p->kind],
                     k == ui->li && pg == ui->pi ? "  (you are here)" : "");
            ui_canvas_put(c, y, r.x + 8, r.w - 10, role, t);
            continue;
        }
        ProgressStatus st =
            ui->progress ? progress_status(ui->progress, l->id) : PROGRESS_NOT_STARTED;
        ThemeGlyph g = st == PROGRESS_DONE          ? GLYPH_MARK_DONE
                       : st == PROGRESS_IN_PROGRESS ? GLYPH_MARK_HALF
                                                    : GLYPH_MARK_NONE;
        ui_canvas_glyph(c, y, r.x + 2, st == PROGRESS_DONE ? ROLE_CORRECT : role, g);
        snprintf(t, sizeof t, "%2d. %s%s", k + 1, l->title,
                 k == ui->li && (k != ui->toc_sel) ? "  (you are here)" : "");
        ui_canvas_put(c, y, r.x + 4, r.w - 6, role, t);
    }
    const char *st_words =
        ui->ascii ? "+ done  ~ started"
                  : "\xe2\x9c\x93 done  \xe2\x97\x90 started  \xe2\x97\x8b not started";
    if (ui->course->nlessons > 0) {
        const Lesson *l = ui->course->lessons[ui->toc_sel];
        ui_canvas_put(c, r.y + r.h - 3, r.x + 2, r.w - 4, ROLE_DIM, l->summary ? l->summary : "");
    }
    ui_canvas_put(c, r.y + r.h - 2, r.x + 2, r.w - 4, ROLE_DIM, st_words);
}

/* Breaks ASCII text at spaces into lines of at most w columns (a word
 * longer than w is cut); returns how many lines it takes, writing at most
 * max of them into out. */
static int wrap_ascii(const char *text, int w, char out[][128], int max)
{
    int n = 0;
    if (w > 127) w = 127;
    if (w < 1) return 0;
    while (*text) {
        while (*text == ' ')
            text++;
        if (!*text) break;
        int len = (int)strlen(text), take = len <= w ? len : w;
        if (take < len) { /* end at the last space that fits, if any */
            int sp = take;
            while (sp > 0 && text[sp] != ' ')
                sp--;
            if (sp > 0) take = sp;
        }
        if (n < max) snprintf(out[n], 128, "%.*s", take, text);
        n++;
        text += take;
    }
    return n;
}

static void draw_too_small(Ui *ui, UiCanvas *c)
{
    char a[160], b[64];
    snprintf(a, sizeof a, "aiotutor needs a window of at least %dx%d. This one is %dx%d: please enlarge it.",
             LAYOUT_MIN_W, LAYOUT_MIN_H, ui->width, ui->height);
    snprintf(b, sizeof b, "Need %dx%d, have %dx%d.", LAYOUT_MIN_W, LAYOUT_MIN_H, ui->width,
             ui->height);
    const char *kept = "Everything is kept; the lesson comes back at full size.";
    /* Wrapped, not cut, down to a few columns: the sizes must stay legible
     * in any window (the key bar takes the last line). */
    int room = ui->height - 1, w = ui->width > 12 ? ui->width - 2 : ui->width;
    char lines[24][128];
    int n = wrap_ascii(a, w, lines, 24);
    if (n > room) n = wrap_ascii(b, w, lines, 24);
    int nwarn = n;
    if (n + 1 + wrap_ascii(kept, w, NULL, 0) <= room && n + 1 < 24) {
        lines[n++][0] = 0;
        n += wrap_ascii(kept, w, lines + n, 24 - n);
    }
    if (n > room) n = room > 0 ? room : 0;
    int y0 = (room - n) / 2;
    for (int i = 0; i < n && i < 24; i++) {
        int len = (int)strlen(lines[i]);
        int x = (ui->width - len) / 2;
        if (x < 0) x = 0;
        ui_canvas_put(c, y0 + i, x, ui->width - x, i < nwarn ? ROLE_WARNING : ROLE_DIM, lines[i]);
    }
    /* The key bar stays, reduced to the one key that works here. */
    if (ui->height > 0) {
        LayoutRect bar = {ui->height - 1, 0, 1, ui->width};
        ui_canvas_fill(c, &bar, ROLE_KEYBAR, ' ');
        ui_canvas_put(c, bar.y, 0, ui->width, ROLE_KEYBAR_KEY, " q ");
        ui_canvas_put(c, bar.y, 3, ui->width - 3, ROLE_KEYBAR, "Quit");
    }
}

void ui_draw(Ui *ui, UiCanvas *c)
{
    ui->ascii = c->ascii;
    ui_canvas_clear(c);
    relayout(ui);
    if (ui->lay.too_small) {
        draw_too_small(ui, c);
        return;
    }
    draw_title(ui, c);
    draw_prose(ui, c);
    draw_code(ui, c);
    draw_output(ui, c);
    draw_timeline(ui, c);
    draw_internals(ui, c);
    draw_status(ui, c);
    draw_keybar(ui, c);
    if (ui->overlay == OVERLAY_HELP)
        draw_help(ui, c);
    else if (ui->overlay == OVERLAY_TOC)
        draw_toc(ui, c);
}

/* ---------------------------------------------------------------- running */

static const LessonCode *compare_program(const LessonPage *pg)
{
    return pg && pg->kind == LESSON_PAGE_DEMO && pg->demo.compare.source ? &pg->demo.compare : NULL;
}

static UiRun *new_run_for(Ui *ui, const LessonCode *code, bool student)
{
    UiRun *r;
    if (student && ui->code_text) {
        /* Tracebacks name the student's own file. */
        const char *base = strrchr(ui->exercise_path, '/');
        r = ui_run_new(ui->code_text, strlen(ui->code_text), base ? base + 1 : "exercise.py");
    } else {
        r = ui_run_new(code->source, strlen(code->source), code->file ? code->file : "prog.py");
    }
    /* Downloads in a lesson's programs take the latencies the lesson states. */
    if (r) ui_run_set_net(r, netcfg_lesson_reply, (void *)cur_lesson(ui));
    return r;
}

static bool ensure_run(Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    const LessonCode *code = page_program(pg);
    if (!code) {
        ui_message(ui, "This page has no program to run.");
        return false;
    }
    if (!ui->run) {
        ui->run = new_run_for(ui, code, pg->kind == LESSON_PAGE_EXERCISE);
        if (!ui->run) {
            ui_message(ui, "Out of memory.");
            return false;
        }
    }
    const LessonCode *cmp = ui->compare ? compare_program(pg) : NULL;
    if (cmp && !ui->cmp) ui->cmp = new_run_for(ui, cmp, false);
    if (!cmp && ui->cmp) {
        ui_run_free(ui->cmp);
        ui->cmp = NULL;
    }
    return true;
}

/* The zoom a run starts with: the page's stated run time fits the pane
 * (else 0.1 s a column); following the run widens it if needed. */
static void initial_view(Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    double expect = 0;
    if (pg && pg->kind == LESSON_PAGE_DEMO) {
        expect = pg->demo.time_ns > 0 ? pg->demo.time_ns / 1e9 : 0;
        if (ui->compare && pg->demo.compare_time_ns / 1e9 > expect)
            expect = pg->demo.compare_time_ns / 1e9;
    } else if (pg && pg->kind == LESSON_PAGE_QUESTION && pg->question.answer_ns > 0) {
        expect = pg->question.answer_ns / 1e9;
    }
    int ncells = ui->lay.timeline.w > 0 ? ui->lay.timeline.w - 2 - label_w(ui) : 60;
    ui->tv = (TlView){0, 6, true};
    if (expect > 0) tlview_fit(&ui->tv, expect, ncells);
}

static void start_run(Ui *ui, double now)
{
    const LessonPage *pg = cur_page(ui);
    if (pg && pg->kind == LESSON_PAGE_QUESTION && !ui->revealed) {
        /* Predict first: running the program would give the answer away. */
        ui_message(ui, "Answer first (%s), then run it to check.",
                   pg->question.nchoices ? "a number key" : "Enter reveals the answer");
        return;
    }
    if (!ensure_run(ui)) return;
    ui->out_follow = true;
    initial_view(ui);
    ui_run_start(ui->run, now, ui->speed);
    if (ui->cmp) ui_run_start(ui->cmp, now, ui->speed);
    ui->prose_dirty = true;
    ui->msg[0] = 0;
}

static void finish_check(Ui *ui);

int ui_tick(Ui *ui, double now)
{
    int wait = -1;
    UiRun *runs[2] = {ui->run, ui->cmp};
    for (int k = 0; k < 2; k++) {
        if (!runs[k]) continue;
        int ms = ui_run_tick(runs[k], now);
        if (ms >= 0 && (wait < 0 || ms < wait)) wait = ms;
    }
    if (ui->checking && check_child_pump(ui->checking)) finish_check(ui);
    /* The checker's wall-clock limit is enforced by pumping it: come back
     * now and then while it runs. */
    if (ui->checking && (wait < 0 || wait > 200)) wait = 200;
    return wait;
}

/* ------------------------------------------------------------------ input */

static void toggle_pause(Ui *ui, double now)
{
    if (!ui->run) {
        if (page_runs(cur_page(ui))) start_run(ui, now);
        return;
    }
    UiRun *runs[2] = {ui->run, ui->cmp};
    bool live = ui_run_state(ui->run) == UI_RUN_LIVE;
    for (int k = 0; k < 2; k++) {
        if (!runs[k]) continue;
        if (live)
            ui_run_pause(runs[k], now);
        else if (ui_run_state(runs[k]) == UI_RUN_PAUSED)
            ui_run_resume(runs[k], now);
    }
    if (ui_run_state(ui->run) == UI_RUN_FINISHED)
        ui_message(ui, "The program has finished: r runs it again.");
}

static void set_speed(Ui *ui, double now, int dir)
{
    static const double speeds[] = {0.25, 0.5, 1, 2, 4, 8};
    int k = 2;
    for (int i = 0; i < 6; i++)
        if (fabs(speeds[i] - ui->speed) < 1e-9) k = i;
    k += dir;
    if (k < 0) k = 0;
    if (k > 5) k = 5;
    ui->speed = speeds[k];
    if (ui->run) ui_run_set_speed(ui->run, now, ui->speed);
    if (ui->cmp) ui_run_set_speed(ui->cmp, now, ui->speed);
    ui_message(ui, "speed %gx", ui->speed);
}

static int pane_total(Ui *ui, Pane p)
{
    switch (p) {
    case PANE_PROSE: return prose_line_count(ui->prose);
    case PANE_CODE: return ui_code_lines(ui->code);
    case PANE_OUTPUT:
        return ui->run ? visible_lines(ui->run) + (ui->cmp ? 1 + visible_lines(ui->cmp) : 0) : 0;
    default: return 0;
    }
}

static const LayoutRect *pane_rect(const Ui *ui, Pane p)
{
    switch (p) {
    case PANE_PROSE: return &ui->lay.prose;
    case PANE_CODE: return &ui->lay.code;
    case PANE_OUTPUT: return &ui->lay.output;
    default: return &ui->lay.timeline;
    }
}

static void scroll_time(Ui *ui, int delta)
{
    double dt = tlview_cell_dt(&ui->tv);
    ui->tv.follow = false;
    ui->tv.t0 += delta * dt * 5;
    if (ui->tv.t0 < 0) ui->tv.t0 = 0;
}

static void scroll_pane(Ui *ui, Pane p, int delta)
{
    if (p == PANE_TIMELINE) {
        /* Up and down move through the task lanes (the loop's stays). */
        int n = ui->run ? tlmodel_lane_count(ui_run_timeline(ui->run)) - 1 : 0;
        ui->scroll[p] += delta;
        if (ui->scroll[p] > n - 1) ui->scroll[p] = n - 1;
        if (ui->scroll[p] < 0) ui->scroll[p] = 0;
        return;
    }
    ui->scroll[p] += delta;
    int vis = inner_h(pane_rect(ui, p));
    clamp_scroll(&ui->scroll[p], pane_total(ui, p), vis);
    if (p == PANE_OUTPUT) ui->out_follow = ui->scroll[p] >= pane_total(ui, p) - vis;
}

static void answer(Ui *ui, int choice)
{
    const LessonPage *pg = cur_page(ui);
    const Lesson *l = cur_lesson(ui);
    if (!pg || pg->kind != LESSON_PAGE_QUESTION) return;
    const LessonQuestion *q = &pg->question;
    if (choice >= (int)q->nchoices) return;
    ui->answer = choice;
    ui->revealed = true;
    ui->prose_dirty = true;
    bool ok = q->nchoices == 0 || choice == q->correct;
    if (l && ui->progress) {
        char a[16];
        snprintf(a, sizeof a, "%d", choice + 1);
        progress_set_answer(ui->progress, l->id, ui->pi, q->nchoices ? a : "revealed", ok);
        save_progress(ui, true);
    }
    if (q->nchoices)
        ui_message(ui, ok ? "Correct!" : "Not quite: the right answer is %d.", q->correct + 1);
}

static void do_edit(Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    if (!pg || pg->kind != LESSON_PAGE_EXERCISE) {
        ui_message(ui, "e edits the file of an exercise page; this page is not one.");
        return;
    }
    if (!ui->exercise_path[0]) {
        ui_message(ui, "No state directory (set HOME or XDG_STATE_HOME) to keep your file in.");
        return;
    }
    /* First time: start from the starter file. */
    struct stat st;
    if (stat(ui->exercise_path, &st) != 0) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/exercises", ui->state_dir);
        mkdir(ui->state_dir, 0700);
        mkdir(dir, 0700);
        FILE *f = fopen(ui->exercise_path, "w");
        if (!f) {
            ui_message(ui, "cannot create %s: %s", ui->exercise_path, strerror(errno));
            return;
        }
        const char *s = pg->exercise.starter.source ? pg->exercise.starter.source : "";
        fputs(s, f);
        fclose(f);
    }
    ui->edit_pending = true;
}

/* Checks the student's file in a child process; ui_tick collects the
 * verdict. */
static void start_check(Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    if (!pg || pg->kind != LESSON_PAGE_EXERCISE || !ui->code_text) return;
    stop_check(ui);
    CheckOptions opt;
    check_options_init(&opt);
    const char *base = strrchr(ui->exercise_path, '/');
    ui->checking =
        check_child_start(cur_lesson(ui), &pg->exercise, ui->code_text, strlen(ui->code_text),
                          base ? base + 1 : "exercise.py", &opt, 0, 0);
    if (!ui->checking) ui_message(ui, "Could not start the checker.");
    ui->prose_dirty = true;
}

static void finish_check(Ui *ui)
{
    CheckResult *r = check_child_finish(ui->checking);
    ui->checking = NULL;
    ui->checked = r;
    ui->prose_dirty = true;
    const Lesson *l = cur_lesson(ui);
    if (!r || !l || !ui->progress) return;
    char res[200];
    snprintf(res, sizeof res, "%s: %d of %d points", r->passed ? "passed" : "not yet", r->score,
             r->max_score);
    progress_set_exercise(ui->progress, l->id, ui->pi, res);
    save_progress(ui, true);
    ui_message(ui, r->passed ? "All checks pass: well done!" : "Some checks fail: see the list.");
}

int ui_wait_fd(const Ui *ui)
{
    return ui->checking ? check_child_fd(ui->checking) : -1;
}

bool ui_take_edit(Ui *ui, char *path, size_t len)
{
    if (!ui->edit_pending) return false;
    ui->edit_pending = false;
    snprintf(path, len, "%s", ui->exercise_path);
    return true;
}

void ui_edit_done(Ui *ui, int status, double now)
{
    free(ui->code_text);
    ui->code_text = read_file(ui->exercise_path);
    if (ui->code_text) set_code(ui, ui->code_text, "your file");
    stop_runs(ui);
    if (status != 0) {
        ui_message(ui, "The editor exited with status %d.", status);
        return;
    }
    /* Run what the student wrote straight away, and check it. */
    start_check(ui);
    start_run(ui, now);
    ui->prose_dirty = true;
}

const char *ui_watch_path(const Ui *ui)
{
    const LessonPage *pg = cur_page(ui);
    if (!pg || pg->kind != LESSON_PAGE_EXERCISE || !ui->exercise_path[0]) return NULL;
    return ui->exercise_path;
}

void ui_file_changed(Ui *ui, double now)
{
    char *text = read_file(ui->exercise_path);
    if (!text) return;
    if (ui->code_text && strcmp(text, ui->code_text) == 0) {
        free(text); /* saved without a change: nothing new to run */
        return;
    }
    free(ui->code_text);
    ui->code_text = text;
    set_code(ui, ui->code_text, "your file");
    stop_runs(ui);
    ui_message(ui, "Your file changed: checking and running it again.");
    start_check(ui);
    start_run(ui, now);
    ui->prose_dirty = true;
}

static void do_action(Ui *ui, UiAction a, int key, double now)
{
    const LessonPage *pg = cur_page(ui);
    switch (a) {
    case ACT_HELP:
        ui->overlay = OVERLAY_HELP;
        ui->help_top = 0;
        break;
    case ACT_CONTENTS:
        ui->overlay = OVERLAY_TOC;
        ui->toc_sel = ui->li;
        ui->toc_page = -1;
        break;
    case ACT_NEXT: go_page(ui, +1); break;
    case ACT_PREV: go_page(ui, -1); break;
    case ACT_RUN: start_run(ui, now); break;
    case ACT_PAUSE: toggle_pause(ui, now); break;
    case ACT_STEP:
        if (pg && pg->kind == LESSON_PAGE_QUESTION && !ui->revealed) {
            ui_message(ui, "Answer first, then step through it to check.");
            break;
        }
        if (ensure_run(ui)) {
            if (ui_run_state(ui->run) == UI_RUN_IDLE) initial_view(ui);
            if (ui->cmp) {
                ui_run_free(ui->cmp);
                ui->cmp = NULL;
                ui->compare = false;
            }
            if (!ui_run_step(ui->run))
                ui_message(ui, "The program has finished (b steps back, r runs it again).");
            ui->prose_dirty = pg && pg->kind == LESSON_PAGE_WALKTHROUGH;
        }
        break;
    case ACT_BACK:
        if (!ui->run || !ui_run_step_back(ui->run))
            ui_message(ui, "Already at the start.");
        else if (pg && pg->kind == LESSON_PAGE_WALKTHROUGH)
            ui->prose_dirty = true;
        break;
    case ACT_INTERNALS: ui->internals = !ui->internals; break;
    case ACT_COMPARE:
        if (!compare_program(pg)) {
            ui_message(ui, "This page has no second program to compare with.");
            break;
        }
        ui->compare = !ui->compare;
        if (ui->compare) {
            stop_runs(ui);
            start_run(ui, now);
        } else if (ui->cmp) {
            ui_run_free(ui->cmp);
            ui->cmp = NULL;
        }
        break;
    case ACT_EDIT: do_edit(ui); break;
    case ACT_HINT:
        if (pg && pg->kind == LESSON_PAGE_EXERCISE &&
            (size_t)ui->hints < check_hint_count(&pg->exercise, ui->checked)) {
            ui->hints++;
            ui->prose_dirty = true;
        } else {
            ui_message(ui, "No more hints here.");
        }
        break;
    case ACT_ANSWER: answer(ui, key - '1'); break;
    case ACT_SLOWER: set_speed(ui, now, -1); break;
    case ACT_FASTER: set_speed(ui, now, +1); break;
    case ACT_ZOOM_IN:
        tlview_zoom(&ui->tv, +1);
        ui->tv.follow = false;
        break;
    case ACT_ZOOM_OUT:
        tlview_zoom(&ui->tv, -1);
        ui->tv.follow = false;
        break;
    case ACT_TL_LEFT: scroll_time(ui, -1); break;
    case ACT_TL_RIGHT: scroll_time(ui, +1); break;
    case ACT_TL_FIT: {
        ui->tv.follow = true;
        double end = ui->run ? ui_run_now(ui->run) : 0;
        if (ui->cmp && ui_run_now(ui->cmp) > end) end = ui_run_now(ui->cmp);
        int ncells = ui->lay.timeline.w - 2 - label_w(ui);
        if (end > 0 && ncells > 4) tlview_fit(&ui->tv, end, ncells);
        break;
    }
    case ACT_FOCUS: {
        for (int k = 1; k <= PANE_COUNT; k++) {
            Pane p = (Pane)((ui->focus + k) % PANE_COUNT);
            if (pane_rect(ui, p)->h > 0) {
                ui->focus = p;
                break;
            }
        }
        break;
    }
    case ACT_UP: scroll_pane(ui, ui->focus, -1); break;
    case ACT_DOWN: scroll_pane(ui, ui->focus, +1); break;
    case ACT_TOP:
        ui->scroll[ui->focus] = 0;
        if (ui->focus == PANE_OUTPUT) ui->out_follow = false;
        break;
    case ACT_BOTTOM:
        ui->scroll[ui->focus] = 1 << 28;
        if (ui->focus == PANE_OUTPUT) ui->out_follow = true;
        break;
    case ACT_REDRAW: break; /* the terminal layer repaints everything */
    case ACT_QUIT: ui->quit = true; break;
    default: break;
    }
}

static void toc_open(Ui *ui)
{
    ui->overlay = OVERLAY_NONE;
    ui->msg[0] = 0;
    if (ui->toc_page >= 0) {
        open_page(ui, ui->toc_sel, ui->toc_page);
        return;
    }
    if (ui->toc_sel == ui->li) return;
    const Lesson *l = ui->course->lessons[ui->toc_sel];
    /* Resume inside the lesson where the student got to. */
    int page = ui->progress ? progress_page(ui->progress, l->id) : 0;
    if (page < 0 || (size_t)page >= l->npages) page = 0;
    if (ui->progress && progress_status(ui->progress, l->id) == PROGRESS_DONE) page = 0;
    open_page(ui, ui->toc_sel, page);
}

static void toc_key(Ui *ui, int key)
{
    int n = (int)ui->course->nlessons;
    switch (key) {
    case UI_KEY_UP:
    case 'k':
        if (ui->toc_page >= 0)
            ui->toc_page--; /* from the first page back to the lesson's row */
        else if (ui->toc_sel > 0)
            ui->toc_sel--;
        break;
    case UI_KEY_DOWN:
    case 'j':
        if (ui->toc_page >= 0 && ui->toc_page + 1 < toc_npages(ui)) {
            ui->toc_page++;
        } else if (ui->toc_sel + 1 < n) {
            ui->toc_sel++;
            ui->toc_page = -1;
        }
        break;
    case UI_KEY_HOME:
    case 'g':
        ui->toc_sel = 0;
        ui->toc_page = -1;
        break;
    case UI_KEY_END:
    case 'G':
        ui->toc_sel = n - 1;
        ui->toc_page = -1;
        break;
    case UI_KEY_PGUP:
        ui->toc_sel = ui->toc_sel > 10 ? ui->toc_sel - 10 : 0;
        ui->toc_page = -1;
        break;
    case UI_KEY_PGDN:
        ui->toc_sel = ui->toc_sel + 10 < n ? ui->toc_sel + 10 : n - 1;
        ui->toc_page = -1;
        break;
    case 'l':
    case UI_KEY_RIGHT:
        if (ui->toc_page < 0 && toc_npages(ui) > 0)
            ui->toc_page = 0;
        else
            toc_open(ui);
        break;
    case UI_KEY_ENTER: toc_open(ui); break;
    case UI_KEY_LEFT:
    case 'h':
        if (ui->toc_page >= 0)
            ui->toc_page = -1;
        else
            ui->overlay = OVERLAY_NONE;
        break;
    case UI_KEY_ESC:
    case 't':
    case UI_KEY_F(2):
    case 'q': ui->overlay = OVERLAY_NONE; break;
    default:
        if (key >= '1' && key <= '9' && key - '1' < n) {
            ui->toc_sel = key - '1';
            ui->toc_page = -1;
        }
        break;
    }
}

void ui_key(Ui *ui, int key, double now)
{
    if (ui->lay.too_small) {
        if (key == 'q' || key == UI_KEY_F(10)) ui->quit = true;
        return;
    }
    if (ui->overlay == OVERLAY_HELP) {
        if (key == UI_KEY_DOWN || key == 'j')
            ui->help_top++;
        else if (key == UI_KEY_UP || key == 'k')
            ui->help_top--;
        else
            ui->overlay = OVERLAY_NONE;
        return;
    }
    if (ui->overlay == OVERLAY_TOC) {
        toc_key(ui, key);
        return;
    }
    const LessonPage *pg = cur_page(ui);
    if (key == UI_KEY_ENTER && pg && pg->kind == LESSON_PAGE_QUESTION && !ui->revealed &&
        pg->question.nchoices == 0) {
        answer(ui, -1);
        return;
    }
    if (key == UI_KEY_ESC) {
        ui->msg[0] = 0;
        return;
    }
    UiAction a = action_of(key);
    if (a != ACT_NONE && a != ACT_REDRAW) ui->msg[0] = 0;
    do_action(ui, a, key, now);
}

void ui_mouse(Ui *ui, int y, int x, int button, double now)
{
    if (ui->lay.too_small) return;
    if (ui->overlay == OVERLAY_TOC) {
        LayoutRect r = toc_rect(ui);
        if (button == 4 || button == 5) {
            toc_key(ui, button == 4 ? UI_KEY_UP : UI_KEY_DOWN);
            return;
        }
        int row = ui->toc_top + (y - r.y - 1);
        if (layout_contains(&r, y, x) && y > r.y && row >= 0 && row < toc_nrows(ui)) {
            int k, pg;
            toc_row_at(ui, row, &k, &pg);
            ui->toc_sel = k;
            ui->toc_page = pg;
            toc_open(ui);
        } else if (!layout_contains(&r, y, x)) {
            ui->overlay = OVERLAY_NONE;
        }
        return;
    }
    if (ui->overlay == OVERLAY_HELP) {
        ui->overlay = OVERLAY_NONE;
        return;
    }
    if (layout_contains(&ui->lay.keybar, y, x) && button == 1) {
        for (int i = 0; i < ui->nbar; i++)
            if (x >= ui->bar[i].x0 && x < ui->bar[i].x1) do_action(ui, ui->bar[i].act, 0, now);
        return;
    }
    for (int p = 0; p < PANE_COUNT; p++) {
        if (!layout_contains(pane_rect(ui, (Pane)p), y, x)) continue;
        if (button == 4 || button == 5)
            scroll_pane(ui, (Pane)p, button == 4 ? -3 : 3);
        else if (button == 1)
            ui->focus = (Pane)p;
        return;
    }
}
