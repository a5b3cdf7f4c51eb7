/* lesson: the course model and its loader.
 *
 * A course is a directory of lesson folders; a lesson folder holds
 * lesson.json (id, title, summary, key terms, pages, simulated network),
 * Markdown files for the prose and .py files for the code. The format is
 * documented for instructors in lessons/README.md; this header is the
 * contract for the code that draws (app/ui*), checks (issue 7) and validates
 * (app/cmd_validate.c) lessons.
 *
 * The model is plain C data: no curses, no cJSON, no engine. Every string is
 * NUL-terminated, owned by the model, and freed by lesson_free() /
 * lesson_course_free(); consumers read the structs and never modify them.
 *
 * Loading never prints and never stops at the first problem: every problem
 * becomes a LessonDiag with the file, line and column (1-based) and a
 * sentence that says what to fix. A lesson with an error is left out of the
 * course (its diagnostics say why); the other lessons still load.
 *
 * Times are integer nanoseconds of virtual time (the engine's clock unit):
 * a lesson file writes seconds (1.5) and the loader stores round(s * 1e9).
 */
#ifndef AIO_LESSON_H
#define AIO_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- problems */

typedef enum LessonSeverity {
    LESSON_ERROR,   /* the lesson is not loaded */
    LESSON_WARNING, /* loaded, but something is probably a mistake (unknown key) */
} LessonSeverity;

typedef struct LessonDiag {
    LessonSeverity severity;
    char *file;    /* path of the offending file, as opened */
    int line, col; /* 1-based; 0, 0 when the problem is the file as a whole */
    char *message; /* one sentence: what is wrong and what to do */
} LessonDiag;

/* A growable list of diagnostics (init to {0}; lesson_diags_fini frees). */
typedef struct LessonDiags {
    LessonDiag *items;
    size_t count, cap;
} LessonDiags;

