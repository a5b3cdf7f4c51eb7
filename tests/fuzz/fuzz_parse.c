/* fuzz_parse: the front end and the compiler on arbitrary bytes.
 *
 * Every path a student's text takes before it runs: the highlighter's
 * spans (the UI colours whatever is typed), the tokenizer, the parser with
 * its AST dumper and walker (the checker's structural queries), the
 * SyntaxError formatter, and the compiler and disassembler through
 * interp.h. Nothing may crash, and every byte allocated through a Mem must
 * come back (a leak under the Mem's count is a finding too). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/lang/ast.h"
#include "engine/lang/interp.h"
#include "engine/lang/lex.h"
#include "engine/lang/parse.h"
#include "engine/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *host, const char *text, size_t len)
{
    (void)host, (void)text, (void)len;
}

static void expect_empty(const Mem *m, const char *what)
{
    if (m->used != 0 || m->count != 0) {
        fprintf(stderr, "fuzz_parse: %s leaked %zu bytes in %zu blocks\n", what, m->used,
                m->count);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    Mem m;

    mem_init(&m, 64u << 20);
    size_t nspans = 0;
    LexSpan *spans = lex_spans(&m, src, size, &nspans);
    if (spans)
        mem_free(&m, spans, nspans * sizeof *spans);
    expect_empty(&m, "lex_spans");

    size_t ntok = 0;
    LexError lerr;
    LexToken *toks = lex_tokenize(&m, src, size, &ntok, &lerr);
    if (toks)
        lex_tokens_free(&m, toks, ntok);
    expect_empty(&m, "lex_tokenize");

    ParseError perr;
    Ast *ast = parse_module(&m, src, size, "fuzz.py", &perr);
    if (ast) {
        size_t len = 0;
        char *dump = ast_dump(&m, ast, 1, &len);
        if (dump)
            mem_free(&m, dump, len + 1);
        (void)ast_count_calls(ast, "asyncio.gather");
        (void)ast_find_call_in_async(ast, "time.sleep");
        ast_free(ast);
    } else {
        char buf[2048];
        (void)parse_error_class(&perr);
        (void)parse_error_format(&perr, "fuzz.py", buf, sizeof buf);
    }
    expect_empty(&m, "parse_module");

    /* interp_check and interp_load compile the same way; alternate them
     * rather than pay for both on every input. */
    if (size % 2 == 0) {
        InterpDiag d;
        (void)interp_check(src, size, "fuzz.py", &d);
        return 0;
    }
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.mem_limit = 64u << 20;
    Interp *ip = interp_new(&cfg);
    if (ip) {
        if (interp_load(ip, src, size, "fuzz.py") == 0)
            interp_disassemble(ip, sink, NULL);
        interp_free(ip);
    }
    return 0;
}
