/* cmd_validate: `aiotutor validate [DIR]`, an instructor's check of a lesson
 * pack before it meets students.
 *
 * It loads the pack with the lesson loader (every schema and file problem
 * comes back as a diagnostic with file, line and column), then runs every
 * program of every lesson on aiotutor's interpreter with the virtual clock:
 * each must compile; a demo must print what the lesson says it prints and
 * take the time it states; a question's answer must be what its code does;
 * an exercise's solution must pass every one of its checks, as the exercise
 * checker (app/check.h) decides them, and its starter fail at least one.
 * Problems print in the GNU "file:line:col: error: message" form that
 * editors jump to. Exit status: 0 clean, 1 problems found, 2 usage error or
 * a DIR that is not a directory.
 */
#include "config.h"
#include "app/check.h"
#include "app/cli.h"
#include "app/lesson.h"
#include "app/netcfg.h"
#include "engine/lang/interp.h"
#include "engine/trace.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_validate(int argc, char **argv);

/* "1 exercise", "2 exercises", "0 exercises" */
static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: aiotutor validate [OPTION]... [DIR]\n"
               "Check a lesson pack: every lesson.json against the lesson format, every\n"
               "Markdown and .py file it names, and every program's run (virtual clock)\n"
               "against the outputs, times and answers the lesson states, and each\n"
               "exercise's solution and starter against its checks.\n"
               "DIR defaults to the built-in course.\n"
               "\n"
               "  -q, --quiet    print only the problems, not the summary line\n"
               "      --no-run   check the files only; do not run the programs\n"
               "      --steps    list the task steps of every walkthrough (to number notes)\n"
               "  -h, --help     display this help and exit\n"
               "\n"
               "Problems are printed as FILE:LINE:COL: error|warning: MESSAGE.\n"
               "Exit status: 0 no problems, 1 problems found, 2 usage error.\n"
               "The lesson format is described in lessons/README.md.\n");
}

/* ------------------------------------------------------------- running */

typedef struct Buf {
    char *p;
    size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) return; /* keep what fits; the comparison will fail loudly */
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

typedef struct Run {
    Buf out, err;
    int status;         /* 0, 1 */
    int64_t elapsed_ns; /* virtual time at the end */
    bool compiled;
    int steps; /* task steps (the walkthrough's unit), when traced */
} Run;

/* --steps: print the task steps of each walkthrough, as an instructor
 * numbering notes needs them. */
static int show_steps;

/* Counts the task steps of a traced run, printing them under --steps. */
static int count_steps(const Trace *tr, const char *file)
{
    int steps = 0;
    size_t n = trace_count(tr);
    for (size_t i = 0; i < n; i++) {
        const TraceEvent *ev = trace_at(tr, i);
        if (ev->kind != TRACE_STEP_BEGIN) continue;
        steps++;
        if (!show_steps) continue;
        printf("%s: step %d: task %llu at %.9g s", file, steps, (unsigned long long)ev->task,
               (double)ev->t_ns / 1e9);
        for (size_t k = i + 1; k < n; k++) {
            const TraceEvent *e2 = trace_at(tr, k);
            if (e2->kind == TRACE_OUTPUT && e2->task == ev->task) {
                int len = (int)e2->text_len;
                const char *t = trace_text(tr, e2);
                while (len > 0 && t[len - 1] == '\n')
                    len--;
                printf("; prints \"%.*s\"", len, t);
            } else if (e2->kind == TRACE_STEP_END && e2->task == ev->task) {
                printf("; ends: %s", trace_why_name((TraceWhy)e2->why));
                if (e2->text_len) printf(" %.*s", (int)e2->text_len, trace_text(tr, e2));
                break;
            }
        }
        printf("\n");
    }
    return steps;
}

static void write_out(void *host, const char *s, size_t n)
{
    buf_add(&((Run *)host)->out, s, n);
}

static void write_err(void *host, const char *s, size_t n)
{
    buf_add(&((Run *)host)->err, s, n);
}

static void run_fini(Run *r)
{
    free(r->out.p);
    free(r->err.p);
}

static const char *run_text(const Buf *b)
{
    return b->p ? b->p : "";
}

/* Runs one program on the virtual clock. A SyntaxError is reported against
 * the .py file itself, at its line and column. */
/* The lesson whose programs run now: their requests/aiohttp answer from
 * its "network" table. */
static const Lesson *net_lesson;

static bool run_code_traced(const LessonCode *code, Run *r, LessonDiags *d, bool traced)
{
    memset(r, 0, sizeof *r);
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = write_out;
    cfg.err = write_err;
    cfg.host = r;
    cfg.clock = INTERP_CLOCK_VIRTUAL;
    cfg.trace = traced;
    cfg.net = netcfg_lesson_reply;
    cfg.net_host = (void *)net_lesson;
    Interp *ip = interp_new(&cfg);
    if (!ip) {
        lesson_diags_add(d, LESSON_ERROR, code->path, 0, 0, "out of memory running this program");
        return false;
    }
    if (interp_load(ip, code->source, strlen(code->source), code->file) != 0) {
        const InterpDiag *di = interp_diag(ip);
        lesson_diags_add(d, LESSON_ERROR, code->path, di->line, di->col,
                         "%s: %s: this program does not compile in the lesson language", di->kind,
                         di->msg);
        interp_free(ip);
        r->status = 1;
        return false;
    }
    r->compiled = true;
    interp_run(ip);
    r->status = interp_exit_status(ip);
    r->elapsed_ns = interp_now(ip);
    if (traced && interp_trace(ip)) r->steps = count_steps(interp_trace(ip), code->file);
    interp_free(ip);
    return true;
}

