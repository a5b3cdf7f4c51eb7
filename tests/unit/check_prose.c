/* Check suite for app/prose: Markdown into styled lines wrapped to a width. */
#include "app/prose.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static ProseDoc *render(const char *md, int width)
{
    ProseDoc *d = prose_render(md, strlen(md), width, false);
    ck_assert_ptr_nonnull(d);
    return d;
}

static const char *line(const ProseDoc *d, int i)
{
    static char buf[512];
    prose_line_text(d, i, buf, sizeof buf);
    return buf;
}

START_TEST(test_wraps_at_words)
{
    ProseDoc *d = render("one two three four five six seven eight nine ten", 20);
    ck_assert_int_eq(prose_line_count(d), 3);
    ck_assert_str_eq(line(d, 0), "one two three four");
    ck_assert_str_eq(line(d, 1), "five six seven eight");
    ck_assert_str_eq(line(d, 2), "nine ten");
    prose_free(d);
}
END_TEST

START_TEST(test_subheading_rendered)
{
    /* "## " is markup, not text: the heading shows without it. */
    ProseDoc *d = render("## Three slow steps\n\ntext\n", 60);
    int n;
    const ProseSpan *s = prose_line(d, 0, &n);
    ck_assert_str_eq(line(d, 0), "Three slow steps");
    ck_assert_int_eq(s[0].role, ROLE_HEADING);
    prose_free(d);
}
END_TEST

START_TEST(test_roles)
{
    ProseDoc *d = render("# Title\n\nplain *em* **strong** `code`\n", 60);
    int n;
    const ProseSpan *s = prose_line(d, 0, &n);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(s[0].role, ROLE_HEADING);
    ck_assert_str_eq(line(d, 1), "");
    s = prose_line(d, 2, &n);
    bool em = false, strong = false, code = false;
    for (int i = 0; i < n; i++) {
        if (s[i].role == ROLE_EMPH && s[i].len == 2 && memcmp(s[i].text, "em", 2) == 0) em = true;
        if (s[i].role == ROLE_STRONG && s[i].len == 6) strong = true;
        if (s[i].role == ROLE_CODE_INLINE && s[i].len == 4) code = true;
    }
    ck_assert(em && strong && code);
    ck_assert_str_eq(line(d, 2), "plain em strong code");
    prose_free(d);
}
END_TEST

START_TEST(test_code_block_not_wrapped)
{
    ProseDoc *d = render(
        "text\n\n```python\nawait asyncio.gather(function1(), function2())\n    x = 1\n```\n", 20);
    ck_assert_int_eq(prose_line_count(d), 4);
    ck_assert_str_eq(line(d, 2), "  await asyncio.gather(function1(), function2())");
    ck_assert_str_eq(line(d, 3), "      x = 1");
    int n;
    const ProseSpan *s = prose_line(d, 2, &n);
    ck_assert_int_eq(s[n - 1].role, ROLE_CODE_BLOCK);
    prose_free(d);
}
END_TEST

START_TEST(test_lists)
{
    ProseDoc *d =
        render("- first item that is long enough to wrap\n- second\n\n1. one\n2. two\n", 24);
    ck_assert_str_eq(line(d, 0), "\xe2\x80\xa2 first item that is");
    ck_assert_str_eq(line(d, 1), "  long enough to wrap");
    ck_assert_str_eq(line(d, 2), "\xe2\x80\xa2 second");
    ck_assert_str_eq(line(d, 3), "");
    ck_assert_str_eq(line(d, 4), "1. one");
    ck_assert_str_eq(line(d, 5), "2. two");
    prose_free(d);
    d = prose_render("- a\n", 4, 40, true);
    ck_assert_str_eq(line(d, 0), "* a");
    prose_free(d);
}
END_TEST

START_TEST(test_long_word_broken)
{
    ProseDoc *d = render("abcdefghijklmnopqrstuvwxyz", 10);
    ck_assert_int_eq(prose_line_count(d), 3);
    ck_assert_str_eq(line(d, 0), "abcdefghij");
    ck_assert_str_eq(line(d, 2), "uvwxyz");
    prose_free(d);
}
END_TEST

START_TEST(test_empty_and_entities)
{
    ProseDoc *d = render("", 10);
    ck_assert_int_eq(prose_line_count(d), 0);
    prose_free(d);
    d = render("a &amp; b &lt;c&gt;", 40);
    ck_assert_str_eq(line(d, 0), "a & b <c>");
    prose_free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("prose");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_wraps_at_words);
    tcase_add_test(tc, test_roles);
    tcase_add_test(tc, test_subheading_rendered);
    tcase_add_test(tc, test_code_block_not_wrapped);
    tcase_add_test(tc, test_lists);
    tcase_add_test(tc, test_long_word_broken);
    tcase_add_test(tc, test_empty_and_entities);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
