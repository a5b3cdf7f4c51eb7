/* ui_canvas: the cell grid views draw into (see ui_canvas.h). */
#include "app/ui_canvas.h"

#include <stdlib.h>
#include <string.h>

#include "app/utext.h"

bool ui_canvas_resize(UiCanvas *c, int w, int h)
{
    if (w < 0) w = 0;
    if (h < 0) h = 0;
    if (w * h != c->w * c->h || c->cells == NULL) {
        UiCell *n = realloc(c->cells, sizeof(UiCell) * (size_t)(w * h > 0 ? w * h : 1));
        if (!n) {
            free(c->cells);
            c->cells = NULL;
            c->w = c->h = 0;
            return false;
        }
        c->cells = n;
    }
    c->w = w;
    c->h = h;
    ui_canvas_clear(c);
    return true;
}

void ui_canvas_fini(UiCanvas *c)
{
    free(c->cells);
    c->cells = NULL;
    c->w = c->h = 0;
}

void ui_canvas_clear(UiCanvas *c)
{
    for (int i = 0; i < c->w * c->h; i++)
        c->cells[i] = (UiCell){' ', ROLE_NORMAL};
}

/* The ASCII stand-in for a character outside ASCII. */
static uint32_t ascii_of(uint32_t cp)
{
    switch (cp) {
    case 0x2018:
    case 0x2019: return '\'';
    case 0x201C:
    case 0x201D: return '"';
    case 0x2013:
    case 0x2014:
    case 0x2500:
    case 0x2501: return '-';
    case 0x2502:
    case 0x2503: return '|';
    case 0x2022:
    case 0x25CF: return '*';
    case 0x2026: return '~';
    case 0x00D7: return 'x';
    case 0x2192:
    case 0x25B6: return '>';
    case 0x2190: return '<';
    case 0x00A0: return ' ';
    case 0x2713: return 'v';
    case 0x2717: return 'x';
    default: return cp >= 0x2500 && cp < 0x2580 ? '+' : '?';
    }
}

static inline UiCell *cell(UiCanvas *c, int y, int x)
{
    return &c->cells[y * c->w + x];
}

void ui_canvas_putc(UiCanvas *c, int y, int x, ThemeRole role, uint32_t ch)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w) return;
    if (ch < 0x20 || ch == 0x7F) ch = ' ';
    if (ch >= 0x80 && c->ascii) ch = ascii_of(ch);
    *cell(c, y, x) = (UiCell){ch, (uint8_t)role};
}

int ui_canvas_putn(UiCanvas *c, int y, int x, int maxw, ThemeRole role, const char *s, int nbytes)
{
    int used = 0;
    if (y < 0 || y >= c->h) return 0;
    if (maxw < 0 || x + maxw > c->w) maxw = c->w - x;
    int i = 0;
    while (i < nbytes && s[i] && used < maxw) {
        uint32_t cp;
        i += utext_decode(s + i, nbytes - i, &cp);
        if (cp == '\t') cp = ' ';
        if (cp >= 0x80 && c->ascii) cp = ascii_of(cp);
        int w = utext_cp_width(cp, c->ascii);
        if (w == 0) continue; /* combining marks: dropped rather than misplaced */
        if (used + w > maxw) break;
        if (x + used >= 0) {
            ui_canvas_putc(c, y, x + used, role, cp);
            if (w == 2 && x + used + 1 < c->w)
                *cell(c, y, x + used + 1) = (UiCell){UI_CANVAS_CONT, (uint8_t)role};
        }
        used += w;
    }
    return used;
}

int ui_canvas_put(UiCanvas *c, int y, int x, int maxw, ThemeRole role, const char *s)
{
    return ui_canvas_putn(c, y, x, maxw, role, s, (int)strlen(s));
}

void ui_canvas_glyph(UiCanvas *c, int y, int x, ThemeRole role, ThemeGlyph g)
{
    ui_canvas_put(c, y, x, 1, role, theme_glyph(g, c->ascii));
}

void ui_canvas_fill(UiCanvas *c, const LayoutRect *r, ThemeRole role, uint32_t ch)
{
    for (int y = r->y; y < r->y + r->h; y++)
        for (int x = r->x; x < r->x + r->w; x++)
            ui_canvas_putc(c, y, x, role, ch);
}

void ui_canvas_role(UiCanvas *c, int y, int x, int w, ThemeRole role)
{
    if (y < 0 || y >= c->h) return;
    for (int i = x < 0 ? 0 : x; i < x + w && i < c->w; i++)
        cell(c, y, i)->role = (uint8_t)role;
}

void ui_canvas_box(UiCanvas *c, const LayoutRect *r, const char *title, bool focused)
{
    if (r->h < 2 || r->w < 2) return;
    ThemeRole b = focused ? ROLE_FOCUS : ROLE_BORDER;
    int x1 = r->x + r->w - 1, y1 = r->y + r->h - 1;
    for (int x = r->x + 1; x < x1; x++) {
        ui_canvas_glyph(c, r->y, x, b, GLYPH_HLINE);
        ui_canvas_glyph(c, y1, x, b, GLYPH_HLINE);
    }
    for (int y = r->y + 1; y < y1; y++) {
        ui_canvas_glyph(c, y, r->x, b, GLYPH_VLINE);
        ui_canvas_glyph(c, y, x1, b, GLYPH_VLINE);
    }
    ui_canvas_glyph(c, r->y, r->x, b, GLYPH_TL);
    ui_canvas_glyph(c, r->y, x1, b, GLYPH_TR);
    ui_canvas_glyph(c, y1, r->x, b, GLYPH_BL);
    ui_canvas_glyph(c, y1, x1, b, GLYPH_BR);
    if (title && *title && r->w > 6) {
        int x = r->x + 2;
        ui_canvas_putc(c, r->y, x - 1, b, ' ');
        int n = ui_canvas_put(c, r->y, x, r->w - 5, focused ? ROLE_FOCUS : ROLE_PANE_TITLE, title);
        ui_canvas_putc(c, r->y, x + n, b, ' ');
    }
}

int ui_text_width(const char *s, int nbytes, bool ascii)
{
    int w = 0;
    for (int i = 0; i < nbytes && s[i];) {
        uint32_t cp;
        i += utext_decode(s + i, nbytes - i, &cp);
        w += utext_cp_width(cp == '\t' ? ' ' : cp, ascii);
    }
    return w;
}

void ui_canvas_row_text(const UiCanvas *c, int y, char *buf, int len)
{
    int o = 0;
    if (len <= 0) return;
    for (int x = 0; y >= 0 && y < c->h && x < c->w; x++) {
        uint32_t cp = c->cells[y * c->w + x].ch;
        if (cp == UI_CANVAS_CONT) continue;
        char tmp[4];
        int n;
        if (cp < 0x80) {
            tmp[0] = (char)cp;
            n = 1;
        } else if (cp < 0x800) {
            tmp[0] = (char)(0xC0 | (cp >> 6));
            tmp[1] = (char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            tmp[0] = (char)(0xE0 | (cp >> 12));
            tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            tmp[2] = (char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            tmp[0] = (char)(0xF0 | (cp >> 18));
            tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            tmp[3] = (char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        if (o + n >= len) break;
        memcpy(buf + o, tmp, (size_t)n);
        o += n;
    }
    buf[o] = 0;
}
