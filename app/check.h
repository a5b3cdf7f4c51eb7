/* check: the exercise checker (issue 7).
 *
 * Runs a student's program for one exercise of the course (app/lesson.h) on
 * the interpreter's virtual clock, with limits, and decides every check the
 * exercise declares: output, elapsed virtual time, concurrency (read from the
 * engine's trace), structure (the program's AST and the trace), uncaught
 * exceptions and warnings. A check marked `robust` is decided again on
 * re-runs under other legal schedules (ties between equal deadlines broken in
 * other orders, sleeps nudged by a few nanoseconds); it passes only when it
 * holds in every one, and a failure names the schedule that broke it.
 *
 * The result is plain data (no curses, no terminal): the terminal UI's
 * exercise pages, `aiotutor check`, `watch` and `grade` all read it, and
 * check_fmt.c prints it as text, Exercism v3 json, JUnit XML, TAP or
 * Gradescope json.
 *
 * Strings in a CheckResult are NUL-terminated, owned by the result and freed
 * by check_result_free(); NULL means "none".
 */
#ifndef AIO_APP_CHECK_H
#define AIO_APP_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/lesson.h"

/* How the student's program ended (its first, unperturbed run). */
#define CHECK_ENDS(X)                                                                              \
    X(OK, "ok", "ran to the end")                                                                  \
    X(EXCEPTION, "exception", "stopped with an uncaught exception")                                \
    X(SYNTAX, "syntax-error", "does not compile")                                                  \
    X(TIMEOUT, "timeout", "ran out of time (endless loop?)")                                       \
    X(MEMORY, "memory", "ran out of memory")                                                       \
    X(CRASH, "crash", "crashed the checker")                                                       \
    X(ERROR, "error", "could not be checked")

typedef enum CheckEnd {
#define X(name, str, desc) CHECK_END_##name,
    CHECK_ENDS(X)
#undef X
        CHECK_END_COUNT
} CheckEnd;

extern const char *const check_end_names[CHECK_END_COUNT];        /* "timeout" */
extern const char *const check_end_descriptions[CHECK_END_COUNT]; /* "ran out of time ..." */

/* The verdict of one declared check. */
typedef struct CheckItem {
    int index;       /* 0-based position in the exercise's checks */
    char *name;      /* "output exact", "concurrency min_waiting 3", "structure uses gather" */
    bool passed;     /* held in the run (and in every re-run when robust) */
    bool hidden;     /* scored, but details are not for the student */
    bool timing;     /* a time or concurrency check: the timeline explains it */
    int points;      /* earned: max_points when passed, else 0 */
    int max_points;
    char *message;   /* the lesson's message for the student; NULL when passed */
    char *expected;  /* what the check wanted, in words or text; NULL if n/a */
    char *got;       /* what the run did; NULL if n/a */
    char *detail;    /* more: first differing line, the schedule that broke it */
    char *schedule;  /* robust failure: the schedule that broke it, else NULL */
} CheckItem;

typedef struct CheckResult {
    char *exercise;     /* the exercise id */
    char *file;         /* the submission's name as given */
    CheckEnd end;       /* how the first run ended */
    char *end_message;  /* the last line of a traceback, a SyntaxError, a timeout */
    CheckItem *items;
    size_t nitems;
    int score, max_score;
    bool passed;          /* every check passed */
    char *out;            /* the program's stdout (first run) */
    char *err;            /* its stderr */
    int64_t elapsed_ns;   /* virtual time of the first run */
    size_t max_waiting;   /* most tasks waiting at one moment */
    char *timeline;       /* text timeline of the first run, when a timing or
                             concurrency check failed (else NULL) */
    char *timeline_schedule; /* NULL: the timeline is the normal run's; else
                                the schedule of the re-run it shows */
    char *compare_hint;   /* the student's timeline against the reference
                             solution's, when a timing or concurrency check
                             failed and a difference was found (else NULL) */
    int runs;             /* interpreter runs made (1 + robust re-runs) */
    double wall_seconds;  /* real time the checking took */
} CheckResult;

/* Limits and knobs; check_options_init gives the defaults in brackets. */
typedef struct CheckOptions {
    double cpu_seconds;       /* per run, CPU time of the running thread [5]
                                 -> CHECK_END_TIMEOUT (CPU, not wall: a loaded
                                 machine must not fail a slow-but-finite run;
                                 the virtual clock never waits for real time) */
    double max_virtual_time;  /* seconds of virtual time [86400] */
    size_t mem_limit;         /* bytes the program may hold [128 MiB] */
    uint64_t step_budget;     /* instructions per task step [interp default] */
    int robust_runs;          /* schedules tried for robust checks [4] */
    bool reference;           /* run the solution for compare_hint [true] */
    int timeline_width;       /* columns of the text timeline [78] */
} CheckOptions;

