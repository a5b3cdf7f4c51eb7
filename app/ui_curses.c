/* ui_curses: the terminal layer (see ui_curses.h). The only file of app/
 * that includes curses.
 *
 * The loop, tmux-style: draw once when something changed, then sleep in
 * poll() on the terminal until a key arrives or the running program's next
 * moment is due (ui_tick's timeout; -1 when nothing runs, so an idle tutor
 * uses no CPU at all). Signal handlers only set a flag that the loop reads;
 * the one exception is a crash (SIGSEGV and friends), whose handler puts the
 * terminal back with async-signal-safe calls before dying, so a bug never
 * leaves the student's terminal in raw mode on the alternate screen. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "app/ui_curses.h"

#include "app/ui_canvas.h"

#include <curses.h>
#include <term.h> /* tigetstr: can this terminal place the cursor? */
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal; /* the signal that asks us to stop */
static struct termios saved_tio;
static bool have_saved_tio;

double ui_curses_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_ms(void)
{
    struct timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    return (double)cpu.tv_sec * 1e3 + (double)cpu.tv_nsec / 1e6;
}

typedef struct Mark {
    const char *what;
    double wall, cpu;
} Mark;
static Mark marks[8];
static int nmarks;

void ui_curses_mark(const char *what)
{
    if (nmarks < (int)(sizeof marks / sizeof marks[0]))
        marks[nmarks++] = (Mark){what, ui_curses_now(), cpu_ms()};
}

bool ui_curses_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void on_stop_signal(int sig)
{
    got_signal = sig;
}

/* Crash: restore what we can with async-signal-safe calls, then die of the
 * same signal (so the shell reports it and a core is dumped as usual). */
static void on_fatal_signal(int sig)
{
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l" /* mouse off */
                                "\033[0m\033[?25h"                  /* attrs, cursor */
                                "\033[?1049l\r\n";                  /* main screen */
    if (have_saved_tio) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
    ssize_t w = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)w;
    static const char msg[] = "aiotutor: crashed (a bug); the terminal was restored\n";
    w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

/* ----------------------------------------------------------- attributes */

static attr_t role_attr[ROLE_COUNT];
static short role_pair[ROLE_COUNT];

static void setup_colours(const Theme *t, bool no_color)
{
    bool colour = t->colour && !no_color && has_colors();
    if (colour) {
        start_color();
        use_default_colors(); /* keep the terminal's own background */
    }
    short next = 1;
    for (int r = 0; r < ROLE_COUNT; r++) {
        const ThemeStyle *s = &t->style[r];
        attr_t a = A_NORMAL;
        if (s->attrs & THEME_BOLD) a |= A_BOLD;
        if (s->attrs & THEME_UNDERLINE) a |= A_UNDERLINE;
        if (s->attrs & THEME_REVERSE) a |= A_REVERSE;
        if (s->attrs & THEME_DIMATTR) a |= A_DIM;
#ifdef A_ITALIC
        if (s->attrs & THEME_ITALIC) a |= A_ITALIC;
#endif
        role_pair[r] = 0;
        if (colour && (s->fg != THEME_DEFAULT || s->bg != THEME_DEFAULT)) {
            short fg = (short)(s->fg - 1), bg = (short)(s->bg - 1); /* -1: default */
            /* Reuse a pair with the same colours. */
            short found = 0;
            for (int k = 0; k < r; k++)
                if (role_pair[k] && t->style[k].fg == s->fg && t->style[k].bg == s->bg)
                    found = role_pair[k];
            if (!found && next < COLOR_PAIRS) {
                init_pair(next, fg, bg);
                found = next++;
            }
            role_pair[r] = found;
        } else if (!colour && (s->fg != THEME_DEFAULT || s->bg != THEME_DEFAULT) &&
                   s->bg != THEME_DEFAULT) {
            a |= A_REVERSE; /* a coloured bar keeps standing out */
        }
        role_attr[r] = a;
    }
}

/* ------------------------------------------------------------------ blit */

static void blit(const UiCanvas *c)
{
    for (int y = 0; y < c->h && y < LINES; y++) {
        move(y, 0);
        for (int x = 0; x < c->w && x < COLS; x++) {
            const UiCell *cell = &c->cells[y * c->w + x];
            if (cell->ch == UI_CANVAS_CONT) continue;
            int role = cell->role < ROLE_COUNT ? cell->role : 0;
            if (cell->ch < 0x80) {
                chtype ch = (chtype)cell->ch | role_attr[role] | COLOR_PAIR(role_pair[role]);
                if (y == LINES - 1 && x == COLS - 1)
                    insch(ch); /* the bottom-right cell: adding would scroll */
                else
                    addch(ch);
            } else {
                wchar_t wc[2] = {(wchar_t)cell->ch, 0};
                cchar_t cc;
                setcchar(&cc, wc, role_attr[role], role_pair[role], NULL);
                if (y == LINES - 1 && x == COLS - 1)
                    ins_wch(&cc);
                else
                    add_wch(&cc);
            }
        }
    }
}

