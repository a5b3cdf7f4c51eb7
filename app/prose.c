/* prose: Markdown through md4c into wrapped, styled lines (see prose.h).
 *
 * md4c calls back with blocks, spans and text. Inline text is gathered into
 * "runs" (a role and bytes) for the current block; when the block ends the
 * runs are cut into words and laid out greedily at the pane's width, with
 * the block's indent and its first-line marker (a bullet, "3. ", "> "). */
#include "app/prose.h"
#include "app/ui_canvas.h"
#include "app/utext.h"

#include <md4c.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Span {
    uint8_t role;
    int off, len; /* into ProseDoc.text */
} Span;

typedef struct Line {
    int first, n; /* spans */
} Line;

struct ProseDoc {
    char *text;
    int tlen, tcap;
    Span *spans;
    int nspans, cspans;
    Line *lines;
    int nlines, clines;
    ProseSpan *view; /* scratch for prose_line */
    int cview;
};

#define MAX_DEPTH 16

typedef struct Build {
    ProseDoc *d;
    int width;
    bool ascii;
    bool oom;
    /* The runs of the block being gathered. */
    Span *runs;
    int nruns, cruns;
    /* Inline style stack: the role of new text. */
    int em, strong, code, link;
    int heading;  /* level, 0 outside headings */
    bool in_code; /* inside a code block */
    int quote;    /* block-quote depth */
    int list_depth;
    struct {
        bool ordered, tight;
        unsigned next;
    } lists[MAX_DEPTH];
    char marker[24]; /* the first-line marker of the pending list item */
    bool marker_pending;
    bool line_open; /* a code block's current line has been started */
} Build;

static bool grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return true;
    int n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q) return false;
    *p = q;
    *cap = n;
    return true;
}

static int add_text(Build *b, const char *s, int len)
{
    ProseDoc *d = b->d;
    /* s may point into d->text itself (a run being laid out): keep its
     * offset across the realloc. */
    ptrdiff_t inside = d->text && s >= d->text && s < d->text + d->tlen ? s - d->text : -1;
    if (!grow((void **)&d->text, &d->tcap, d->tlen + len + 1, 1)) {
        b->oom = true;
        return 0;
    }
    if (inside >= 0) s = d->text + inside;
    int off = d->tlen;
    memcpy(d->text + off, s, (size_t)len);
    d->tlen += len;
    return off;
}

static void new_line(Build *b)
{
    ProseDoc *d = b->d;
    if (!grow((void **)&d->lines, &d->clines, d->nlines + 1, sizeof(Line))) {
        b->oom = true;
        return;
    }
    d->lines[d->nlines++] = (Line){d->nspans, 0};
}

static void emit(Build *b, ThemeRole role, const char *s, int len)
{
    ProseDoc *d = b->d;
    if (len <= 0) return;
    if (d->nlines == 0) new_line(b);
    if (b->oom || !grow((void **)&d->spans, &d->cspans, d->nspans + 1, sizeof(Span))) {
        b->oom = true;
        return;
    }
    int off = add_text(b, s, len);
    if (b->oom) return;
    /* Merge with the previous span of the same role on this line. */
    Line *l = &d->lines[d->nlines - 1];
    if (l->n > 0) {
        Span *p = &d->spans[d->nspans - 1];
        if (p->role == role && p->off + p->len == off) {
            p->len += len;
            return;
        }
    }
    d->spans[d->nspans++] = (Span){(uint8_t)role, off, len};
    l->n++;
}

static bool last_line_blank(const ProseDoc *d)
{
    return d->nlines == 0 || d->lines[d->nlines - 1].n == 0;
}

static void blank_line(Build *b)
{
    if (!last_line_blank(b->d)) new_line(b);
}

static ThemeRole inline_role(const Build *b)
{
    if (b->heading) return ROLE_HEADING;
    if (b->code) return ROLE_CODE_INLINE;
    if (b->link) return ROLE_LINK;
    if (b->strong) return ROLE_STRONG;
    if (b->em) return ROLE_EMPH;
    return ROLE_NORMAL;
}