static bool run_code(const LessonCode *code, Run *r, LessonDiags *d)
{
    return run_code_traced(code, r, d, false);
}

/* "line 3: got 'x', the lesson says 'y'" for two texts that differ. */
static void first_difference(const char *got, const char *want, char *buf, size_t size)
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
        snprintf(buf, size, "the texts differ only in the final newline");
    else if (!*got)
        snprintf(buf, size, "line %d: got nothing more, the lesson says \"%.*s\"", line,
                 wl > 80 ? 80 : wl, want);
    else if (!*want)
        snprintf(buf, size, "line %d: got \"%.*s\", the lesson says nothing more", line,
                 gl > 80 ? 80 : gl, got);
    else
        snprintf(buf, size, "line %d: got \"%.*s\", the lesson says \"%.*s\"", line,
                 gl > 80 ? 80 : gl, got, wl > 80 ? 80 : wl, want);
}

static void check_output(LessonDiags *d, const char *json, const LessonCode *code, const Run *r,
                         const char *want, const char *what)
{
    const char *got = run_text(&r->out);
    if (!want || strcmp(got, want) == 0) return;
    char diff[256];
    first_difference(got, want, diff, sizeof diff);
    const char *err = run_text(&r->err);
    const char *last = err;
    for (const char *p = err; *p; p++)
        if (p[0] == '\n' && p[1]) last = p + 1;
    lesson_diags_add(d, LESSON_ERROR, json, code->line, code->col,
                     "%s prints something else than %s states (%s)%s%.*s", code->file, what, diff,
                     *last ? "; stderr: " : "", (int)strcspn(last, "\n"), last);
}

static void check_time(LessonDiags *d, const char *json, const LessonCode *code, const Run *r,
                       int64_t want_ns, const char *what)
{
    if (want_ns < 0 || r->elapsed_ns == want_ns) return;
    lesson_diags_add(d, LESSON_ERROR, json, code->line, code->col,
                     "%s takes %.9g s of virtual time, %s says %.9g s", code->file,
                     (double)r->elapsed_ns / 1e9, what, (double)want_ns / 1e9);
}

/* An exercise: the reference solution must pass every check and the
 * starter fail at least one, as the exercise checker (app/check.c) decides
 * them: output, time, concurrency from the trace, structure, exceptions,
 * warnings, robust checks re-run under other schedules. */
static void check_exercise(LessonDiags *d, const char *json, const Lesson *l,
                           const LessonExercise *e)
{
    CheckOptions opt;
    check_options_init(&opt);
    opt.reference = false; /* no timeline comparison needed here */
    const LessonCode *progs[2] = {&e->solution, &e->starter};
    for (int k = 0; k < 2; k++) {
        const LessonCode *code = progs[k];
        Run r;
        if (!run_code(code, &r, d)) { /* reports a SyntaxError at the .py */
            run_fini(&r);
            continue;
        }
        run_fini(&r);
        CheckResult *res = check_run(l, e, code->source, strlen(code->source), code->file, &opt);
        if (!res) {
            lesson_diags_add(d, LESSON_ERROR, code->path, 0, 0, "out of memory checking it");
            continue;
        }
        if (k == 0) {
            for (size_t i = 0; i < res->nitems; i++) {
                const CheckItem *it = &res->items[i];
                if (it->passed || it->index < 0 || (size_t)it->index >= e->nchecks) continue;
                const LessonCheck *ck = &e->checks[it->index];
                lesson_diags_add(d, LESSON_ERROR, json, ck->line, ck->col,
                                 "the solution %s fails check %d (%s)%s%s%s%s%s", code->file,
                                 it->index + 1, it->name, it->got ? ": got " : "",
                                 it->got ? it->got : "", it->detail ? " (" : "",
                                 it->detail ? it->detail : "", it->detail ? ")" : "");
            }
            if (res->end != CHECK_END_OK && res->passed)
                lesson_diags_add(d, LESSON_WARNING, code->path, 0, 0, "the solution %s: %s",
                                 check_end_descriptions[res->end],
                                 res->end_message ? res->end_message : "");
        } else if (res->passed) {
            lesson_diags_add(d, LESSON_ERROR, json, code->line, code->col,
                             "the starter %s passes every check of exercise \"%s\": it must fail "
                             "at least one, or the student has nothing to do",
                             code->file, e->id);
        }
        check_result_free(res);
    }
}

