/* cmd_watch: `aiotutor watch [DIR]`, the companion of a student's editor.
 *
 * Watches a workspace (aiotutor workspace DIR) with inotify; each time a
 * file NN-ID.py (or ID.py) is saved it checks it against exercise ID and
 * prints the result as plain lines (no curses: it runs beside the editor in
 * any terminal). Keys, read one at a time (the terminal in non-canonical
 * mode, restored on exit, Ctrl-C included): h the next hint, s the solution
 * (once the exercise passes), c check now, q quit. Without a terminal on
 * stdin the same letters may be piped in, one per byte. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "app/check.h"
#include "app/cli.h"

int cli_watch(int argc, char **argv);

/* Saves (an editor's write or its atomic rename), and the workspace itself
 * going away. */
#define WATCH_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

static volatile sig_atomic_t stop_requested;
static struct termios saved_tio;
static bool tio_saved;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1; /* the loop restores the terminal and leaves */
}

static void restore_terminal(void)
{
    if (tio_saved) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
        tio_saved = false;
    }
}

static void raw_mode(void)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) != 0)
        return;
    tio_saved = true;
    atexit(restore_terminal);
    struct termios t = saved_tio;
    t.c_lflag &= (tcflag_t) ~(ICANON | ECHO); /* ISIG stays: Ctrl-C is a signal */
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
}

static void print_help(void)
{
    printf("Usage: aiotutor watch [OPTION]... [DIR]\n"
           "Watch a workspace made by 'aiotutor workspace DIR' (default: the current\n"
           "directory) and check an exercise file each time it is saved: NN-ID.py or\n"
           "ID.py is checked against exercise ID.\n"
           "\n"
           "Keys: h next hint, s show the solution (once the exercise passes),\n"
           "      c check now, q quit.\n"
           "\n"
           "  --lessons=DIR  the lesson pack (default: the built-in course)\n"
           "  --timeout=SEC  CPU-time limit per run of the program (default 5)\n"
           "  -h, --help     display this help and exit\n");
}

/* The exercise a file name stands for: ID.py or NN-ID.py. */
static const LessonExercise *exercise_for(const LessonCourse *c, const char *name,
                                          const Lesson **l)
{
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 3, ".py") != 0 || name[0] == '.')
        return NULL;
    char stem[256];
    snprintf(stem, sizeof stem, "%.*s", (int)(n - 3), name);
    const LessonExercise *e = lesson_course_find_exercise(c, stem, l);
    if (e)
        return e;
    const char *p = stem;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p > stem && *p == '-')
        return lesson_course_find_exercise(c, p + 1, l);
    return NULL;
}

typedef struct Watch {
    const LessonCourse *c;
    const char *dir;
    CheckOptions opt;
    char current[256]; /* file name of the current exercise, "" none */
    const LessonExercise *ex;
    const Lesson *lesson;
    CheckResult *last;
    size_t next_hint;
    bool color;
} Watch;

static void legend(const Watch *w)
{
    printf("-- [h] hint%s  [s] solution  [c] check now  [q] quit --\n",
           w->ex && w->next_hint < check_hint_count(w->ex, w->last) ? "" : " (none left)");
    fflush(stdout);
}

static void check_now(Watch *w)
{
    if (!w->ex) {
        printf("No exercise yet: save a file of the workspace (NN-ID.py).\n");
        legend(w);
        return;
    }
    char *path = NULL;
    if (asprintf(&path, "%s/%s", w->dir, w->current) < 0)
        return;
    size_t len = 0;
    char *src = check_read_file(path, &len);
    time_t now = time(NULL);
    char stamp[16];
    strftime(stamp, sizeof stamp, "%H:%M:%S", localtime(&now));
    printf("\n===== %s  %s =====\n", stamp, w->current);
    if (!src) {
        printf("can't read %s: %s\n", path, strerror(errno));
        free(path);
        legend(w);
        return;
    }
    CheckResult *r = check_run_isolated(w->lesson, w->ex, src, len, w->current, &w->opt, 0, 0);
    free(src);
    free(path);
    if (!r) {
        printf("out of memory\n");
        return;
    }
    check_format_print(stdout, CHECK_FORMAT_TEXT, r, true, w->color);
    if (r->passed)
        printf("%sAll checks pass.%s Press s to compare with the reference solution.\n",
               w->color ? "\033[1;32m" : "", w->color ? "\033[0m" : "");
    check_result_free(w->last);
    w->last = r;
    legend(w);
}

static void select_file(Watch *w, const char *name)
{
    const Lesson *l = NULL;
    const LessonExercise *e = exercise_for(w->c, name, &l);
    if (!e)
        return;
    if (e != w->ex) {
        w->next_hint = 0; /* hints start over with a new exercise */
        check_result_free(w->last);
        w->last = NULL;
    }
    snprintf(w->current, sizeof w->current, "%s", name);
    w->ex = e;
    w->lesson = l;
}

/* Starts with the most recently changed exercise file of the workspace. */
static void pick_latest(Watch *w)
{
    DIR *d = opendir(w->dir);
    if (!d)
        return;
    struct dirent *de;
    struct timespec best = {0, 0};
    char name[256] = "";
    while ((de = readdir(d))) {
        if (!exercise_for(w->c, de->d_name, NULL))
            continue;
        char *p = NULL;
        struct stat st;
        if (asprintf(&p, "%s/%s", w->dir, de->d_name) >= 0 && stat(p, &st) == 0 &&
            (st.st_mtim.tv_sec > best.tv_sec ||
             (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec > best.tv_nsec))) {
            best = st.st_mtim;
            snprintf(name, sizeof name, "%s", de->d_name);
        }
        free(p);
    }
    closedir(d);
    if (name[0])
        select_file(w, name);
}