static void add_run(Build *b, ThemeRole role, const char *s, int len)
{
    if (!grow((void **)&b->runs, &b->cruns, b->nruns + 1, sizeof(Span))) {
        b->oom = true;
        return;
    }
    int off = add_text(b, s, len);
    b->runs[b->nruns++] = (Span){(uint8_t)role, off, len};
}

/* Indent of continuation lines: two columns per list level, two per quote. */
static int indent_of(const Build *b)
{
    return 2 * b->list_depth + 2 * b->quote;
}

static void start_line(Build *b, bool first)
{
    new_line(b);
    for (int q = 0; q < b->quote; q++)
        emit(b, ROLE_DIM, b->ascii ? "| " : "\xe2\x94\x82 ", b->ascii ? 2 : 4);
    int ind = 2 * b->list_depth;
    if (first && b->marker_pending) {
        int mw = ui_text_width(b->marker, (int)strlen(b->marker), b->ascii);
        for (int i = 0; i < ind - mw; i++)
            emit(b, ROLE_NORMAL, " ", 1);
        emit(b, ROLE_STRONG, b->marker, (int)strlen(b->marker));
        b->marker_pending = false;
    } else {
        for (int i = 0; i < ind; i++)
            emit(b, ROLE_NORMAL, " ", 1);
    }
}

