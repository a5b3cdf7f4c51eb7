/* prose: a lesson's Markdown, turned into styled lines wrapped to a width.
 *
 * Headings, emphasis, strong, inline code, code blocks, block quotes,
 * ordered and bullet lists (nested), rules and links (the text, then the
 * address in brackets) come out as lines of spans, each span with a role.
 * Paragraphs are wrapped at word boundaries; a code block is never wrapped
 * (the pane clips it), because re-flowed code lies about indentation.
 * This is the only file that includes md4c. */
#ifndef AIO_PROSE_H
#define AIO_PROSE_H

#include "app/theme.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct ProseDoc ProseDoc;

typedef struct ProseSpan {
    ThemeRole role;
    const char *text; /* UTF-8, not NUL-terminated; owned by the doc */
    int len;          /* bytes */
} ProseSpan;

/* Renders md (len bytes) for a pane `width` columns wide. ascii: measure
 * as the ASCII canvas will draw (bullets become '*'). Returns NULL only when
 * out of memory; Markdown itself never fails to render. Free with
 * prose_free. */
ProseDoc *prose_render(const char *md, size_t len, int width, bool ascii);
void prose_free(ProseDoc *d);

int prose_line_count(const ProseDoc *d);
/* The spans of line i (0-based); *n receives their number. */
const ProseSpan *prose_line(const ProseDoc *d, int i, int *n);
/* Line i as plain text into buf (tests). */
void prose_line_text(const ProseDoc *d, int i, char *buf, int len);

#endif