void check_options_init(CheckOptions *o);

/* Checks `src` (len bytes, need not be NUL-terminated) against exercise `ex`
 * of lesson `l` (l may be NULL). `filename` is the name tracebacks show.
 * opt may be NULL (defaults). Returns NULL only when out of memory; every
 * other problem (a SyntaxError, a timeout) is a result with end != OK and
 * failed checks. Never prints. */
CheckResult *check_run(const Lesson *l, const LessonExercise *ex, const char *src, size_t len,
                       const char *filename, const CheckOptions *opt);

/* The same, in a child process (fork) with setrlimit CPU and address-space
 * limits and a wall timeout (generous: 4 x the CPU limits + 10 s), so that a
 * crash or a runaway of the interpreter cannot take the caller down: a child
 * killed by a signal gives end CRASH (or TIMEOUT when a limit explains it),
 * every check failed. cpu_seconds and mem_bytes of 0 mean every run's
 * opt->cpu_seconds + 2 and 1 GiB. */
CheckResult *check_run_isolated(const Lesson *l, const LessonExercise *ex, const char *src,
                                size_t len, const char *filename, const CheckOptions *opt,
                                int cpu_seconds, size_t mem_bytes);

/* check_run_isolated in parts, for a caller that runs several at once
 * (`grade -j N`): start the child, poll its fd for input and call pump
 * (true once the child is done or has been killed for running past its
 * wall limit), then finish (reaps it, frees c, returns the result; never
 * NULL unless out of memory). */
typedef struct CheckChild CheckChild;
CheckChild *check_child_start(const Lesson *l, const LessonExercise *ex, const char *src,
                              size_t len, const char *filename, const CheckOptions *opt,
                              int cpu_seconds, size_t mem_bytes);
int check_child_fd(const CheckChild *c);
bool check_child_pump(CheckChild *c);
CheckResult *check_child_finish(CheckChild *c);

/* A result for a submission that never ran (unreadable file, a child that
 * died): every check failed with `why` as its detail. */
CheckResult *check_result_failed(const LessonExercise *ex, const char *file, CheckEnd end,
                                 const char *why);

void check_result_free(CheckResult *r);

/* Progressive hints: the exercise's hints, preceded (when a timing or
 * concurrency check failed and the timelines differ) by the comparison of
 * the student's timeline with the reference solution's. check_hint returns
 * the i-th (0-based; borrowed from ex or r) or NULL past the end. */
size_t check_hint_count(const LessonExercise *ex, const CheckResult *r);
const char *check_hint(const LessonExercise *ex, const CheckResult *r, size_t i);

/* Looks an exercise up: its id ("gather-three"), LESSON/ID with the lesson's
 * id or number ("6/gather-three"), or a lesson id or number whose lesson has
 * exactly one exercise ("6"). NULL when none; *lesson_out set when found. */
const LessonExercise *check_find_exercise(const LessonCourse *c, const char *name,
                                          const Lesson **lesson_out);

/* The whole of a file ("-": standard input), NUL-terminated, length in
 * *len; NULL with errno set when it cannot be read. Caller frees. */
char *check_read_file(const char *path, size_t *len);

/* Says on stderr, as "aiotutor: CMD: ...", when the lesson pack did not
 * load whole: false (the command then exits 2) when no lesson loaded at
 * all, with the first problem at its file and line; true with one warning
 * line when some lessons were left out; true and silent otherwise. */
bool check_course_report(const LessonCourse *c, const char *cmd);

/* ------------------------------------------------------------ formats */

#define CHECK_FORMATS(X)                                                                           \
    X(TEXT, "text")                                                                                \
    X(JSON, "json")             /* Exercism test runner results.json, version 3 */                \
    X(JUNIT, "junit")           /* JUnit XML */                                                    \
    X(TAP, "tap")               /* TAP version 13 */                                               \
    X(GRADESCOPE, "gradescope") /* Gradescope autograder results.json */

typedef enum CheckFormat {
#define X(name, str) CHECK_FORMAT_##name,
    CHECK_FORMATS(X)
#undef X
        CHECK_FORMAT_COUNT
} CheckFormat;

extern const char *const check_format_names[CHECK_FORMAT_COUNT];
/* By name; -1 when unknown. */
int check_format_parse(const char *name);

/* Prints r in the format. `student` hides the details of hidden checks (a
 * student's view); an instructor's view shows everything. color: ANSI
 * colours in the text format. Returns 0, or -1 on a write error. */
int check_format_print(FILE *f, CheckFormat fmt, const CheckResult *r, bool student, bool color);

/* JSON string escaping into f (with the quotes); for the other commands. */
void check_json_string(FILE *f, const char *s);

#endif