void lesson_diags_fini(LessonDiags *d);
/* Adds a diagnostic (copies file and the formatted message). */
void lesson_diags_add(LessonDiags *d, LessonSeverity sev, const char *file, int line, int col,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
size_t lesson_diags_errors(const LessonDiags *d); /* number of LESSON_ERROR */

/* ------------------------------------------------------------------- code */

/* A program of the lesson: a .py file in the lesson folder. */
typedef struct LessonCode {
    char *file;    /* name as written in lesson.json ("demo.py"); NULL = none */
    char *path;    /* the file's path (lesson dir + file) */
    char *source;  /* its text */
    int line, col; /* where lesson.json names it (for errors about the code) */
} LessonCode;

/* ------------------------------------------------------- exercise checks */

/* What an exercise can declare (issue 7). "type" and "op" in lesson.json. */
#define LESSON_CHECK_TYPES(X)                                                                      \
    X(OUTPUT, "output")             /* the program's stdout */                                     \
    X(TIME, "time")                 /* elapsed virtual time of the whole run */                    \
    X(CONCURRENCY, "concurrency")   /* what the timeline shows */                                  \
    X(STRUCTURE, "structure")       /* a construct used or avoided */                              \
    X(NO_EXCEPTION, "no_exception") /* no uncaught exception */                                    \
    X(NO_WARNING, "no_warning")     /* nothing like "was never awaited" on stderr */

typedef enum LessonCheckType {
#define X(name, str) LESSON_CHECK_##name,
    LESSON_CHECK_TYPES(X)
#undef X
        LESSON_CHECK_TYPE_COUNT
} LessonCheckType;

/* op: the comparison; the third column is the type it belongs to. */
#define LESSON_CHECK_OPS(X)                                                                        \
    X(NONE, "", NO_EXCEPTION)                                                                      \
    X(EXACT, "exact", OUTPUT)                          /* stdout == expected */                    \
    X(CONTAINS, "contains", OUTPUT)                    /* expected is a substring */               \
    X(REGEX, "regex", OUTPUT)                          /* POSIX ERE search, REG_NEWLINE */         \
    X(LINES_ANY_ORDER, "lines_any_order", OUTPUT)      /* same multiset of lines */                \
    X(AT_MOST, "at_most", TIME)                        /* elapsed <= seconds */                    \
    X(AT_LEAST, "at_least", TIME)                      /* elapsed >= seconds */                    \
    X(ABOUT, "about", TIME)                            /* |elapsed - seconds| <= tolerance */      \
    X(MIN_WAITING, "min_waiting", CONCURRENCY)         /* >= tasks sleeping/awaiting at once */    \
    X(LONGEST_NOT_SUM, "longest_not_sum", CONCURRENCY) /* elapsed ~ longest task, < sum */         \
    X(USES, "uses", STRUCTURE)                         /* construct happened in the run */         \
    X(AVOIDS, "avoids", STRUCTURE)                     /* construct never happened */

typedef enum LessonCheckOp {
#define X(name, str, type) LESSON_OP_##name,
    LESSON_CHECK_OPS(X)
#undef X
        LESSON_OP_COUNT
} LessonCheckOp;

/* Constructs a structure check names ("construct" in lesson.json). */
#define LESSON_CONSTRUCTS(X)                                                                       \
    X(NONE, "", "")                                                                                \
    X(GATHER, "gather", "asyncio.gather is called")                                                \
    X(CREATE_TASK, "create_task", "asyncio.create_task is called")                                 \
    X(TASK_GROUP, "task_group", "an asyncio.TaskGroup is used")                                    \
    X(WAIT_FOR, "wait_for", "asyncio.wait_for is called")                                          \
    X(TIMEOUT, "timeout", "asyncio.timeout is used")                                               \
    X(SEMAPHORE, "semaphore", "an asyncio.Semaphore is used")                                      \
    X(QUEUE, "queue", "an asyncio.Queue is used")                                                  \
    X(AIOHTTP, "aiohttp", "aiohttp is used for a request")                                         \
    X(TIME_SLEEP, "time_sleep", "time.sleep is called")                                            \
    X(BLOCKING_IN_ASYNC, "blocking_in_async",                                                      \
      "a blocking call (time.sleep, requests.get) runs inside an async def")                       \
    X(UNAWAITED_COROUTINE, "unawaited_coroutine", "a coroutine is never awaited")                  \
    X(PENDING_TASK_AT_EXIT, "pending_task_at_exit", "a task is still pending when main returns")

typedef enum LessonConstruct {
#define X(name, str, desc) LESSON_CONSTRUCT_##name,
    LESSON_CONSTRUCTS(X)
#undef X
        LESSON_CONSTRUCT_COUNT
} LessonConstruct;

typedef struct LessonCheck {
    LessonCheckType type;
    LessonCheckOp op;          /* LESSON_OP_NONE for no_exception / no_warning */
    char *expected;            /* OUTPUT: the text, or the regex; else NULL */
    int64_t time_ns;           /* TIME: the bound ("seconds") */
    int64_t tolerance_ns;      /* TIME about, LONGEST_NOT_SUM: allowed slack (default 0.05 s) */
    int tasks;                 /* MIN_WAITING: N */
    LessonConstruct construct; /* STRUCTURE */
    char *message;             /* shown to the student when the check fails */
    int points;                /* partial credit; default 1 */
    bool hidden;               /* run and scored, details not shown; default false */
    bool robust;               /* must hold under other legal schedules too; default false */
    int line, col;             /* the check object in lesson.json */
} LessonCheck;

/* Verdicts the run alone decides (shared by validate and the exercise
 * checker). An OUTPUT check on the program's stdout: exact, contains, regex
 * (POSIX ERE, REG_NEWLINE: ^ and $ match at line ends), lines_any_order (the
 * same lines, counted, in any order; a final newline does not make a line). */
bool lesson_check_output_passes(const LessonCheck *ck, const char *out);
/* A TIME check on the elapsed virtual time. */
bool lesson_check_time_passes(const LessonCheck *ck, int64_t elapsed_ns);

extern const char *const lesson_check_type_names[LESSON_CHECK_TYPE_COUNT];
extern const char *const lesson_check_op_names[LESSON_OP_COUNT];
extern const char *const lesson_construct_names[LESSON_CONSTRUCT_COUNT];
extern const char *const lesson_construct_descriptions[LESSON_CONSTRUCT_COUNT];

/* ------------------------------------------------------------------ pages */

#define LESSON_PAGE_KINDS(X)                                                                       \
    X(TEXT, "text")               /* prose only */                                                 \
    X(DEMO, "demo")               /* a program run live (optionally two, side by side) */          \
    X(QUESTION, "question")       /* multiple choice / predict the output / the time */            \
    X(EXERCISE, "exercise")       /* the student writes code; checks decide */                     \
    X(WALKTHROUGH, "walkthrough") /* a demo in step mode with notes on steps */

typedef enum LessonPageKind {
#define X(name, str) LESSON_PAGE_##name,
    LESSON_PAGE_KINDS(X)
#undef X
        LESSON_PAGE_KIND_COUNT
} LessonPageKind;

extern const char *const lesson_page_kind_names[LESSON_PAGE_KIND_COUNT];

typedef struct LessonDemo {
    LessonCode code;
    LessonCode compare;      /* optional second program (compare.file == NULL: none) */
    double speed;            /* clock speed for the live run, 0.25..8; default 1 */
    char *output;            /* what `code` prints (stdout), as CPython prints it */
    char *compare_output;    /* what `compare` prints; NULL when no compare */
    int64_t time_ns;         /* elapsed virtual time of `code`; -1 = not stated */
    int64_t compare_time_ns; /* of `compare`; -1 = not stated */
    char **stderr_lines;     /* lines `code`'s stderr must contain (a warning, an
                                exception's last line); a traceback's other lines
                                name CPython's library files and are not stated */
    size_t nstderr_lines;
} LessonDemo;

typedef enum LessonQuestionKind {
    LESSON_Q_CHOICE, /* "choice": pick one of choices */
    LESSON_Q_OUTPUT, /* "output": predict what code prints */
    LESSON_Q_TIME,   /* "time": predict the elapsed virtual time of code */
} LessonQuestionKind;

typedef struct LessonQuestion {
    LessonQuestionKind kind;
    char *prompt;    /* the question (Markdown, one paragraph) */
    LessonCode code; /* required for output/time; optional for choice */
    char **choices;  /* required for choice; optional for output/time (then one is right) */
    size_t nchoices;
    int correct;          /* index into choices; -1 when there are no choices */
    char *answer;         /* OUTPUT: the exact output of code; else NULL */
    int64_t answer_ns;    /* TIME: the elapsed time of code; else -1 */
    int64_t tolerance_ns; /* TIME: how close a typed answer must be (default 0.05 s) */
    char *explanation;    /* shown after answering (Markdown) */
} LessonQuestion;

typedef struct LessonExercise {
    char *id;            /* unique in the course: `aiotutor check ID FILE` */
    LessonCode starter;  /* what the student starts from; fails a check */
    LessonCode solution; /* reference solution; passes every check */
    char **hints;        /* progressive: shown one at a time */
    size_t nhints;
    LessonCheck *checks;
    size_t nchecks;
} LessonExercise;
/* The exercise's prompt is the page's `text`. */

typedef struct LessonStepNote {
    int step;   /* 1-based task step (resume -> next suspension) */
    char *text; /* Markdown */
} LessonStepNote;

typedef struct LessonWalkthrough {
    LessonCode code;
    LessonStepNote *notes; /* sorted by step */
    size_t nnotes;
    char *output;    /* what code prints; NULL = not stated */
    int64_t time_ns; /* its elapsed virtual time; -1 = not stated */
} LessonWalkthrough;

typedef struct LessonPage {
    LessonPageKind kind;
    char *title;     /* short title (TOC, header); never NULL */
    char *text;      /* Markdown prose from the page's .md file; NULL = none */
    char *text_file; /* its name as written in lesson.json; NULL = none */
    int line, col;   /* the page object in lesson.json */
    /* The member matching `kind` is filled; the others are zero. */
    LessonDemo demo;
    LessonQuestion question;
    LessonExercise exercise;
    LessonWalkthrough walk;
} LessonPage;

/* ---------------------------------------------------- simulated network */

typedef struct LessonUrl {
    char *url;
    int64_t latency_ns; /* time from request to response */
    long size;          /* bytes the response reports (default: strlen(body)) */
    int status;         /* HTTP status (default 200) */
    char *body;         /* what r.text() / requests' .text returns */
} LessonUrl;

/* Defaults for URLs a lesson does not list (documented in lessons/README.md). */
#define LESSON_NET_DEFAULT_LATENCY_NS 500000000LL /* 0.5 s */
#define LESSON_NET_DEFAULT_STATUS     200
/* Default body: "<content of URL>" (e.g. "<content of https://x.org/a>");
 * a listed URL with "size" but no "body" gets that text repeated and cut to
 * exactly `size` characters. */

/* ------------------------------------------------------------ lesson, course */

typedef struct LessonTerm {
    char *term;    /* "await" */
    char *meaning; /* one or two sentences (Markdown) */
} LessonTerm;

typedef struct Lesson {
    char *id;   /* unique, e.g. "sequential-awaits" */
    char *dir;  /* the lesson folder's path */
    int number; /* 1-based position in its course (0 when loaded alone) */
    char *title;
    char *summary;     /* one or two sentences for the table of contents */
    LessonTerm *terms; /* key terms, in order */
    size_t nterms;
    /* The pages in order. The loader appends one last TEXT page titled
     * "Key terms" whose text is Markdown built from `terms`, so a viewer
     * that shows pages shows the summary without special-casing it. */
    LessonPage *pages;
    size_t npages;
    LessonUrl *urls; /* simulated network, in file order */
    size_t nurls;
} Lesson;

typedef struct LessonCourse {
    char *dir;        /* the course directory */
    char *title;      /* from course.json, or "Introduction to asyncio" */
    Lesson **lessons; /* the lessons that loaded, in course order */
    size_t nlessons;
    LessonDiags diags; /* every problem found, errors and warnings */
} LessonCourse;

/* Loads one lesson folder. Returns NULL when it has errors (added to
 * `diags`, which must not be NULL); warnings are added and the lesson is
 * still returned. */
Lesson *lesson_load(const char *dir, LessonDiags *diags);

/* A simulated network alone (`aiotutor run --net=FILE`): FILE holds an
 * object with a "network" member as in lesson.json, or that member alone.
 * The Lesson has only urls/nurls set; NULL with errors in diags. */
Lesson *lesson_net_load(const char *path, LessonDiags *diags);
void lesson_free(Lesson *l);

/* Loads a course directory: the folders listed in DIR/course.json
 * ({"title": ..., "lessons": ["01-waiting", ...]}) in that order, or when
 * there is no course.json, every subfolder holding a lesson.json in name
 * order. When DIR itself holds a lesson.json, the course is that one lesson
 * (an instructor validating or opening a single lesson folder).
 * Returns NULL only when out of memory; an unreadable directory gives
 * an empty course with a diagnostic. Duplicate lesson or exercise ids are
 * errors (the later lesson is left out). */
LessonCourse *lesson_course_load(const char *dir);
void lesson_course_free(LessonCourse *c);

/* The built-in course's directory: $AIOTUTOR_LESSONS if set, else the
 * installed $(pkgdatadir)/lessons if it exists, else the source tree's
 * lessons/ (running uninstalled). The string is static. */
const char *lesson_default_dir(void);

/* A lesson by id, or by 1-based number written in decimal ("3"); NULL if none. */
const Lesson *lesson_course_find(const LessonCourse *c, const char *id_or_number);

/* An exercise by id across the course; sets *lesson_out when not NULL. */
const LessonExercise *lesson_course_find_exercise(const LessonCourse *c, const char *id,
                                                  const Lesson **lesson_out);

/* The simulated response for URL: the lesson's entry, or the defaults
 * (latency 0.5 s, status 200, body "<content of URL>", size its length).
 * Fills *out with pointers that live as long as `l` and buf, a buffer the
 * caller provides for the default body (at least strlen(url) + 16 bytes).
 * `l` may be NULL (defaults only). */
void lesson_net_lookup(const Lesson *l, const char *url, LessonUrl *out, char *buf, size_t bufsize);

#endif
