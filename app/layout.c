/* layout: pane geometry (see layout.h). */
#include "app/layout.h"

#include <string.h>

static LayoutRect rect(int y, int x, int h, int w)
{
    if (h <= 0 || w <= 0) return (LayoutRect){y, x, 0, 0};
    return (LayoutRect){y, x, h, w};
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void layout_compute(Layout *out, int width, int height, const LayoutWant *want)
{
    memset(out, 0, sizeof *out);
    out->width = width;
    out->height = height;
    if (width < LAYOUT_MIN_W || height < LAYOUT_MIN_H) {
        out->too_small = true;
        return;
    }
    out->title = rect(0, 0, 1, width);
    out->keybar = rect(height - 1, 0, 1, width);
    out->status = rect(height - 2, 0, 1, width);
    int by = 1, bh = height - 3;
    out->body = rect(by, 0, bh, width);

    if (want->timeline) {
        /* Lanes plus the border (2), the axis and its labels (2). */
        int lanes = want->lanes > 0 ? want->lanes : 4;
        int th = lanes + 4;
        if (want->present) th = lanes * 2 + 4; /* two rows per lane: readable from the back */
        if (want->internals && th < 13)
            th = 13; /* the panel lists a queue and timers: give it rows */
        th = clamp(th, 6, bh / 2 + (want->present ? bh / 6 : 0));
        int ty = by + bh - th;
        int iw = want->internals ? clamp(width / 4, 26, 40) : 0;
        out->timeline = rect(ty, 0, th, width - iw);
        if (iw) out->internals = rect(ty, width - iw, th, iw);
        bh -= th;
    } else if (want->internals) {
        int iw = clamp(width / 4, 26, 40);
        out->internals = rect(by, width - iw, bh, iw);
        width -= iw;
    }

    if (!want->code) {
        out->prose = rect(by, 0, bh, width);
        return;
    }
    /* Prose gets 40% (at least 32 columns), the program the rest: code is
     * what students read most closely and Python lines are long. */
    int pw = clamp(width * 2 / 5, 32, width - 40);
    out->prose = rect(by, 0, bh, pw);
    int cx = pw, cw = width - pw;
    if (want->output) {
        int oh = clamp(bh * 2 / 5, 4, bh - 5);
        out->code = rect(by, cx, bh - oh, cw);
        out->output = rect(by + bh - oh, cx, oh, cw);
    } else {
        out->code = rect(by, cx, bh, cw);
    }
}

bool layout_contains(const LayoutRect *r, int y, int x)
{
    return r->h > 0 && r->w > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}
