/* ui: the tutor's screen model: which lesson and page, which pane has the
 * focus, what is scrolled where, overlays (help, contents), the running
 * program. It reads keys as plain numbers and draws into a UiCanvas; it
 * never touches the terminal. app/ui_curses.c is the one thin layer that
 * does (keys in, canvas out, signals, suspend for an editor).
 *
 * Every action has a key from the table UI_KEYS (a letter, and an F-key
 * where one is customary); the help screen and the key bar are drawn from
 * the same table so they cannot disagree with what the keys do. */
#ifndef AIO_UI_H
#define AIO_UI_H

#include "app/theme.h"
#include "app/ui_canvas.h"

#include <stdbool.h>
#include <stddef.h>

/* Keys: a Unicode code point for text keys, or one of these. */
enum {
    UI_KEY_UP = 0x110000,
    UI_KEY_DOWN,
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_PGUP,
    UI_KEY_PGDN,
    UI_KEY_HOME,
    UI_KEY_END,
    UI_KEY_ENTER,
    UI_KEY_ESC,
    UI_KEY_TAB,
    UI_KEY_BTAB,
    UI_KEY_BACKSPACE,
    UI_KEY_REDRAW, /* Ctrl-L */
    UI_KEY_F0,     /* UI_KEY_F0 + n is Fn */
};
#define UI_KEY_F(n) (UI_KEY_F0 + (n))

typedef struct UiOptions {
    const char *lessons_dir; /* NULL: the built-in course */
    const char *lesson;      /* --lesson ID|N; NULL: resume */
    const char *theme;       /* NULL: "default" ("contrast" with --present) */
    bool ascii;              /* ASCII glyphs (or the locale is not UTF-8) */
    bool present;            /* presentation mode */
    bool no_color;           /* NO_COLOR set, or a monochrome terminal */
    const char *state_dir;   /* NULL: progress_default_dir() */
} UiOptions;

typedef struct Ui Ui;

/* Loads the course, the theme and the progress. NULL with a message in err
 * when the tutor cannot start (no lessons at all, an unknown theme). */
Ui *ui_new(const UiOptions *opt, char *err, size_t errlen);
void ui_free(Ui *ui); /* saves progress */

const Theme *ui_theme(const Ui *ui);

/* The terminal changed size (or the first size). */
void ui_resize(Ui *ui, int width, int height);
/* A key; `now` is monotonic seconds (for runs started by the key). */
void ui_key(Ui *ui, int key, double now);
/* A mouse event: button 1 click, 4 wheel up, 5 wheel down. */
void ui_mouse(Ui *ui, int y, int x, int button, double now);
/* Moves running programs forward; returns the ms until the next call is
 * wanted, or -1 when idle (wait for a key as long as it takes). */
int ui_tick(Ui *ui, double now);
/* Draws the whole screen into c (sized to the terminal). */
void ui_draw(Ui *ui, UiCanvas *c);

bool ui_quit_requested(const Ui *ui);
/* Shows a one-line message in the status line. */
void ui_message(Ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The editor request: when the student asks to edit an exercise, the UI
 * prepares the file and ui_take_edit returns true with its path; the
 * terminal layer runs the editor and calls ui_edit_done. */
bool ui_take_edit(Ui *ui, char *path, size_t len);
void ui_edit_done(Ui *ui, int status, double now);

/* The file to watch for changes (the exercise file of the page, while it
 * exists), or NULL. When it is saved from outside (an editor in another
 * window), the terminal layer calls ui_file_changed: the tutor reloads it
 * and runs it again. */
const char *ui_watch_path(const Ui *ui);
void ui_file_changed(Ui *ui, double now);

/* A file descriptor to poll besides the terminal (the exercise checker's
 * child), or -1; when it is readable, call ui_tick. */
int ui_wait_fd(const Ui *ui);

#endif