/* Lays the gathered runs out as wrapped lines. */
static void flush(Build *b)
{
    if (b->nruns == 0 && !b->marker_pending) return;
    int width = b->width - indent_of(b);
    if (width < 8) width = 8;
    start_line(b, true);
    int col = 0;
    bool pending_space = false;
    int last_role = -1;
    /* Text offsets are stable (runs live in d->text); copy the pointer base
     * after each emit since emit may grow d->text. */
    for (int r = 0; r < b->nruns && !b->oom; r++) {
        Span run = b->runs[r];
        int i = 0;
        while (i < run.len && !b->oom) {
            const char *t = b->d->text + run.off;
            if (t[i] == ' ' || t[i] == '\n') {
                pending_space = col > 0;
                i++;
                continue;
            }
            if (t[i] == '\x01') { /* hard break */
                start_line(b, false);
                col = 0;
                pending_space = false;
                i++;
                continue;
            }
            int j = i;
            while (j < run.len && t[j] != ' ' && t[j] != '\n' && t[j] != '\x01')
                j++;
            /* A word may continue into the next run ("**a**b"); only the
             * part in this run is measured here, which can overflow a line
             * by a few columns at most and the canvas clips it. */
            int ww = ui_text_width(t + i, j - i, b->ascii);
            if (col > 0 && col + (pending_space ? 1 : 0) + ww > width) {
                start_line(b, false);
                col = 0;
                pending_space = false;
            }
            if (pending_space) {
                /* A space between two words of one style takes the style
                 * (a heading stays underlined); otherwise it is plain. */
                emit(b, last_role == run.role ? run.role : ROLE_NORMAL, " ", 1);
                col++;
                pending_space = false;
            }
            /* Hard-break words longer than the line. */
            while (ww > width - col && ww > 0) {
                int k = i, w = 0;
                while (k < j) {
                    uint32_t cp;
                    int n = utext_decode(b->d->text + run.off + k, j - k, &cp);
                    if (w + 1 > width - col) break;
                    k += n;
                    w++;
                }
                if (k == i) break;
                emit(b, run.role, b->d->text + run.off + i, k - i);
                start_line(b, false);
                col = 0;
                i = k;
                ww = ui_text_width(b->d->text + run.off + i, j - i, b->ascii);
            }
            emit(b, run.role, b->d->text + run.off + i, j - i);
            last_role = run.role;
            col += ww;
            i = j;
        }
    }
    b->nruns = 0;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    Build *b = ud;
    switch (type) {
    case MD_BLOCK_DOC: break;
    case MD_BLOCK_QUOTE:
        flush(b);
        blank_line(b);
        b->quote++;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        flush(b);
        if (b->list_depth == 0) blank_line(b);
        if (b->list_depth < MAX_DEPTH) {
            b->lists[b->list_depth].ordered = type == MD_BLOCK_OL;
            if (type == MD_BLOCK_OL) {
                MD_BLOCK_OL_DETAIL *od = detail;
                b->lists[b->list_depth].next = od->start;
                b->lists[b->list_depth].tight = od->is_tight;
            } else {
                b->lists[b->list_depth].tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
            }
        }
        b->list_depth++;
        break;
    case MD_BLOCK_LI: {
        flush(b);
        int k = b->list_depth - 1;
        if (k >= 0 && k < MAX_DEPTH && !b->lists[k].tight) blank_line(b);
        if (k >= 0 && k < MAX_DEPTH && b->lists[k].ordered)
            snprintf(b->marker, sizeof b->marker, "%u. ", b->lists[k].next++);
        else
            snprintf(b->marker, sizeof b->marker, "%s ", theme_glyph(GLYPH_BULLET, b->ascii));
        b->marker_pending = true;
        break;
    }
    case MD_BLOCK_HR:
        flush(b);
        blank_line(b);
        new_line(b);
        for (int i = 0; i < b->width - indent_of(b) && i < 200; i++)
            emit(b, ROLE_BORDER, theme_glyph(GLYPH_HLINE, b->ascii),
                 (int)strlen(theme_glyph(GLYPH_HLINE, b->ascii)));
        break;
    case MD_BLOCK_H:
        flush(b);
        blank_line(b);
        b->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        /* Rendered, not shown raw: no "##" markers (as for "#"); the
         * heading role (bold and underlined) marks every level. */
        break;
    case MD_BLOCK_CODE:
        flush(b);
        if (!b->marker_pending) blank_line(b);
        b->in_code = true;
        b->line_open = false;
        break;
    case MD_BLOCK_P:
        if (!b->marker_pending) {
            flush(b);
            int k = b->list_depth - 1;
            if (k < 0 || k >= MAX_DEPTH || !b->lists[k].tight) blank_line(b);
        }
        break;
    default: break;
    }
    return b->oom ? -1 : 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    Build *b = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_QUOTE:
        flush(b);
        b->quote--;
        break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        flush(b);
        b->list_depth--;
        break;
    case MD_BLOCK_LI:
    case MD_BLOCK_P: flush(b); break;
    case MD_BLOCK_H:
        flush(b);
        b->heading = 0;
        break;
    case MD_BLOCK_CODE:
        b->in_code = false;
        b->marker_pending = false;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: add_run(b, ROLE_NORMAL, "  ", 2); break;
    case MD_BLOCK_TR: flush(b); break;
    default: break;
    }
    return b->oom ? -1 : 0;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    Build *b = ud;
    (void)detail;
    switch (type) {
    case MD_SPAN_EM: b->em++; break;
    case MD_SPAN_STRONG: b->strong++; break;
    case MD_SPAN_CODE: b->code++; break;
    case MD_SPAN_A: b->link++; break;
    default: break;
    }
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    Build *b = ud;
    switch (type) {
    case MD_SPAN_EM: b->em--; break;
    case MD_SPAN_STRONG: b->strong--; break;
    case MD_SPAN_CODE: b->code--; break;
    case MD_SPAN_A: {
        b->link--;
        MD_SPAN_A_DETAIL *a = detail;
        /* Show where a link goes: a terminal cannot follow it. */
        if (a->href.text && a->href.size > 0 && a->href.size < 200) {
            add_run(b, ROLE_DIM, " <", 2);
            add_run(b, ROLE_DIM, a->href.text, (int)a->href.size);
            add_run(b, ROLE_DIM, ">", 1);
        }
        break;
    }
    default: break;
    }
    return 0;
}

