/* ui_code_plain: no highlighting, for a build whose engine/lang has no
 * lexer yet (ui.mk links this or ui_code_lex.c). Every byte keeps
 * ROLE_NORMAL. */
#include "app/ui_code.h"

void ui_code_highlight(const char *src, size_t len, uint8_t *roles, const size_t *line_starts,
                       int nlines)
{
    (void)src;
    (void)len;
    (void)roles;
    (void)line_starts;
    (void)nlines;
}
