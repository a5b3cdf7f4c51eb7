/* Check suite for engine/lang/lex: tokens, indentation, errors, spans. */
#include "engine/lang/lex.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Token kinds of src as a space-separated string ("NAME = NUMBER NEWLINE
 * ENDMARKER"); the error message, if any, after " | ". */
static char *kinds(const char *src)
{
    static char out[4096];
    Mem m;
    mem_init(&m, 0);
    size_t n = 0;
    LexError err;
    LexToken *t = lex_tokenize(&m, src, strlen(src), &n, &err);
    ck_assert_ptr_nonnull(t);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, " ");
        strncat(out, lex_kind_name(t[i].kind), sizeof out - strlen(out) - 64);
    }
    if (err.kind != LEX_OK) {
        strcat(out, " | ");
        strncat(out, err.msg, sizeof out - strlen(out) - 1);
    }
    lex_tokens_free(&m, t, n);
    ck_assert_uint_eq(m.used, 0);
    return out;
}

static LexError lex_err(const char *src)
{
    Mem m;
    mem_init(&m, 0);
    size_t n = 0;
    LexError err;
    LexToken *t = lex_tokenize(&m, src, strlen(src), &n, &err);
    lex_tokens_free(&m, t, n);
    return err;
}

START_TEST(test_simple_tokens)
{
    ck_assert_str_eq(kinds("x = 1\n"), "NAME = NUMBER NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("x = 1"), "NAME = NUMBER NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("a //= b ** -c\n"), "NAME //= NAME ** - NAME NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("a != b <= c >> d\n"), "NAME != NAME <= NAME >> NAME NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("async def f(): await g()\n"),
                     "async def NAME ( ) : await NAME ( ) NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("x = 1; y = 2  # c\n"), "NAME = NUMBER ; NAME = NUMBER NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds(""), "ENDMARKER");
    ck_assert_str_eq(kinds("\n\n# only a comment\n"), "ENDMARKER");
    ck_assert_str_eq(kinds("x = 1.5e3 + .5 + 0x_1F + 0o17 + 0b1 + 1_000\n"),
                     "NAME = NUMBER + NUMBER + NUMBER + NUMBER + NUMBER + NUMBER NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("1.2.3\n"), "NUMBER NUMBER NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("x = ...\n"), "NAME = ... NEWLINE ENDMARKER");
}
END_TEST

START_TEST(test_indentation)
{
    ck_assert_str_eq(kinds("if x:\n    y\n    if z:\n        w\nv\n"),
                     "if NAME : NEWLINE INDENT NAME NEWLINE if NAME : NEWLINE INDENT NAME NEWLINE "
                     "DEDENT DEDENT NAME NEWLINE ENDMARKER");
    /* blank and comment lines take no part */
    ck_assert_str_eq(kinds("if x:\n\n  # c\n    y\n"),
                     "if NAME : NEWLINE INDENT NAME NEWLINE DEDENT ENDMARKER");
    /* no newline at the end of an indented last line */
    ck_assert_str_eq(kinds("if x:\n    y"), "if NAME : NEWLINE INDENT NAME NEWLINE DEDENT ENDMARKER");
    /* a tab is the next multiple of 8, consistently */
    ck_assert_str_eq(kinds("if x:\n\ty\n\tz\n"),
                     "if NAME : NEWLINE INDENT NAME NEWLINE NAME NEWLINE DEDENT ENDMARKER");
}
END_TEST

START_TEST(test_joining)
{
    ck_assert_str_eq(kinds("x = (1,\n     2)\n"), "NAME = ( NUMBER , NUMBER ) NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("x = [\n  1,\n\n# c\n]\n"), "NAME = [ NUMBER , ] NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("x = 1 + \\\n  2\n"), "NAME = NUMBER + NUMBER NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("if x:\n    y = 1 + \\\n2\n"),
                     "if NAME : NEWLINE INDENT NAME = NUMBER + NUMBER NEWLINE DEDENT ENDMARKER");
}
END_TEST

START_TEST(test_strings)
{
    ck_assert_str_eq(kinds("s = 'a' \"b\" '''c\nd''' r'\\'' f'{x}' rb'x' U'u'\n"),
                     "NAME = STRING STRING STRING STRING STRING STRING STRING NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("s = 'a\\\nb'\n"), "NAME = STRING NEWLINE ENDMARKER");
    ck_assert_str_eq(kinds("s = xf'a'\n"), "NAME = NAME STRING NEWLINE ENDMARKER");
}
END_TEST

START_TEST(test_errors)
{
    LexError e = lex_err("x = \"abc\n");
    ck_assert_int_eq(e.kind, LEX_ERR_SYNTAX);
    ck_assert_str_eq(e.msg, "unterminated string literal (detected at line 1)");
    ck_assert_int_eq(e.line, 1);
    ck_assert_int_eq(e.col, 4);

    e = lex_err("x = '''abc\n\n\n");
    ck_assert_str_eq(e.msg, "unterminated triple-quoted string literal (detected at line 3)");
    ck_assert_int_eq(e.line, 1);

    e = lex_err("if 1:\n        x\n    y\n");
    ck_assert_int_eq(e.kind, LEX_ERR_INDENT);
    ck_assert_str_eq(e.msg, "unindent does not match any outer indentation level");
    ck_assert_int_eq(e.line, 3);

    e = lex_err("if 1:\n\tx\n        y\n");
    ck_assert_int_eq(e.kind, LEX_ERR_TAB);
    ck_assert_str_eq(e.msg, "inconsistent use of tabs and spaces in indentation");

    e = lex_err("x = (1,\n 2\n");
    ck_assert_int_eq(e.kind, LEX_ERR_UNCLOSED);
    ck_assert_str_eq(e.msg, "'(' was never closed");
    ck_assert_int_eq(e.col, 4);

    e = lex_err("x = (1, 2]\n");
    ck_assert_str_eq(e.msg, "closing parenthesis ']' does not match opening parenthesis '('");
    e = lex_err("x = (1,\n 2]\n");
    ck_assert_str_eq(e.msg, "closing parenthesis ']' does not match opening parenthesis '(' on line 1");
    e = lex_err("x = 1)\n");
    ck_assert_str_eq(e.msg, "unmatched ')'");
    e = lex_err("x = 1abc\n");
    ck_assert_str_eq(e.msg, "invalid decimal literal");
    e = lex_err("x = 0777\n");
    ck_assert_str_eq(e.msg, "leading zeros in decimal integer literals are not permitted; "
                            "use an 0o prefix for octal integers");
    e = lex_err("x = 0b12\n");
    ck_assert_str_eq(e.msg, "invalid digit '2' in binary literal");
    e = lex_err("x = \xe2\x82\xac\n");
    ck_assert_str_eq(e.msg, "invalid character '\xe2\x82\xac' (U+20AC)");
    e = lex_err("x = a \\ b\n");
    ck_assert_str_eq(e.msg, "unexpected character after line continuation character");
    e = lex_err("x = 1if y else 2\n");
    ck_assert_int_eq(e.kind, LEX_OK);
}
END_TEST

START_TEST(test_deep_brackets)
{
    char *src = malloc(1000);
    memset(src, '(', 999);
    src[999] = 0;
    LexError e = lex_err(src);
    ck_assert_str_eq(e.msg, "too many nested parentheses");
    free(src);
    /* 100 levels of indentation */
    char buf[20000] = "";
    for (int i = 0; i < 120; i++) {
        for (int j = 0; j < i; j++)
            strcat(buf, " ");
        strcat(buf, "if x:\n");
    }
    e = lex_err(buf);
    ck_assert_str_eq(e.msg, "too many levels of indentation");
}
END_TEST

static const char *span_kind(LexSpanKind k)
{
    static const char *const names[] = {"kw", "builtin", "name", "def", "num", "str", "comment", "op", "err"};
    return names[k];
}

/* spans as "kind:text" items */
static char *spans(const char *src)
{
    static char out[4096];
    Mem m;
    mem_init(&m, 0);
    size_t n = 0;
    LexSpan *s = lex_spans(&m, src, strlen(src), &n);
    out[0] = 0;
    /* find line starts */
    for (size_t i = 0; i < n; i++) {
        const char *p = src;
        for (int l = 1; l < s[i].line; l++)
            p = strchr(p, '\n') + 1;
        char item[256];
        snprintf(item, sizeof item, "%s%s:%.*s", i ? " " : "", span_kind(s[i].kind), s[i].len, p + s[i].col);
        strncat(out, item, sizeof out - strlen(out) - 1);
    }
    mem_free(&m, s, n * sizeof *s);
    ck_assert_uint_eq(m.used, 0);
    return out;
}

START_TEST(test_spans)
{
    ck_assert_str_eq(spans("async def main(): # go\n    print(len('x'), 42)\n"),
                     "kw:async kw:def def:main op:( op:) op:: comment:# go builtin:print op:( "
                     "builtin:len op:( str:'x' op:) op:, num:42 op:)");
    /* incomplete code: never fails */
    ck_assert_str_eq(spans("x = 'abc\ny = \"\"\"doc\nmore"),
                     "name:x op:= str:'abc name:y op:= str:\"\"\"doc str:more");
    ck_assert_str_eq(spans("if x:\n\ty\n        z = (1\n"), "kw:if name:x op:: name:y name:z op:= op:( num:1");
    ck_assert_str_eq(spans("a $ 1abc \\ b"), "name:a err:$ num:1abc err:\\ name:b");
    ck_assert_str_eq(spans(""), "");
}
END_TEST

START_TEST(test_spans_any_bytes)
{
    /* every byte value, in many positions: no crash, spans stay inside */
    Mem m;
    mem_init(&m, 0);
    char buf[512];
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(round % 97) + 1;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            const char pick[] = "'\"\\\n\t (){}[]#fr0x1.e_ab:=\xc3\xa9\r\x0c";
            buf[i] = (seed >> 16) % 3 ? pick[(seed >> 8) % (sizeof pick - 1)] : (char)(seed >> 16);
        }
        size_t ns = 0;
        LexSpan *s = lex_spans(&m, buf, n, &ns);
        for (size_t i = 0; i < ns; i++) {
            ck_assert_int_ge(s[i].len, 1);
            ck_assert_int_ge(s[i].col, 0);
        }
        mem_free(&m, s, ns * sizeof *s);
        size_t nt = 0;
        LexError err;
        LexToken *t = lex_tokenize(&m, buf, n, &nt, &err);
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t[nt - 1].kind, LEX_EOF);
        lex_tokens_free(&m, t, nt);
    }
    ck_assert_uint_eq(m.used, 0);
}
END_TEST

static Suite *lex_suite(void)
{
    Suite *s = suite_create("lex");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_simple_tokens);
    tcase_add_test(tc, test_indentation);
    tcase_add_test(tc, test_joining);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_deep_brackets);
    tcase_add_test(tc, test_spans);
    tcase_add_test(tc, test_spans_any_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lex_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
