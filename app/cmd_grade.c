/* cmd_grade: `aiotutor grade EXERCISE DIR...`, an instructor's batch.
 *
 * Every .py file of every DIR (or a FILE given directly) is one submission,
 * checked in its own child process with CPU-time and address-space limits
 * (setrlimit) and a wall-clock timeout, up to -j N at a time; a submission
 * that crashes, loops or eats memory fails alone and the batch goes on. The
 * table goes to stdout (csv or json), a summary to stderr. Exit status 0
 * graded (whatever the scores), 2 usage error or unknown exercise. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/check.h"
#include "app/cli.h"
#include "app/utext.h"

int cli_grade(int argc, char **argv);

static void print_help(void)
{
    printf("Usage: aiotutor grade [OPTION]... EXERCISE DIR|FILE...\n"
           "Grade a folder of submissions to EXERCISE: every .py file of each DIR is one\n"
           "submission, checked in its own process with CPU and memory limits and a\n"
           "timeout. Prints one row per submission (score, verdict, how the program\n"
           "ended, the points of each check) and a summary on stderr.\n"
           "\n"
           "  --format=csv|json  the table's format (default csv)\n"
           "  -j N, --jobs=N     check N submissions at a time (default 1)\n"
           "  --lessons=DIR      the lesson pack (default: the built-in course)\n"
           "  --timeout=SEC      CPU-time limit per run of a program (default 5)\n"
           "  --cpu=SEC          CPU-time limit per submission (default 6 x timeout + 2)\n"
           "  --memory=MB        address-space limit per submission (default 1024)\n"
           "  -h, --help         display this help and exit\n"
           "\n"
           "Exit status: 0 graded, 2 usage error, unknown exercise or no submissions.\n");
}

typedef struct Sub {
    char *path;
    CheckResult *r;
} Sub;

static int cmp_sub(const void *a, const void *b)
{
    return strcmp(((const Sub *)a)->path, ((const Sub *)b)->path);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int add_sub(Sub **v, size_t *n, char *path)
{
    Sub *p = realloc(*v, (*n + 1) * sizeof **v);
    if (!p) {
        free(path);
        return -1;
    }
    p[*n] = (Sub){path, NULL};
    *v = p;
    (*n)++;
    return 0;
}

static const char *verdict(const CheckResult *r)
{
    if (r->passed)
        return "pass";
    switch (r->end) {
    case CHECK_END_OK:
    case CHECK_END_EXCEPTION: return "fail";
    default: return check_end_names[r->end];
    }
}

static void csv_char(FILE *f, int c)
{
    if (c == '"')
        fputc('"', f);
    fputc(c == '\n' || c == '\r' ? ' ' : c, f);
}

/* A quoted field, in UTF-8 whatever the file was called (utext.h). */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    utext_put_valid(f, s, csv_char);
    fputc('"', f);
}

/* What to tell the student first: how the run ended if it did not end
 * well, else the first failed check's message. An uncaught exception can be
 * what the exercise asks for, so it comes first only when a check failed
 * (`import os` on line 1 fails every check; the exception says why). */
static const char *first_problem(const CheckResult *r)
{
    const char *failed = NULL;
    for (size_t i = 0; i < r->nitems && !failed; i++)
        if (!r->items[i].passed)
            failed = r->items[i].message ? r->items[i].message : r->items[i].name;
    if (r->end != CHECK_END_OK && r->end_message && (r->end != CHECK_END_EXCEPTION || failed))
        return r->end_message;
    return failed ? failed : "";
}

