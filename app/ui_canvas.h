/* ui_canvas: a grid of cells (a character and a role) that the views draw
 * into; the curses layer copies it to the terminal. Views never see curses,
 * so the tests can draw a whole screen and read it back as text.
 *
 * Characters are Unicode code points. In ASCII mode (a locale that is not
 * UTF-8, or --ascii) every character outside ASCII is transliterated when it
 * is put, so nothing multi-byte ever reaches the terminal. A character two
 * columns wide takes its cell and the next, which holds UI_CANVAS_CONT. */
#ifndef AIO_UI_CANVAS_H
#define AIO_UI_CANVAS_H

#include "app/layout.h"
#include "app/theme.h"

#include <stdbool.h>
#include <stdint.h>

#define UI_CANVAS_CONT 0xFFFFFFFFu

typedef struct UiCell {
    uint32_t ch;
    uint8_t role; /* a ThemeRole */
} UiCell;

typedef struct UiCanvas {
    int w, h;
    bool ascii;
    UiCell *cells; /* h rows of w cells */
} UiCanvas;

/* Sizes the canvas (reallocating) and clears it to spaces. False when out
 * of memory (the canvas is then empty). */
bool ui_canvas_resize(UiCanvas *c, int w, int h);
void ui_canvas_fini(UiCanvas *c);
void ui_canvas_clear(UiCanvas *c);

/* Writes UTF-8 text from (y, x), at most maxw columns (clipped to the
 * canvas); returns the columns used. Control characters become spaces. */
int ui_canvas_put(UiCanvas *c, int y, int x, int maxw, ThemeRole role, const char *s);
int ui_canvas_putn(UiCanvas *c, int y, int x, int maxw, ThemeRole role, const char *s, int nbytes);
void ui_canvas_putc(UiCanvas *c, int y, int x, ThemeRole role, uint32_t ch);
void ui_canvas_glyph(UiCanvas *c, int y, int x, ThemeRole role, ThemeGlyph g);
void ui_canvas_fill(UiCanvas *c, const LayoutRect *r, ThemeRole role, uint32_t ch);
void ui_canvas_role(UiCanvas *c, int y, int x, int w, ThemeRole role); /* recolour */

/* A border around r with a title in its top edge; focused borders use
 * ROLE_FOCUS. */
void ui_canvas_box(UiCanvas *c, const LayoutRect *r, const char *title, bool focused);

/* Display width of UTF-8 text (as put would draw it). */
int ui_text_width(const char *s, int nbytes, bool ascii);

/* The row y of the canvas as UTF-8 text (for tests and debugging); buf gets
 * at most len-1 bytes. */
void ui_canvas_row_text(const UiCanvas *c, int y, char *buf, int len);

#endif
