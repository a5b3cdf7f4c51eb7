/* ui_curses: the one file of aiotutor that talks to the terminal (ncursesw).
 *
 * It owns the terminal from initscr to endwin: keys and mouse in (as ui.h
 * key numbers), the canvas out, signals, resizes, and suspending the screen
 * while an editor runs. Everything it shows comes from ui_draw. */
#ifndef AIO_UI_CURSES_H
#define AIO_UI_CURSES_H

#include "app/ui.h"

#include <stdbool.h>

typedef struct UiTermOptions {
    bool ascii;              /* force ASCII glyphs */
    bool no_color;           /* NO_COLOR: attributes only */
    bool mouse;              /* enable the mouse (default on) */
    const char *timing_file; /* AIOTUTOR_TIMING: write first-frame and redraw times */
} UiTermOptions;

/* True when the locale's character set is UTF-8 (call after setlocale). */
bool ui_curses_locale_utf8(void);

/* Runs the tutor until the student quits or a signal asks it to stop.
 * Returns the exit status: 0 after q, 130 after Ctrl-C (SIGINT), 143 after
 * SIGTERM, 129 after SIGHUP, 2 when there is no terminal to draw on. */
int ui_curses_run(Ui *ui, const UiTermOptions *opt, double t_start);

/* Monotonic seconds. */
double ui_curses_now(void);

/* Start-up phases for AIOTUTOR_TIMING: records the wall and CPU time at
 * which `what` (a string literal) was reached; the timing file lists them
 * with the first frame. */
void ui_curses_mark(const char *what);

#endif
