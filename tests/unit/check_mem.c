/* Check suite for engine/mem: counting and the cap. */
#include "engine/mem.h"

#include <check.h>
#include <stdlib.h>

START_TEST(test_counts_and_peak)
{
    Mem m;
    mem_init(&m, 0);
    void *a = mem_alloc(&m, 100);
    void *b = mem_alloc(&m, 50);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(m.used, 150);
    ck_assert_uint_eq(m.count, 2);
    mem_free(&m, a, 100);
    ck_assert_uint_eq(m.used, 50);
    ck_assert_uint_eq(m.peak, 150);
    b = mem_realloc(&m, b, 50, 500);
    ck_assert_uint_eq(m.used, 500);
    mem_free(&m, b, 500);
    ck_assert_uint_eq(m.used, 0);
    ck_assert_uint_eq(m.count, 0);
}
END_TEST

START_TEST(test_cap_refuses_and_keeps_block)
{
    Mem m;
    mem_init(&m, 1000);
    char *a = mem_alloc(&m, 600);
    ck_assert_ptr_nonnull(a);
    a[0] = 'x';
    ck_assert_ptr_null(mem_alloc(&m, 600));
    ck_assert_ptr_null(mem_realloc(&m, a, 600, 2000));
    ck_assert_int_eq(a[0], 'x'); /* the old block is untouched */
    ck_assert_uint_eq(m.used, 600);
    mem_free(&m, a, 600);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_counts_and_peak);
    tcase_add_test(tc, test_cap_refuses_and_keeps_block);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