/* ------------------------------------------------------------------ keys */

static int map_key(int r, wint_t k)
{
    if (r == OK) {
        switch (k) {
        case '\n':
        case '\r': return UI_KEY_ENTER;
        case 27: return UI_KEY_ESC;
        case '\t': return UI_KEY_TAB;
        case 127:
        case 8: return UI_KEY_BACKSPACE;
        case 12: return UI_KEY_REDRAW;
        case 3: return -3; /* Ctrl-C arriving as a key (raw terminals) */
        default: return (int)k;
        }
    }
    switch (k) {
    case KEY_UP: return UI_KEY_UP;
    case KEY_DOWN: return UI_KEY_DOWN;
    case KEY_LEFT: return UI_KEY_LEFT;
    case KEY_RIGHT: return UI_KEY_RIGHT;
    case KEY_PPAGE: return UI_KEY_PGUP;
    case KEY_NPAGE: return UI_KEY_PGDN;
    case KEY_HOME: return UI_KEY_HOME;
    case KEY_END: return UI_KEY_END;
    case KEY_ENTER: return UI_KEY_ENTER;
    case KEY_BTAB: return UI_KEY_BTAB;
    case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
    default:
        if (k >= KEY_F(1) && k <= KEY_F(12)) return UI_KEY_F((int)(k - KEY_F0));
        return 0;
    }
}

/* --------------------------------------------------------------- editor */

static int run_editor(const char *path)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed) ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = access("/usr/bin/sensible-editor", X_OK) == 0 ? "/usr/bin/sensible-editor" : "vi";
    def_prog_mode();
    endwin();
    char cmd[1024];
    /* Through the shell, so "code -w" or "emacs -nw" work as EDITOR does
     * elsewhere; the path is passed as $1, never spliced into the text. */
    snprintf(cmd, sizeof cmd, "%s \"$1\"", ed);
    struct sigaction ign, old_int, old_quit;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    int status = -1;
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    reset_prog_mode();
    clearok(curscr, TRUE);
    if (pid < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ----------------------------------------------------------- file watch */

/* The exercise file, watched with inotify so that a save from another
 * window reruns it without any polling (idle stays idle). The directory is
 * watched, not the file: editors save by writing a new file and renaming
 * it over the old one. */
typedef struct Watch {
    int fd, wd;
    char path[4200];
} Watch;

static void watch_update(Watch *w, const char *path)
{
    if (w->fd < 0) return;
    if (path && strcmp(path, w->path) == 0) return;
    if (w->wd >= 0) inotify_rm_watch(w->fd, w->wd);
    w->wd = -1;
    w->path[0] = 0;
    if (!path) return;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) return;
    *slash = 0;
    w->wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO);
    if (w->wd >= 0) snprintf(w->path, sizeof w->path, "%s", path);
}

