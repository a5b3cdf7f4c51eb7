/* ui_code: program lines with a role per byte (see ui_code.h). */
#include "app/ui_code.h"

#include <stdlib.h>
#include <string.h>

typedef struct Line {
    size_t start;
    int len;
} Line;

struct UiCode {
    char *src;
    uint8_t *roles; /* one per byte of src */
    Line *lines;
    size_t *line_starts; /* for the highlighter */
    int nlines;
};

UiCode *ui_code_new(const char *src, size_t len)
{
    UiCode *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->src = malloc(len + 1);
    c->roles = calloc(len + 1, 1);
    int n = 1;
    for (size_t i = 0; i < len; i++)
        n += src[i] == '\n';
    c->lines = calloc((size_t)n, sizeof(Line));
    c->line_starts = calloc((size_t)n, sizeof(size_t));
    if (!c->src || !c->roles || !c->lines || !c->line_starts) {
        ui_code_free(c);
        return NULL;
    }
    memcpy(c->src, src, len);
    c->src[len] = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || src[i] == '\n') {
            if (i == len && i == start && c->nlines > 0)
                break; /* no empty last line after a final newline */
            c->lines[c->nlines++] = (Line){start, (int)(i - start)};
            start = i + 1;
        }
    }
    for (int i = 0; i < c->nlines; i++)
        c->line_starts[i] = c->lines[i].start;
    ui_code_highlight(c->src, len, c->roles, c->line_starts, c->nlines);
    return c;
}

void ui_code_free(UiCode *c)
{
    if (!c) return;
    free(c->src);
    free(c->roles);
    free(c->lines);
    free(c->line_starts);
    free(c);
}

int ui_code_lines(const UiCode *c)
{
    return c ? c->nlines : 0;
}

const char *ui_code_line(const UiCode *c, int i, int *len, const uint8_t **roles)
{
    if (!c || i < 0 || i >= c->nlines) {
        *len = 0;
        *roles = NULL;
        return "";
    }
    *len = c->lines[i].len;
    *roles = c->roles + c->lines[i].start;
    return c->src + c->lines[i].start;
}
