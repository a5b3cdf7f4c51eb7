/* ui_code: a program's text split into lines, each byte with the role the
 * highlighter gives it (keyword, string, comment, ...). The highlighting is
 * the language's own lexer (engine/lang/lex.h lex_spans), so the colours
 * agree with what the interpreter reads. Plain C. */
#ifndef AIO_UI_CODE_H
#define AIO_UI_CODE_H

#include "app/theme.h"

#include <stddef.h>
#include <stdint.h>

typedef struct UiCode UiCode;

/* NULL when out of memory. */
UiCode *ui_code_new(const char *src, size_t len);
void ui_code_free(UiCode *c);

int ui_code_lines(const UiCode *c);
/* Line i (0-based): its bytes (no newline) and one role per byte. */
const char *ui_code_line(const UiCode *c, int i, int *len, const uint8_t **roles);

/* Fills roles (one per byte of src, zero = ROLE_NORMAL on entry) with the
 * highlighter's roles; line_starts[i] is the byte offset of line i + 1.
 * Implemented by ui_code_lex.c (the language's lexer). */
void ui_code_highlight(const char *src, size_t len, uint8_t *roles, const size_t *line_starts,
                       int nlines);

#endif