/* Reads pending events; true if one was about the watched file. */
static bool watch_read(Watch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    const char *base = strrchr(w->path, '/');
    base = base ? base + 1 : w->path;
    bool hit = false;
    ssize_t n;
    while ((n = read(w->fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (ev->wd == w->wd && ev->len && strcmp(ev->name, base) == 0) hit = true;
            p += sizeof *ev + ev->len;
        }
    }
    return hit;
}

/* ------------------------------------------------------------------ loop */

int ui_curses_run(Ui *ui, const UiTermOptions *opt, double t_start)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr,
                "aiotutor: the tutor needs a terminal (for a batch run: aiotutor run FILE)\n");
        return 2;
    }
    if (tcgetattr(STDIN_FILENO, &saved_tio) == 0) have_saved_tio = true;
    install_signals();
    /* newterm, not initscr: initscr exits on an unknown TERM, and the
     * student deserves a sentence that says what to do. */
    const char *term = getenv("TERM");
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        fprintf(stderr, "aiotutor: cannot use this terminal (TERM=%s); try TERM=xterm-256color\n",
                term ? term : "unset");
        return 2;
    }
    set_term(scr);
    ui_curses_mark("terminal open");
    const char *cup = tigetstr("cup");
    if (!cup || cup == (const char *)-1) {
        endwin();
        delscreen(scr);
        fprintf(stderr,
                "aiotutor: this terminal (TERM=%s) cannot move the cursor, so it cannot show "
                "the tutor; use a full-screen terminal (TERM=xterm-256color)\n",
                term ? term : "unset");
        return 2;
    }
    cbreak(); /* Ctrl-C stays a signal: one way to quit, handled below */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    /* No typeahead poll in the middle of each refresh: keys are read
     * right after it anyway. */
    typeahead(-1);
    curs_set(0);
    leaveok(stdscr, TRUE);
    setup_colours(ui_theme(ui), opt->no_color);
    if (opt->mouse) {
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }

    UiCanvas canvas = {0};
    canvas.ascii = opt->ascii;
    ui_canvas_resize(&canvas, COLS, LINES);
    ui_resize(ui, COLS, LINES);
    /* ncurses (6.4) flushes its output at every cursor movement until the
     * screen has been suspended and resumed once (its "_endwin" stays
     * "initial" after newterm): a full 200x60 repaint went out in ~190
     * write(2) calls of ~48 bytes. A suspend/resume pair before the first
     * frame puts it in its running state: one write per frame. */
    endwin();
    refresh();
    ui_curses_mark("curses set up");

    Watch watch = {inotify_init1(IN_NONBLOCK | IN_CLOEXEC), -1, ""};
    FILE *timing = opt->timing_file ? fopen(opt->timing_file, "w") : NULL;
    bool first = true, dirty = true, was_running = false;
    int status = 0;
    while (!ui_quit_requested(ui)) {
        if (got_signal) {
            int s = got_signal;
            status = 128 + s;
            break;
        }
        double now = ui_curses_now();
        int wait = ui_tick(ui, now);
        if (wait >= 0 || was_running)
            dirty = true; /* a program is running (or just ended): time moves */
        was_running = wait >= 0;
        if (dirty) {
            double t0 = ui_curses_now(), c0 = timing ? cpu_ms() : 0;
            ui_draw(ui, &canvas);
            double tm = ui_curses_now();
            blit(&canvas);
            double tb = ui_curses_now();
            refresh();
            if (timing) {
                double t1 = ui_curses_now();
                if (first) {
                    /* Wall time suffers from a loaded machine; CPU time
                     * is the work itself (process start to this frame). */
                    fprintf(timing, "first_frame_ms %.3f cpu_ms %.3f\n", (t1 - t_start) * 1e3,
                            cpu_ms());
                    for (int i = 0; i < nmarks; i++)
                        fprintf(timing, "phase %s wall_ms %.3f cpu_ms %.3f\n", marks[i].what,
                                (marks[i].wall - t_start) * 1e3, marks[i].cpu);
                }
                /* CPU time too: on a loaded machine the wall time is mostly
                 * waiting for a core (and for the terminal to read). */
                fprintf(timing, "frame %dx%d draw_ms %.3f model_ms %.3f copy_ms %.3f cpu_ms %.3f\n",
                        COLS, LINES, (t1 - t0) * 1e3, (tm - t0) * 1e3, (tb - tm) * 1e3,
                        cpu_ms() - c0);
                fflush(timing);
            }
            first = false;
            dirty = false;
        }
        watch_update(&watch, ui_watch_path(ui));
        struct pollfd pfds[3] = {
            {STDIN_FILENO, POLLIN, 0}, {watch.fd, POLLIN, 0}, {ui_wait_fd(ui), POLLIN, 0}};
        struct pollfd pfd;
        int pr = poll(pfds, 3, wait); /* fd -1 entries are ignored */
        pfd = pfds[0];
        if (pr > 0 && pfds[2].fd >= 0 && pfds[2].revents)
            dirty = true; /* the checker has news: ui_tick reads it */
        if (pr > 0 && watch.fd >= 0 && (pfds[1].revents & POLLIN) && watch_read(&watch)) {
            ui_file_changed(ui, ui_curses_now());
            dirty = true;
        }
        if (pr < 0 && errno != EINTR) break;
        if (pr > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(pfd.revents & POLLIN)) {
            status = 129; /* the terminal went away */
            break;
        }
        /* Read everything that is there (also after EINTR: a resize
         * arrives as KEY_RESIZE from ncurses' own SIGWINCH handler). */
        wint_t k;
        int r;
        while ((r = wget_wch(stdscr, &k)) != ERR) {
            now = ui_curses_now();
            dirty = true;
            if (r == KEY_CODE_YES && k == KEY_RESIZE) {
                ui_canvas_resize(&canvas, COLS, LINES);
                ui_resize(ui, COLS, LINES);
                clearok(curscr, TRUE);
                continue;
            }
            if (r == KEY_CODE_YES && k == KEY_MOUSE) {
                MEVENT me;
                if (getmouse(&me) == OK) {
                    int b = (me.bstate & BUTTON4_PRESSED)                       ? 4
                            : (me.bstate & BUTTON5_PRESSED)                     ? 5
                            : (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) ? 1
                                                                                : 0;
                    if (b) ui_mouse(ui, me.y, me.x, b, now);
                }
                continue;
            }
            int key = map_key(r, k);
            if (key == -3) {
                got_signal = SIGINT;
                break;
            }
            if (key == UI_KEY_REDRAW) clearok(curscr, TRUE);
            if (key) ui_key(ui, key, now);
            char path[4200];
            if (ui_take_edit(ui, path, sizeof path)) {
                int st = run_editor(path);
                if (watch.fd >= 0) watch_read(&watch); /* the editor's own saves: handled here */
                ui_edit_done(ui, st, ui_curses_now());
                /* The terminal may have changed size while the editor ran. */
                ui_canvas_resize(&canvas, COLS, LINES);
                ui_resize(ui, COLS, LINES);
            }
            if (ui_quit_requested(ui)) break;
        }
    }
    if (timing) fclose(timing);
    if (watch.fd >= 0) close(watch.fd);
    endwin();
    delscreen(scr);
    ui_canvas_fini(&canvas);
    return status;
}
