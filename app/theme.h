/* theme: what things on screen ARE (roles), mapped to how they look.
 *
 * Everything the tutor draws carries a role (ROLE_TASK_RUNNING, ROLE_HEADING,
 * ...), never a colour. A Theme maps each role to a foreground, a background
 * and attributes; a Glyphs table maps each drawing element to a UTF-8 or an
 * ASCII string. The curses layer is the only one that turns these into
 * terminal attributes, so this file and its tables are plain C.
 *
 * Monochrome works because every role has attributes of its own (bold,
 * reverse, underline) in every theme, and every task state has a glyph, so
 * colour is never the only carrier of meaning. */
#ifndef AIO_THEME_H
#define AIO_THEME_H

#include <stdbool.h>

/* X(name, short name used in theme files) */
#define THEME_ROLES(X)                                                                             \
    X(NORMAL, normal)                                                                              \
    X(DIM, dim)                                                                                    \
    X(TITLE, title)                                                                                \
    X(BORDER, border)                                                                              \
    X(PANE_TITLE, pane_title)                                                                      \
    X(FOCUS, focus)                                                                                \
    X(KEYBAR, keybar)                                                                              \
    X(KEYBAR_KEY, keybar_key)                                                                      \
    X(STATUS, status)                                                                              \
    X(SELECTED, selected)                                                                          \
    X(HEADING, heading)                                                                            \
    X(EMPH, emph)                                                                                  \
    X(STRONG, strong)                                                                              \
    X(CODE_INLINE, code_inline)                                                                    \
    X(CODE_BLOCK, code_block)                                                                      \
    X(LINK, link)                                                                                  \
    X(LINENO, lineno)                                                                              \
    X(CURLINE, curline)                                                                            \
    X(SYN_KEYWORD, syn_keyword)                                                                    \
    X(SYN_STRING, syn_string)                                                                      \
    X(SYN_NUMBER, syn_number)                                                                      \
    X(SYN_COMMENT, syn_comment)                                                                    \
    X(SYN_BUILTIN, syn_builtin)                                                                    \
    X(SYN_OP, syn_op)                                                                              \
    X(OUT_TIME, out_time)                                                                          \
    X(OUT_TASK, out_task)                                                                          \
    X(OUT_TEXT, out_text)                                                                          \
    X(OUT_ERR, out_err)                                                                            \
    X(TASK_RUNNING, task_running)                                                                  \
    X(TASK_READY, task_ready)                                                                      \
    X(TASK_SLEEPING, task_sleeping)                                                                \
    X(TASK_BLOCKED, task_blocked)                                                                  \
    X(TASK_DONE, task_done)                                                                        \
    X(TASK_CANCELLED, task_cancelled)                                                              \
    X(TASK_FAILED, task_failed)                                                                    \
    X(TL_AXIS, tl_axis)                                                                            \
    X(TL_CURSOR, tl_cursor)                                                                        \
    X(TL_SWITCH, tl_switch)                                                                        \
    X(TL_PRINT, tl_print)                                                                          \
    X(TL_LANE, tl_lane)                                                                            \
    X(CORRECT, correct)                                                                            \
    X(WRONG, wrong)                                                                                \
    X(WARNING, warning)

typedef enum ThemeRole {
#define X(n, s) ROLE_##n,
    THEME_ROLES(X)
#undef X
        ROLE_COUNT
} ThemeRole;

/* Colours are the eight ANSI ones, numbered from 1 so that a role a table
 * leaves out (zero) keeps the terminal's own colour; THEME_DEFAULT keeps the
 * terminal's own foreground or background (use_default_colors). The curses
 * layer subtracts one. */
enum {
    THEME_DEFAULT = 0,
    THEME_BLACK = 1,
    THEME_RED,
    THEME_GREEN,
    THEME_YELLOW,
    THEME_BLUE,
    THEME_MAGENTA,
    THEME_CYAN,
    THEME_WHITE
};

enum {
    THEME_BOLD = 1 << 0,
    THEME_UNDERLINE = 1 << 1,
    THEME_REVERSE = 1 << 2,
    THEME_DIMATTR = 1 << 3,
    THEME_ITALIC = 1 << 4,
};

typedef struct ThemeStyle {
    signed char fg, bg;  /* THEME_DEFAULT or THEME_BLACK..THEME_WHITE */
    unsigned char attrs; /* THEME_BOLD | ... */
} ThemeStyle;

typedef struct Theme {
    const char *name;
    bool colour; /* false: attributes only */
    ThemeStyle style[ROLE_COUNT];
} Theme;

/* The compiled-in themes: "default", "mono", "contrast" (for --present),
 * "light". Returns NULL for an unknown name. */
const Theme *theme_builtin(const char *name);

/* Loads a theme by name: a built-in one, or a file NAME.theme in one of the
 * directories of `dirs` (NULL-terminated) layered over the default theme.
 * On failure returns false and writes a sentence to err. The result is
 * copied into *out. */
bool theme_load(Theme *out, const char *name, const char *const *dirs, char *err, int errlen);

/* Parses one theme file's text over *t (already initialised). Lines are
 * "role = fg [bg] [bold] [underline] [reverse] [dim] [italic]", '#' starts a
 * comment. Returns false and a message with the line number on error. */
bool theme_parse(Theme *t, const char *text, char *err, int errlen);

/* Drops colour, keeping attributes (NO_COLOR, monochrome terminals). */
void theme_strip_colour(Theme *t);

const char *theme_role_name(ThemeRole r);
const char *const *theme_builtin_names(void); /* NULL-terminated */

/* Drawing elements: box lines, timeline cells and marks. */
#define THEME_GLYPHS(X)                                                                            \
    X(HLINE, "─", "-")                                                                             \
    X(VLINE, "│", "|")                                                                             \
    X(TL, "┌", "+")                                                                                \
    X(TR, "┐", "+")                                                                                \
    X(BL, "└", "+")                                                                                \
    X(BR, "┘", "+")                                                                                \
    X(TEE_L, "├", "+")                                                                             \
    X(TEE_R, "┤", "+")                                                                             \
    X(RUNNING, "█", "#")                                                                           \
    X(READY, "░", "-")                                                                             \
    X(SLEEPING, "·", ".")                                                                          \
    X(BLOCKED, "▓", "X")                                                                           \
    X(DONE, "✓", "v")                                                                              \
    X(CANCELLED, "✗", "x")                                                                         \
    X(FAILED, "!", "!")                                                                            \
    X(PRINT, "•", "*")                                                                             \
    X(CURSOR, "▏", "|")                                                                            \
    X(TICK, "┴", "+")                                                                              \
    X(ARROW, "▶", ">")                                                                             \
    X(BULLET, "•", "*")                                                                            \
    X(ELLIPSIS, "…", "~")                                                                          \
    X(MARK_DONE, "✓", "+")                                                                         \
    X(MARK_HALF, "◐", "~")                                                                         \
    X(MARK_NONE, "○", " ")                                                                         \
    X(SCROLL_UP, "▲", "^")                                                                         \
    X(SCROLL_DOWN, "▼", "v")

typedef enum ThemeGlyph {
#define X(n, u, a) GLYPH_##n,
    THEME_GLYPHS(X)
#undef X
        GLYPH_COUNT
} ThemeGlyph;

/* The string for a glyph (one column wide in both sets). */
const char *theme_glyph(ThemeGlyph g, bool ascii);

#endif