int cli_grade(int argc, char **argv)
{
    const char *lessons = NULL, *exname = NULL;
    bool json = false;
    int jobs = 1, cpu = 0;
    size_t mem = 0;
    CheckOptions opt;
    check_options_init(&opt);
    Sub *subs = NULL;
    size_t nsubs = 0;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t ninputs = 0;
    if (!inputs)
        return 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            free(inputs);
            return 0;
        } else if (strcmp(a, "--format=csv") == 0) {
            json = false;
        } else if (strcmp(a, "--format=json") == 0) {
            json = true;
        } else if (strncmp(a, "--format", 8) == 0) {
            free(inputs);
            return cli_usage_error("grade: --format is csv or json");
        } else if ((strcmp(a, "-j") == 0 && i + 1 < argc && (v = argv[++i])) ||
                   (strncmp(a, "-j", 2) == 0 && a[2] && (v = a + 2)) ||
                   (strncmp(a, "--jobs=", 7) == 0 && (v = a + 7))) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 256) {
                free(inputs);
                return cli_usage_error("grade: invalid number of jobs '%s'", v);
            }
            jobs = (int)n;
        } else if (strncmp(a, "--lessons=", 10) == 0) {
            lessons = a + 10;
        } else if (strcmp(a, "--lessons") == 0 && i + 1 < argc) {
            lessons = argv[++i];
        } else if (strncmp(a, "--timeout=", 10) == 0) {
            char *end;
            double s = strtod(a + 10, &end);
            if (*end || !(s > 0) || s > 3600) {
                free(inputs);
                return cli_usage_error("grade: invalid timeout '%s'", a + 10);
            }
            opt.cpu_seconds = s;
        } else if (strncmp(a, "--cpu=", 6) == 0) {
            cpu = atoi(a + 6);
            if (cpu <= 0) {
                free(inputs);
                return cli_usage_error("grade: invalid CPU limit '%s'", a + 6);
            }
        } else if (strncmp(a, "--memory=", 9) == 0) {
            long mb = atol(a + 9);
            if (mb < 16) {
                free(inputs);
                return cli_usage_error("grade: invalid memory limit '%s' (MB, at least 16)",
                                       a + 9);
            }
            mem = (size_t)mb << 20;
        } else if (a[0] == '-' && a[1]) {
            free(inputs);
            return cli_usage_error("grade: unrecognized option '%s'", a);
        } else if (!exname) {
            exname = a;
        } else {
            inputs[ninputs++] = a;
        }
    }
    if (!exname || !ninputs) {
        free(inputs);
        return cli_usage_error("grade: missing %s", exname ? "DIR" : "EXERCISE and DIR");
    }
    /* The interpreter's own cap stays below the process's. */
    if (mem && opt.mem_limit > mem / 2)
        opt.mem_limit = mem / 2;

    LessonCourse *c = lesson_course_load(lessons ? lessons : lesson_default_dir());
    if (c && !check_course_report(c, "grade")) {
        lesson_course_free(c);
        free(inputs);
        return 2;
    }
    const Lesson *l = NULL;
    const LessonExercise *ex = c ? check_find_exercise(c, exname, &l) : NULL;
    if (!ex) {
        fprintf(stderr, "aiotutor: grade: no exercise '%s'\n", exname);
        lesson_course_free(c);
        free(inputs);
        return 2;
    }
    for (size_t i = 0; i < ninputs; i++) {
        struct stat st;
        if (stat(inputs[i], &st) != 0) {
            fprintf(stderr, "aiotutor: grade: %s: %s\n", inputs[i], strerror(errno));
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            add_sub(&subs, &nsubs, strdup(inputs[i]));
            continue;
        }
        DIR *d = opendir(inputs[i]);
        if (!d) {
            fprintf(stderr, "aiotutor: grade: %s: %s\n", inputs[i], strerror(errno));
            continue;
        }
        struct dirent *de;
        while ((de = readdir(d)))
            if (de->d_name[0] != '.' && ends_with(de->d_name, ".py")) {
                char *p = NULL;
                if (asprintf(&p, "%s/%s", inputs[i], de->d_name) >= 0)
                    add_sub(&subs, &nsubs, p);
            }
        closedir(d);
    }
    free(inputs);
    if (!nsubs) {
        fprintf(stderr, "aiotutor: grade: no submissions (.py files) found\n");
        lesson_course_free(c);
        return 2;
    }
    qsort(subs, nsubs, sizeof *subs, cmp_sub);

    /* Up to `jobs` children at once, polled together. */
    CheckChild **kids = calloc((size_t)jobs, sizeof *kids);
    size_t *kid_sub = calloc((size_t)jobs, sizeof *kid_sub);
    struct pollfd *pfd = calloc((size_t)jobs, sizeof *pfd);
    if (!kids || !kid_sub || !pfd) {
        fprintf(stderr, "aiotutor: grade: out of memory\n");
        return 2;
    }
    size_t next = 0, done = 0;
    while (done < nsubs) {
        for (int k = 0; k < jobs && next < nsubs; k++) {
            if (kids[k])
                continue;
            Sub *s = &subs[next];
            size_t len = 0;
            char *src = check_read_file(s->path, &len);
            if (!src) {
                s->r = check_result_failed(ex, s->path, CHECK_END_ERROR, "unreadable file");
                next++;
                done++;
                continue;
            }
            kids[k] = check_child_start(l, ex, src, len, s->path, &opt, cpu, mem);
            free(src);
            if (!kids[k]) {
                s->r = check_result_failed(ex, s->path, CHECK_END_ERROR, "could not fork");
                done++;
            }
            kid_sub[k] = next++;
        }
        int np = 0;
        for (int k = 0; k < jobs; k++)
            pfd[k] = (struct pollfd){kids[k] ? check_child_fd(kids[k]) : -1, POLLIN, 0}, np++;
        poll(pfd, (nfds_t)np, 200);
        for (int k = 0; k < jobs; k++) {
            if (!kids[k] || !check_child_pump(kids[k]))
                continue;
            subs[kid_sub[k]].r = check_child_finish(kids[k]);
            kids[k] = NULL;
            done++;
        }
    }
    free(kids);
    free(kid_sub);
    free(pfd);

    /* The table. */
    int passed = 0, total = 0, max = 0;
    size_t ends[CHECK_END_COUNT] = {0};
    if (json)
        printf("{\"exercise\": \"%s\", \"max_score\": %d, \"submissions\": [", ex->id,
               subs[0].r ? subs[0].r->max_score : 0);
    else {
        printf("submission,verdict,score,max_score,ended,virtual_seconds");
        const CheckResult *r0 = subs[0].r;
        for (size_t i = 0; r0 && i < r0->nitems; i++) {
            char name[200];
            snprintf(name, sizeof name, "%zu %s", i + 1, r0->items[i].name);
            printf(",");
            csv_field(stdout, name);
        }
        printf(",first_problem\n");
    }
    for (size_t s = 0; s < nsubs; s++) {
        const CheckResult *r = subs[s].r;
        if (!r)
            continue;
        passed += r->passed;
        total += r->score;
        max = r->max_score;
        ends[r->end]++;
        if (json) {
            printf("%s\n  {\"submission\": ", s ? "," : "");
            check_json_string(stdout, subs[s].path);
            printf(", \"verdict\": \"%s\", \"score\": %d, \"max_score\": %d, \"ended\": \"%s\", "
                   "\"virtual_seconds\": %.9g, \"first_problem\": ",
                   verdict(r), r->score, r->max_score, check_end_names[r->end],
                   (double)r->elapsed_ns / 1e9);
            check_json_string(stdout, first_problem(r));
            printf(", \"checks\": [");
            for (size_t i = 0; i < r->nitems; i++) {
                printf("%s{\"name\": ", i ? ", " : "");
                check_json_string(stdout, r->items[i].name);
                printf(", \"passed\": %s, \"points\": %d, \"max_points\": %d, \"hidden\": %s}",
                       r->items[i].passed ? "true" : "false", r->items[i].points,
                       r->items[i].max_points, r->items[i].hidden ? "true" : "false");
            }
            printf("]}");
        } else {
            csv_field(stdout, subs[s].path);
            printf(",%s,%d,%d,%s,%.9g", verdict(r), r->score, r->max_score,
                   check_end_names[r->end], (double)r->elapsed_ns / 1e9);
            for (size_t i = 0; i < r->nitems; i++)
                printf(",%d", r->items[i].points);
            printf(",");
            csv_field(stdout, first_problem(r));
            printf("\n");
        }
    }
    if (json)
        printf("\n], \"summary\": {\"submissions\": %zu, \"passed\": %d, \"mean_score\": %.3f}}\n",
               nsubs, passed, nsubs ? (double)total / (double)nsubs : 0.0);
    fflush(stdout);

    fprintf(stderr, "%s: %zu submission%s, %d passed, %zu failed; mean score %.2f/%d", ex->id,
            nsubs, nsubs == 1 ? "" : "s", passed, nsubs - (size_t)passed,
            (double)total / (double)nsubs, max);
    bool first = true;
    for (int e = CHECK_END_EXCEPTION; e < CHECK_END_COUNT; e++)
        if (ends[e]) {
            fprintf(stderr, "%s%zu %s", first ? " (" : ", ", ends[e], check_end_names[e]);
            first = false;
        }
    fprintf(stderr, "%s\n", first ? "" : ")");
    for (size_t s = 0; s < nsubs; s++) {
        check_result_free(subs[s].r);
        free(subs[s].path);
    }
    free(subs);
    lesson_course_free(c);
    return 0;
}
