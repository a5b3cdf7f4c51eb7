/* Check suite for engine/mem: counting and the cap. */
#include "engine/mem.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* A freed small block is reused by the next allocation of its class (not
 * in direct mode, where every block is malloc'ed), and the counts stay
 * exact through resizes inside a class, across classes and to a large
 * block. */
START_TEST(test_classes_reuse_and_resize)
{
    Mem m;
    mem_init(&m, 0);
    char *a = mem_alloc(&m, 40);
    char *b = mem_alloc(&m, 40);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq((uintptr_t)a % 16, 0);
    mem_free(&m, a, 40);
#if defined(__SANITIZE_ADDRESS__)
    ck_assert(m.direct); /* ASan must see every block: no free lists */
#endif
    char *c = mem_alloc(&m, 33); /* same class as 40 (33..48) */
    if (!m.direct) ck_assert_ptr_eq(c, a);
    memset(c, 'c', 33);
    c = mem_realloc(&m, c, 33, 48); /* same class: stays */
    ck_assert_int_eq(c[32], 'c');
    c = mem_realloc(&m, c, 48, 300); /* another class: moved, copied */
    ck_assert_int_eq(c[0], 'c');
    ck_assert_int_eq(c[32], 'c');
    c = mem_realloc(&m, c, 300, 5000); /* to a large block */
    ck_assert_int_eq(c[32], 'c');
    c[4999] = 'z';
    c = mem_realloc(&m, c, 5000, 20); /* back to a small one */
    ck_assert_int_eq(c[19], 'c');
    ck_assert_uint_eq(m.used, 20 + 40);
    ck_assert_uint_eq(m.count, 2);
    mem_free(&m, c, 20);
    mem_free(&m, b, 40);
    ck_assert_uint_eq(m.used, 0);
    ck_assert_uint_eq(m.count, 0);
    ck_assert_ptr_null(m.chunks); /* given back with the last block */
    mem_fini(&m);
}
END_TEST

/* Many blocks of every class: distinct, writable, all counted; chunks are
 * given back when the last one goes. */
START_TEST(test_many_blocks)
{
    enum { N = 20000 };
    static char *p[N];
    Mem m;
    mem_init(&m, 0);
    size_t want = 0;
    for (int i = 0; i < N; i++) {
        size_t sz = 1 + (size_t)(i * 7919) % 700;
        p[i] = mem_alloc(&m, sz);
        ck_assert_ptr_nonnull(p[i]);
        memset(p[i], i & 0xff, sz);
        want += sz;
    }
    ck_assert_uint_eq(m.used, want);
    for (int i = 0; i < N; i += 2)
        mem_free(&m, p[i], 1 + (size_t)(i * 7919) % 700);
    for (int i = 1; i < N; i += 2) {
        size_t sz = 1 + (size_t)(i * 7919) % 700;
        size_t k = 0;
        while (k < sz && (unsigned char)p[i][k] == (i & 0xff))
            k++;
        ck_assert_uint_eq(k, sz); /* nobody else wrote into it */
        mem_free(&m, p[i], sz);
    }
    ck_assert_uint_eq(m.used, 0);
    ck_assert_uint_eq(m.count, 0);
    ck_assert_ptr_null(m.chunks);
    mem_fini(&m);
}
END_TEST

/* Blocks of 2 MiB and more: a new one is its own mapping at a 2 MiB
 * boundary (huge pages), zeroed by mem_calloc, resized with its bytes kept
 * in both directions and back to a malloc'ed block; a malloc'ed block grown
 * past 2 MiB stays malloc's. All counted; mem_fini unmaps a live one. */
START_TEST(test_big_blocks)
{
    enum { MiB = 1 << 20 };
    Mem m;
    mem_init(&m, 0);
    unsigned char *a = mem_calloc(&m, 3 * MiB + 5);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a[0] | a[2 * MiB] | a[3 * MiB + 4], 0);
    if (!m.direct) {
        ck_assert_uint_eq((uintptr_t)a % (2 * MiB), 0);
        ck_assert_uint_eq(m.nbig, 1);
    }
    for (size_t i = 0; i < 3 * MiB + 5; i += 4093)
        a[i] = (unsigned char)(i % 251 + 1);
    a[3 * MiB + 4] = 7;
    a = mem_realloc(&m, a, 3 * MiB + 5, 5 * MiB); /* grows: moved or not, bytes kept */
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < 3 * MiB + 5; i += 4093)
        ck_assert_int_eq(a[i], i % 251 + 1);
    ck_assert_int_eq(a[3 * MiB + 4], 7);
    a[5 * MiB - 1] = 9;
    a = mem_realloc(&m, a, 5 * MiB, 2 * MiB + 1); /* shrinks, still big */
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < 2 * MiB + 1; i += 4093)
        ck_assert_int_eq(a[i], i % 251 + 1);
    a = mem_realloc(&m, a, 2 * MiB + 1, 100000); /* to a malloc'ed block */
    ck_assert_ptr_nonnull(a);
    for (size_t i = 0; i < 100000; i += 4093)
        ck_assert_int_eq(a[i], i % 251 + 1);
    ck_assert_uint_eq(m.nbig, 0);
    ck_assert_uint_eq(m.used, 100000);

    unsigned char *b = mem_alloc(&m, MiB); /* malloc'ed, then grown past 2 MiB */
    ck_assert_ptr_nonnull(b);
    memset(b, 'b', MiB);
    b = mem_realloc(&m, b, MiB, 3 * MiB);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b[MiB - 1], 'b');
    ck_assert_uint_eq(m.nbig, 0);
    b[3 * MiB - 1] = 'e';
    mem_free(&m, b, 3 * MiB);
    mem_free(&m, a, 100000);
    ck_assert_uint_eq(m.used, 0);
    ck_assert_uint_eq(m.count, 0);

    unsigned char *c = mem_alloc(&m, 4 * MiB);
    ck_assert_ptr_nonnull(c);
    c[4 * MiB - 1] = 1;
    ck_assert_uint_eq(m.peak, 5 * MiB);
    if (!m.direct) mem_fini(&m); /* live: unmapped (direct mode: malloc'ed, freed below) */
    else mem_free(&m, c, 4 * MiB), mem_fini(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_counts_and_peak);
    tcase_add_test(tc, test_cap_refuses_and_keeps_block);
    tcase_add_test(tc, test_classes_reuse_and_resize);
    tcase_add_test(tc, test_many_blocks);
    tcase_add_test(tc, test_big_blocks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
