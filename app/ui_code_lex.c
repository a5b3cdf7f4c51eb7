/* ui_code_lex: highlighting with the language's own lexer (lex_spans), so
 * the colours agree with what the interpreter reads. See ui_code.h. */
#include "app/ui_code.h"

#include "engine/lang/lex.h"
#include "engine/mem.h"

static ThemeRole role_of(LexSpanKind k)
{
    static const ThemeRole map[] = {
        [LEX_SPAN_KEYWORD] = ROLE_SYN_KEYWORD, [LEX_SPAN_BUILTIN] = ROLE_SYN_BUILTIN,
        [LEX_SPAN_NAME] = ROLE_NORMAL,         [LEX_SPAN_DEFNAME] = ROLE_STRONG,
        [LEX_SPAN_NUMBER] = ROLE_SYN_NUMBER,   [LEX_SPAN_STRING] = ROLE_SYN_STRING,
        [LEX_SPAN_COMMENT] = ROLE_SYN_COMMENT, [LEX_SPAN_OPERATOR] = ROLE_SYN_OP,
        [LEX_SPAN_ERROR] = ROLE_WRONG,
    };
    return (unsigned)k < sizeof map / sizeof map[0] ? map[k] : ROLE_NORMAL;
}

void ui_code_highlight(const char *src, size_t len, uint8_t *roles, const size_t *line_starts,
                       int nlines)
{
    Mem mem;
    mem_init(&mem, 0);
    size_t ns = 0;
    LexSpan *sp = lex_spans(&mem, src, len, &ns);
    for (size_t k = 0; sp && k < ns; k++) {
        int li = sp[k].line - 1;
        if (li < 0 || li >= nlines) continue;
        size_t end = li + 1 < nlines ? line_starts[li + 1] : len;
        for (int b = sp[k].col; b < sp[k].col + sp[k].len && line_starts[li] + (size_t)b < end; b++)
            roles[line_starts[li] + (size_t)b] = (uint8_t)role_of(sp[k].kind);
    }
    if (sp) mem_free(&mem, sp, ns * sizeof *sp);
}
