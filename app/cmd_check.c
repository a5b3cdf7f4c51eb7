/* cmd_check: `aiotutor check EXERCISE FILE`, one submission against one
 * exercise's checks, in a child process with CPU and memory limits (so a
 * crash or a runaway is reported, not suffered). Exit status 0 every check
 * passed, 1 a check failed (the program's own failure included), 2 usage
 * error, unknown exercise or unreadable file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/check.h"
#include "app/cli.h"

int cli_check(int argc, char **argv);

static void print_help(void)
{
    printf("Usage: aiotutor check [OPTION]... EXERCISE FILE\n"
           "Check FILE, a solution to EXERCISE, against the exercise's checks: it runs on\n"
           "the virtual clock under the sandbox limits; output, time, concurrency (from the\n"
           "timeline), structure, exceptions and warnings are checked, and robust checks are\n"
           "re-run under other legal schedules (ties between equal deadlines broken in\n"
           "other orders, sleeps nudged).\n"
           "EXERCISE is an exercise id (gather-three), LESSON/ID, or a lesson id or number\n"
           "whose lesson has one exercise. FILE '-' reads standard input.\n"
           "\n"
           "  --format=FMT     text (default), json (Exercism v3 results.json),\n"
           "                   junit (JUnit XML), tap (TAP 13), gradescope (results.json)\n"
           "  --lessons=DIR    the lesson pack (default: the built-in course)\n"
           "  --hints=N        after the result, show the first N hints\n"
           "  --instructor     show what hidden checks check\n"
           "  --timeout=SEC    CPU-time limit per run of the program (default 5)\n"
           "  --color=WHEN     never, always or auto (default: auto, text on a terminal)\n"
           "  --in-process     do not fork a child to run the program\n"
           "  -h, --help       display this help and exit\n"
           "\n"
           "Exit status: 0 every check passed, 1 a check failed, 2 usage error, unknown\n"
           "exercise or unreadable file.\n");
}

/* "--name=VALUE" or "--name VALUE": the value, advancing *i; NULL if a not this option. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int cli_check(int argc, char **argv)
{
    const char *lessons = NULL, *exname = NULL, *file = NULL, *v;
    int fmt = CHECK_FORMAT_TEXT, hints = 0, color = -1;
    bool instructor = false, isolate = true;
    CheckOptions opt;
    check_options_init(&opt);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return 0;
        } else if ((v = opt_value(argc, argv, &i, "--format"))) {
            if ((fmt = check_format_parse(v)) < 0)
                return cli_usage_error("check: unknown format '%s' (text, json, junit, tap, "
                                       "gradescope)",
                                       v);
        } else if ((v = opt_value(argc, argv, &i, "--lessons"))) {
            lessons = v;
        } else if ((v = opt_value(argc, argv, &i, "--hints"))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 0 || n > 100)
                return cli_usage_error("check: invalid number of hints '%s'", v);
            hints = (int)n;
        } else if ((v = opt_value(argc, argv, &i, "--timeout"))) {
            char *end;
            double s = strtod(v, &end);
            if (*end || !(s > 0) || s > 3600)
                return cli_usage_error("check: invalid timeout '%s' (seconds)", v);
            opt.cpu_seconds = s;
        } else if ((v = opt_value(argc, argv, &i, "--color"))) {
            if (strcmp(v, "never") == 0)
                color = 0;
            else if (strcmp(v, "always") == 0)
                color = 1;
            else if (strcmp(v, "auto") == 0)
                color = -1;
            else
                return cli_usage_error("check: --color is never, always or auto");
        } else if (strcmp(a, "--instructor") == 0) {
            instructor = true;
        } else if (strcmp(a, "--in-process") == 0) {
            isolate = false;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("check: unrecognized option '%s'", a);
        } else if (!exname) {
            exname = a;
        } else if (!file) {
            file = a;
        } else {
            return cli_usage_error("check: give one EXERCISE and one FILE");
        }
    }
    if (!exname || !file)
        return cli_usage_error("check: missing %s", exname ? "FILE" : "EXERCISE and FILE");

    LessonCourse *c = lesson_course_load(lessons ? lessons : lesson_default_dir());
    if (!c) {
        fprintf(stderr, "aiotutor: check: out of memory\n");
        return 2;
    }
    if (!check_course_report(c, "check")) {
        lesson_course_free(c);
        return 2;
    }
    const Lesson *l = NULL;
    const LessonExercise *ex = check_find_exercise(c, exname, &l);
    if (!ex) {
        fprintf(stderr, "aiotutor: check: no exercise '%s' in %s", exname, c->dir);
        size_t shown = 0;
        for (size_t i = 0; i < c->nlessons; i++)
            for (size_t k = 0; k < c->lessons[i]->npages; k++)
                if (c->lessons[i]->pages[k].kind == LESSON_PAGE_EXERCISE)
                    fprintf(stderr, "%s%s", shown++ ? ", " : " (exercises: ",
                            c->lessons[i]->pages[k].exercise.id);
        fprintf(stderr, "%s\n", shown ? ")" : "");
        lesson_course_free(c);
        return 2;
    }
    size_t len = 0;
    char *src = check_read_file(file, &len);
    if (!src) {
        fprintf(stderr, "aiotutor: check: can't read '%s': %s\n", file, strerror(errno));
        lesson_course_free(c);
        return 2;
    }
    const char *name = strcmp(file, "-") == 0 ? "<stdin>" : file;
    CheckResult *r = isolate ? check_run_isolated(l, ex, src, len, name, &opt, 0, 0)
                             : check_run(l, ex, src, len, name, &opt);
    free(src);
    if (!r) {
        fprintf(stderr, "aiotutor: check: out of memory\n");
        lesson_course_free(c);
        return 2;
    }
    if (color < 0)
        color = fmt == CHECK_FORMAT_TEXT && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    check_format_print(stdout, (CheckFormat)fmt, r, !instructor, color);
    if (hints > 0 && fmt == CHECK_FORMAT_TEXT) {
        size_t n = check_hint_count(ex, r);
        for (size_t i = 0; i < n && i < (size_t)hints; i++)
            printf("Hint %zu/%zu: %s\n", i + 1, n, check_hint(ex, r, i));
    }
    int status = r->passed ? 0 : 1;
    check_result_free(r);
    lesson_course_free(c);
    return status; /* main() reports a write error on stdout (status 2) */
}