/* Code blocks: one output line per source line, indented, never wrapped. */
static void code_text(Build *b, const char *s, int n)
{
    int i = 0;
    while (i < n) {
        if (!b->line_open) {
            new_line(b);
            for (int q = 0; q < b->quote; q++)
                emit(b, ROLE_DIM, "| ", 2);
            for (int k = 0; k < 2 * b->list_depth + 2; k++)
                emit(b, ROLE_NORMAL, " ", 1);
            b->line_open = true;
        }
        int j = i;
        while (j < n && s[j] != '\n')
            j++;
        emit(b, ROLE_CODE_BLOCK, s + i, j - i);
        if (j < n) {
            b->line_open = false;
            j++;
        }
        i = j;
    }
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    Build *b = ud;
    if (b->in_code) {
        code_text(b, text, (int)size);
        return b->oom ? -1 : 0;
    }
    switch (type) {
    case MD_TEXT_BR: add_run(b, ROLE_NORMAL, "\x01", 1); break;
    case MD_TEXT_SOFTBR: add_run(b, inline_role(b), " ", 1); break;
    case MD_TEXT_NULLCHAR: add_run(b, inline_role(b), "\xef\xbf\xbd", 3); break;
    case MD_TEXT_ENTITY: {
        static const struct {
            const char *e, *s;
        } ents[] = {
            {"&amp;", "&"},
            {"&lt;", "<"},
            {"&gt;", ">"},
            {"&quot;", "\""},
            {"&nbsp;", " "},
            {"&mdash;", "\xe2\x80\x94"},
            {"&ndash;", "\xe2\x80\x93"},
            {"&hellip;", "\xe2\x80\xa6"},
            {"&times;", "\xc3\x97"},
        };
        const char *out = NULL;
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (strlen(ents[i].e) == size && memcmp(ents[i].e, text, size) == 0) out = ents[i].s;
        if (out)
            add_run(b, inline_role(b), out, (int)strlen(out));
        else
            add_run(b, inline_role(b), text, (int)size);
        break;
    }
    default:
        /* Inline code keeps its spaces: replace them with no-break marks
         * would be nicer, but a wrapped `await x` still reads. */
        add_run(b, inline_role(b), text, (int)size);
        break;
    }
    return b->oom ? -1 : 0;
}

ProseDoc *prose_render(const char *md, size_t len, int width, bool ascii)
{
    ProseDoc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    Build b = {.d = d, .width = width < 10 ? 10 : width, .ascii = ascii};
    MD_PARSER p = {
        .abi_version = 0,
        .flags = MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH,
        .enter_block = on_enter_block,
        .leave_block = on_leave_block,
        .enter_span = on_enter_span,
        .leave_span = on_leave_span,
        .text = on_text,
    };
    int rc = md_parse(md, (MD_SIZE)len, &p, &b);
    flush(&b);
    free(b.runs);
    if (b.oom) {
        prose_free(d);
        return NULL;
    }
    (void)rc; /* md4c only fails when a callback asks it to (out of memory) */
    /* No trailing blank line. */
    while (d->nlines > 0 && d->lines[d->nlines - 1].n == 0)
        d->nlines--;
    return d;
}

void prose_free(ProseDoc *d)
{
    if (!d) return;
    free(d->text);
    free(d->spans);
    free(d->lines);
    free(d->view);
    free(d);
}

int prose_line_count(const ProseDoc *d)
{
    return d ? d->nlines : 0;
}

const ProseSpan *prose_line(const ProseDoc *d, int i, int *n)
{
    *n = 0;
    if (!d || i < 0 || i >= d->nlines) return NULL;
    const Line *l = &d->lines[i];
    ProseDoc *m = (ProseDoc *)d; /* the scratch view is a cache */
    if (!grow((void **)&m->view, &m->cview, l->n + 1, sizeof(ProseSpan))) return NULL;
    for (int k = 0; k < l->n; k++) {
        const Span *s = &d->spans[l->first + k];
        m->view[k] = (ProseSpan){(ThemeRole)s->role, d->text + s->off, s->len};
    }
    *n = l->n;
    return m->view;
}

void prose_line_text(const ProseDoc *d, int i, char *buf, int len)
{
    int n, o = 0;
    const ProseSpan *s = prose_line(d, i, &n);
    for (int k = 0; k < n && o < len - 1; k++) {
        int c = s[k].len < len - 1 - o ? s[k].len : len - 1 - o;
        memcpy(buf + o, s[k].text, (size_t)c);
        o += c;
    }
    if (len > 0) buf[o] = 0;
}