/* Runs every program of the lesson and compares with what it states. */
static void run_lesson(const Lesson *l, LessonDiags *d)
{
    size_t n = strlen(l->dir) + sizeof "/lesson.json";
    char *json = malloc(n);
    if (!json) return;
    snprintf(json, n, "%s/lesson.json", l->dir);
    net_lesson = l;
    for (size_t i = 0; i < l->npages; i++) {
        const LessonPage *p = &l->pages[i];
        Run r;
        switch (p->kind) {
        case LESSON_PAGE_DEMO:
            if (run_code(&p->demo.code, &r, d)) {
                check_output(d, json, &p->demo.code, &r, p->demo.output, "the demo");
                check_time(d, json, &p->demo.code, &r, p->demo.time_ns, "the demo");
                for (size_t k = 0; k < p->demo.nstderr_lines; k++)
                    if (!strstr(run_text(&r.err), p->demo.stderr_lines[k]))
                        lesson_diags_add(d, LESSON_ERROR, json, p->demo.code.line, p->demo.code.col,
                                         "%s: stderr has no line \"%s\" (it has: \"%.100s\")",
                                         p->demo.code.file, p->demo.stderr_lines[k],
                                         run_text(&r.err));
            }
            run_fini(&r);
            if (p->demo.compare.file) {
                if (run_code(&p->demo.compare, &r, d)) {
                    check_output(d, json, &p->demo.compare, &r, p->demo.compare_output, "the demo");
                    check_time(d, json, &p->demo.compare, &r, p->demo.compare_time_ns, "the demo");
                }
                run_fini(&r);
            }
            break;
        case LESSON_PAGE_WALKTHROUGH:
            if (run_code_traced(&p->walk.code, &r, d, true)) {
                check_output(d, json, &p->walk.code, &r, p->walk.output, "the walkthrough");
                check_time(d, json, &p->walk.code, &r, p->walk.time_ns, "the walkthrough");
                for (size_t k = 0; k < p->walk.nnotes; k++)
                    if (p->walk.notes[k].step > r.steps)
                        lesson_diags_add(d, LESSON_ERROR, json, p->walk.code.line, p->walk.code.col,
                                         "a note is attached to step %d, but %s has only %d task "
                                         "steps (aiotutor validate --steps lists them)",
                                         p->walk.notes[k].step, p->walk.code.file, r.steps);
            }
            run_fini(&r);
            break;
        case LESSON_PAGE_QUESTION:
            if (!p->question.code.file) break;
            if (run_code(&p->question.code, &r, d)) {
                if (p->question.kind == LESSON_Q_OUTPUT)
                    check_output(d, json, &p->question.code, &r, p->question.answer,
                                 "the question's answer");
                else if (p->question.kind == LESSON_Q_TIME)
                    check_time(d, json, &p->question.code, &r, p->question.answer_ns,
                               "the question's answer");
            }
            run_fini(&r);
            break;
        case LESSON_PAGE_EXERCISE: check_exercise(d, json, l, &p->exercise); break;
        default: break;
        }
    }
    free(json);
}

static void print_diag(const LessonDiag *d)
{
    const char *sev = d->severity == LESSON_ERROR ? "error" : "warning";
    if (d->line > 0)
        printf("%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, d->message);
    else
        printf("%s: %s: %s\n", d->file, sev, d->message);
}

int cli_validate(int argc, char **argv)
{
    const char *dir = NULL;
    int quiet = 0, run = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--no-run") == 0) {
            run = 0;
        } else if (strcmp(argv[i], "--steps") == 0) {
            show_steps = 1;
        } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !dir && i + 2 == argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("validate: unknown option '%s'", argv[i]);
        } else if (dir) {
            return cli_usage_error("validate: give one lesson directory, not several");
        } else {
            dir = argv[i];
        }
    }
    if (!dir) dir = lesson_default_dir();
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "aiotutor: validate: %s: not a directory of lessons\n", dir);
        return 2;
    }

    LessonCourse *c = lesson_course_load(dir);
    if (run)
        for (size_t i = 0; i < c->nlessons; i++)
            run_lesson(c->lessons[i], &c->diags);
    for (size_t i = 0; i < c->diags.count; i++)
        print_diag(&c->diags.items[i]);
    size_t errors = lesson_diags_errors(&c->diags);
    size_t warnings = c->diags.count - errors;
    if (!quiet) {
        size_t pages = 0, exercises = 0, questions = 0, demos = 0;
        for (size_t i = 0; i < c->nlessons; i++)
            for (size_t k = 0; k < c->lessons[i]->npages; k++) {
                LessonPageKind kind = c->lessons[i]->pages[k].kind;
                pages++;
                exercises += kind == LESSON_PAGE_EXERCISE;
                questions += kind == LESSON_PAGE_QUESTION;
                demos += kind == LESSON_PAGE_DEMO || kind == LESSON_PAGE_WALKTHROUGH;
            }
        printf("%s: %zu lesson%s loaded (%zu page%s: %zu demo%s, %zu question%s, %zu exercise%s); "
               "%zu error%s, %zu warning%s\n",
               dir, c->nlessons, plural(c->nlessons), pages, plural(pages), demos, plural(demos), questions,
               plural(questions), exercises, plural(exercises), errors, plural(errors), warnings,
               plural(warnings));
    }
    int status = c->diags.count ? 1 : 0;
    lesson_course_free(c);
    return status;
}
