/* Check suite for app/layout: pane geometry for any terminal size. */
#include "app/layout.h"

#include <check.h>
#include <stdlib.h>

static bool inside(const LayoutRect *r, int w, int h)
{
    return r->h == 0 || (r->y >= 0 && r->x >= 0 && r->y + r->h <= h && r->x + r->w <= w);
}

static bool overlap(const LayoutRect *a, const LayoutRect *b)
{
    if (!a->h || !b->h || !a->w || !b->w) return false;
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

START_TEST(test_too_small)
{
    Layout l;
    LayoutWant w = {.code = true, .output = true, .timeline = true};
    layout_compute(&l, 60, 20, &w);
    ck_assert(l.too_small);
    layout_compute(&l, 79, 40, &w);
    ck_assert(l.too_small);
    layout_compute(&l, 200, 23, &w);
    ck_assert(l.too_small);
    layout_compute(&l, 80, 24, &w);
    ck_assert(!l.too_small);
}
END_TEST

START_TEST(test_text_page_full_width)
{
    Layout l;
    LayoutWant w = {0};
    layout_compute(&l, 100, 30, &w);
    ck_assert_int_eq(l.title.y, 0);
    ck_assert_int_eq(l.keybar.y, 29);
    ck_assert_int_eq(l.keybar.w, 100);
    ck_assert_int_eq(l.prose.w, 100);
    ck_assert_int_eq(l.prose.y, 1);
    ck_assert_int_eq(l.prose.h, 27); /* title, status and key bar take 3 rows */
    ck_assert_int_eq(l.code.h, 0);
    ck_assert_int_eq(l.timeline.h, 0);
}
END_TEST

/* Every size from the minimum up: panes inside the screen, never overlap,
 * the key bar on the last row, the prose and code readable. */
START_TEST(test_demo_page_all_sizes)
{
    for (int present = 0; present < 2; present++)
        for (int internals = 0; internals < 2; internals++)
            for (int w = 80; w <= 240; w += 7)
                for (int h = 24; h <= 80; h += 5) {
                    Layout l;
                    LayoutWant want = {.code = true,
                                       .output = true,
                                       .timeline = true,
                                       .internals = internals,
                                       .present = present,
                                       .lanes = 5};
                    layout_compute(&l, w, h, &want);
                    ck_assert(!l.too_small);
                    const LayoutRect *rs[] = {&l.title,    &l.prose,     &l.code,   &l.output,
                                              &l.timeline, &l.internals, &l.status, &l.keybar};
                    int n = sizeof rs / sizeof rs[0];
                    for (int i = 0; i < n; i++) {
                        ck_assert_msg(inside(rs[i], w, h), "pane %d outside at %dx%d", i, w, h);
                        for (int j = i + 1; j < n; j++)
                            ck_assert_msg(!overlap(rs[i], rs[j]),
                                          "panes %d and %d overlap at %dx%d", i, j, w, h);
                    }
                    ck_assert_int_eq(l.keybar.y, h - 1);
                    ck_assert(l.prose.w >= 32);
                    ck_assert(l.code.w >= 40);
                    ck_assert(l.code.h >= 4);
                    ck_assert(l.output.h >= 4);
                    ck_assert(l.timeline.h >= 6);
                    ck_assert_int_eq(l.internals.h > 0, internals);
                }
}
END_TEST

START_TEST(test_present_timeline_larger)
{
    Layout a, b;
    LayoutWant w = {.code = true, .output = true, .timeline = true, .lanes = 5};
    layout_compute(&a, 120, 50, &w);
    w.present = true;
    layout_compute(&b, 120, 50, &w);
    ck_assert(b.timeline.h > a.timeline.h);
}
END_TEST

START_TEST(test_contains)
{
    LayoutRect r = {2, 3, 4, 5};
    ck_assert(layout_contains(&r, 2, 3));
    ck_assert(layout_contains(&r, 5, 7));
    ck_assert(!layout_contains(&r, 6, 7));
    ck_assert(!layout_contains(&r, 5, 8));
    LayoutRect z = {0, 0, 0, 0};
    ck_assert(!layout_contains(&z, 0, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_too_small);
    tcase_add_test(tc, test_text_page_full_width);
    tcase_add_test(tc, test_demo_page_all_sizes);
    tcase_add_test(tc, test_present_timeline_larger);
    tcase_add_test(tc, test_contains);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