static void key(Watch *w, int k, bool *quit)
{
    switch (k) {
    case 'q':
    case 'Q': *quit = true; break;
    case 'c':
    case 'C': check_now(w); break;
    case 'h':
    case 'H': {
        if (!w->ex) {
            printf("No exercise yet.\n");
            break;
        }
        size_t n = check_hint_count(w->ex, w->last);
        if (w->next_hint >= n) {
            printf("No more hints for %s (%zu given).\n", w->ex->id, n);
        } else {
            printf("Hint %zu/%zu: %s\n", w->next_hint + 1, n, check_hint(w->ex, w->last, w->next_hint));
            w->next_hint++;
        }
        legend(w);
        break;
    }
    case 's':
    case 'S':
        if (!w->ex)
            printf("No exercise yet.\n");
        else if (!w->last || !w->last->passed)
            printf("The solution is shown once your program passes every check. Keep going!\n");
        else
            printf("Reference solution (%s):\n%s", w->ex->solution.file ? w->ex->solution.file : "",
                   w->ex->solution.source ? w->ex->solution.source : "");
        legend(w);
        break;
    default: break;
    }
    fflush(stdout);
}

int cli_watch(int argc, char **argv)
{
    Watch w;
    memset(&w, 0, sizeof w);
    check_options_init(&w.opt);
    const char *lessons = NULL;
    w.dir = ".";
    bool dir_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return 0;
        } else if (strncmp(a, "--lessons=", 10) == 0) {
            lessons = a + 10;
        } else if (strcmp(a, "--lessons") == 0 && i + 1 < argc) {
            lessons = argv[++i];
        } else if (strncmp(a, "--timeout=", 10) == 0) {
            char *end;
            double s = strtod(a + 10, &end);
            if (*end || !(s > 0) || s > 3600)
                return cli_usage_error("watch: invalid timeout '%s'", a + 10);
            w.opt.cpu_seconds = s;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("watch: unrecognized option '%s'", a);
        } else if (dir_given) {
            return cli_usage_error("watch: give one DIR");
        } else {
            w.dir = a;
            dir_given = true;
        }
    }
    struct stat st;
    if (stat(w.dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "aiotutor: watch: '%s' is not a directory (make one with 'aiotutor "
                        "workspace DIR')\n",
                w.dir);
        return 2;
    }
    LessonCourse *c = lesson_course_load(lessons ? lessons : lesson_default_dir());
    if (!c) {
        fprintf(stderr, "aiotutor: watch: out of memory\n");
        return 2;
    }
    if (!check_course_report(c, "watch")) {
        lesson_course_free(c);
        return 2;
    }
    w.c = c;
    w.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int wd = in < 0 ? -1 : inotify_add_watch(in, w.dir, WATCH_EVENTS);
    if (wd < 0) {
        fprintf(stderr, "aiotutor: watch: can't watch '%s': %s\n", w.dir, strerror(errno));
        lesson_course_free(c);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    raw_mode();
    setvbuf(stdout, NULL, _IOLBF, 0);

    printf("Watching %s: save an exercise file (NN-ID.py) to check it.\n", w.dir);
    pick_latest(&w);
    if (w.ex)
        check_now(&w);
    else
        legend(&w);

    bool quit = false, stdin_open = true, pending = false;
    char pending_name[256] = "";
    while (!quit && !stop_requested) {
        struct pollfd p[2] = {{in, POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
        /* A save is often several events (write, rename): check once they
         * settle. A workspace that went away is looked for twice a second. */
        int r = poll(p, 2, pending ? 150 : wd < 0 ? 500 : -1);
        if (r < 0 && errno != EINTR)
            break;
        if (r == 0 && wd < 0) {
            if ((wd = inotify_add_watch(in, w.dir, WATCH_EVENTS)) >= 0) {
                printf("\n%s is back: watching it again.\n", w.dir);
                pick_latest(&w);
                if (w.ex)
                    check_now(&w);
                else
                    legend(&w);
            }
            continue;
        }
        if (r == 0 && pending) {
            pending = false;
            select_file(&w, pending_name);
            check_now(&w);
            continue;
        }
        if (r > 0 && (p[0].revents & POLLIN)) {
            char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
            ssize_t n;
            while ((n = read(in, buf, sizeof buf)) > 0) {
                for (char *q = buf; q < buf + n;) {
                    struct inotify_event *ev = (struct inotify_event *)q;
                    q += sizeof *ev + ev->len;
                    if (ev->wd != wd || wd < 0)
                        continue; /* from a watch already given up */
                    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                        /* Deleted, or moved (its files are no longer at
                         * w.dir): wait for the path to come back rather
                         * than watch nothing in silence. */
                        inotify_rm_watch(in, wd);
                        wd = -1;
                        pending = false;
                        printf("\n%s was deleted or moved: waiting for it to come back "
                               "(q quits).\n",
                               w.dir);
                        continue;
                    }
                    if (ev->len && exercise_for(c, ev->name, NULL)) {
                        snprintf(pending_name, sizeof pending_name, "%s", ev->name);
                        pending = true;
                    }
                }
            }
        }
        if (r > 0 && stdin_open && (p[1].revents & (POLLIN | POLLHUP))) {
            char k;
            ssize_t n = read(STDIN_FILENO, &k, 1);
            if (n == 1)
                key(&w, k, &quit);
            else if (n == 0 || (errno != EINTR && errno != EAGAIN))
                stdin_open = false; /* keep watching; Ctrl-C still quits */
        }
    }
    restore_terminal();
    printf("\n");
    close(in);
    check_result_free(w.last);
    lesson_course_free(c);
    return 0;
}
