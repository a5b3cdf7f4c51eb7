/* layout: where each pane goes, from the terminal's size and what the page
 * shows. Pure arithmetic, no curses: the unit tests call it with any size.
 *
 * Rows, top to bottom: the title bar (row 0), the body, a status line and
 * the key bar (last row, always there). In the body the prose takes the left
 * column; code above output on the right; the timeline across the whole
 * width at the bottom when the page runs a program, with the loop-internals
 * panel at its right in step mode. Every pane rectangle includes its border. */
#ifndef AIO_LAYOUT_H
#define AIO_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_MIN_W 80
#define LAYOUT_MIN_H 24

typedef struct LayoutRect {
    int y, x, h, w; /* h == 0 or w == 0: not shown */
} LayoutRect;

typedef struct LayoutWant {
    bool code;      /* the page has a program to show */
    bool output;    /* ... and runs it */
    bool timeline;  /* ... with a timeline */
    bool internals; /* step mode: the loop-internals panel */
    bool present;   /* presentation mode: a larger timeline */
    int lanes;      /* timeline lanes wanted (tasks + the loop), 0 if unknown */
} LayoutWant;

typedef struct Layout {
    int width, height;
    bool too_small; /* below LAYOUT_MIN_W x LAYOUT_MIN_H: show the message */
    LayoutRect title, body, status, keybar;
    LayoutRect prose, code, output, timeline, internals;
} Layout;

/* Fills *out for a width x height terminal. Always succeeds; when the size
 * is below the minimum only too_small, width and height are meaningful. */
void layout_compute(Layout *out, int width, int height, const LayoutWant *want);

/* True if the point (y, x) is inside r. */
bool layout_contains(const LayoutRect *r, int y, int x);

#endif
