/* Check suite for engine/lang/gc: the cycle collector on a bare Rt.
 *
 * Garbage cycles of each builtin kind are freed (the Mem's block count goes
 * back to what it was), cycles that something outside still holds survive
 * with their counts unchanged, garbage that points at live objects leaves
 * them alive and correctly counted, and the tracking array follows objects
 * as they come and go. Every test ends with all memory back in the Mem.
 */
#include "engine/lang/obj.h"

#include <check.h>
#include <stdlib.h>

static Mem mem;
static Rt rt;

static void setup(void)
{
    mem_init(&mem, 0);
    ck_assert_int_eq(rt_init(&rt, &mem), RT_OK);
}

static void teardown(void)
{
    rt_fini(&rt);
    ck_assert_uint_eq(mem.used, 0);
    ck_assert_uint_eq(mem.count, 0);
}

static List *new_list(void)
{
    List *l = list_new(&rt, 0);
    ck_assert_ptr_nonnull(l);
    return l;
}

static Value str(const char *s)
{
    Value v;
    ck_assert_int_eq(str_value(&rt, s, strlen(s), &v), RT_OK);
    return v;
}

START_TEST(test_self_list_freed)
{
    size_t blocks = mem.count;
    List *l = new_list();
    ck_assert_int_eq(list_append(&rt, l, val_obj(&l->hdr)), RT_OK);
    ck_assert_uint_eq(l->hdr.rc, 2);
    obj_decref(&rt, &l->hdr); /* only the list holds itself now */
    ck_assert_uint_gt(mem.count, blocks);
    ck_assert_uint_eq(gc_collect(&rt), 1);
    ck_assert_uint_eq(mem.count, blocks);
}
END_TEST

/* list -> tuple -> dict -> bound method of the dict -> list, plus a str
 * only the cycle holds: all freed, the str by plain refcounting. */
START_TEST(test_mixed_cycle_freed)
{
    /* What stays until rt_fini (interned names, the method's descriptor)
     * is made before we count blocks. */
    Str *name = rt_intern_cstr(&rt, "get");
    ck_assert_ptr_nonnull(name);
    Dict *warm = dict_new(&rt);
    ck_assert_ptr_nonnull(warm);
    Value m;
    ck_assert_int_eq(obj_getattr(&rt, val_obj(&warm->hdr), name, &m), RT_OK);
    val_decref(&rt, m);
    obj_decref(&rt, &warm->hdr);
    ck_assert_ptr_nonnull(rt_intern_cstr(&rt, "back")); /* dict_set_str's key */
    size_t blocks = mem.count;
    List *l = new_list();
    Dict *d = dict_new(&rt);
    ck_assert_ptr_nonnull(d);
    Value get;
    ck_assert_int_eq(obj_getattr(&rt, val_obj(&d->hdr), name, &get), RT_OK);
    Value s = str("only the cycle holds me");
    ck_assert_int_eq(dict_set(&rt, d, s, get), RT_OK);
    val_decref(&rt, s);
    ck_assert_int_eq(dict_set_str(&rt, d, "back", val_obj(&l->hdr)), RT_OK);
    val_decref(&rt, get);
    Tuple *t = tuple_new(&rt, 1);
    ck_assert_ptr_nonnull(t);
    t->items[0] = val_obj(&d->hdr); /* the tuple takes our reference to d */
    ck_assert_int_eq(list_append_take(&rt, l, val_obj(&t->hdr)), RT_OK);
    obj_decref(&rt, &l->hdr);
    ck_assert_uint_ge(gc_collect(&rt), 4); /* list, tuple, dict, method */
    ck_assert_uint_eq(mem.count, blocks);
}
END_TEST

/* A cycle still held from C survives, counts unchanged; dropped, it goes. */
START_TEST(test_held_cycle_survives)
{
    size_t blocks = mem.count;
    List *a = new_list(), *b = new_list();
    ck_assert_int_eq(list_append(&rt, a, val_obj(&b->hdr)), RT_OK);
    ck_assert_int_eq(list_append(&rt, b, val_obj(&a->hdr)), RT_OK);
    obj_decref(&rt, &b->hdr); /* b: held by a only; a: by b and by us */
    ck_assert_uint_eq(gc_collect(&rt), 0);
    ck_assert_uint_eq(a->hdr.rc, 2);
    ck_assert_uint_eq(b->hdr.rc, 1);
    ck_assert_ptr_eq(val_list(val_list(a->items[0])->items[0]), a);
    obj_decref(&rt, &a->hdr);
    ck_assert_uint_eq(gc_collect(&rt), 2);
    ck_assert_uint_eq(mem.count, blocks);
}
END_TEST

/* Garbage that refers to a live object (held from C) frees only itself:
 * the live one keeps its contents and loses exactly the garbage's
 * reference. */
START_TEST(test_garbage_pointing_at_live)
{
    List *live = new_list();
    ck_assert_int_eq(list_append(&rt, live, val_int(42)), RT_OK);
    List *g = new_list();
    ck_assert_int_eq(list_append(&rt, g, val_obj(&g->hdr)), RT_OK);
    ck_assert_int_eq(list_append(&rt, g, val_obj(&live->hdr)), RT_OK);
    ck_assert_uint_eq(live->hdr.rc, 2);
    obj_decref(&rt, &g->hdr);
    ck_assert_uint_eq(gc_collect(&rt), 1);
    ck_assert_uint_eq(live->hdr.rc, 1);
    ck_assert_uint_eq(live->len, 1);
    ck_assert_int_eq(live->items[0].u.i, 42);
    obj_decref(&rt, &live->hdr);
}
END_TEST

/* A live object that only garbage refers to is garbage too, however long
 * the chain: a list of 10,000 lists, each holding the head. */
START_TEST(test_long_chain)
{
    size_t blocks = mem.count;
    List *head = new_list();
    List *prev = head;
    for (int i = 0; i < 10000; i++) {
        List *l = new_list();
        ck_assert_int_eq(list_append(&rt, l, val_obj(&head->hdr)), RT_OK);
        ck_assert_int_eq(list_append_take(&rt, prev, val_obj(&l->hdr)), RT_OK);
        prev = l;
    }
    ck_assert_uint_eq(gc_collect(&rt), 0); /* we still hold head */
    ck_assert_uint_eq(head->hdr.rc, 10001);
    obj_decref(&rt, &head->hdr);
    ck_assert_uint_eq(gc_collect(&rt), 10001);
    ck_assert_uint_eq(mem.count, blocks);
}
END_TEST

/* Exceptions: args that reach the exception, and two exceptions that are
 * each other's __context__. */
START_TEST(test_exception_cycles)
{
    size_t blocks = mem.count;
    List *box = new_list();
    Value arg = val_obj(&box->hdr), e;
    ck_assert_int_eq(exc_new(&rt, rt.cls[CLS_ValueError], &arg, 1, &e), RT_OK);
    ck_assert_int_eq(list_append_take(&rt, box, e), RT_OK);
    obj_decref(&rt, &box->hdr);
    Exc *a = exc_new_msg(&rt, rt.cls[CLS_KeyError], "a");
    Exc *b = exc_new_msg(&rt, rt.cls[CLS_KeyError], "b");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    val_decref(&rt, a->context);
    a->context = val_obj(&b->hdr); /* takes our reference to b */
    val_decref(&rt, b->context);
    b->context = val_obj(&a->hdr); /* takes our reference to a */
    ck_assert_uint_ge(gc_collect(&rt), 4);
    ck_assert_uint_eq(mem.count, blocks);
}
END_TEST

/* The array follows objects: freed ones leave it, their places are reused,
 * and a kind without traverse is never in it. */
START_TEST(test_tracking)
{
    uint32_t n0 = rt.gc.n;
    List *a = new_list(), *b = new_list(), *c = new_list();
    ck_assert_uint_eq(rt.gc.n, n0 + 3);
    ck_assert_uint_ne(a->hdr.flags, 0);
    ck_assert_ptr_eq(rt.gc.objs[b->hdr.flags - 1], &b->hdr);
    obj_decref(&rt, &a->hdr); /* c moves into a's place */
    ck_assert_uint_eq(rt.gc.n, n0 + 2);
    ck_assert_ptr_eq(rt.gc.objs[c->hdr.flags - 1], &c->hdr);
    ck_assert_ptr_eq(rt.gc.objs[b->hdr.flags - 1], &b->hdr);
    Value s = str("not tracked");
    ck_assert_uint_eq(rt.gc.n, n0 + 2);
    val_decref(&rt, s);
    obj_decref(&rt, &b->hdr);
    obj_decref(&rt, &c->hdr);
    ck_assert_uint_eq(rt.gc.n, n0);
}
END_TEST

/* A cycle left at rt_fini is collected there (teardown checks the Mem). */
START_TEST(test_cycle_left_at_fini)
{
    Dict *d = dict_new(&rt);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(dict_set_str(&rt, d, "me", val_obj(&d->hdr)), RT_OK);
    obj_decref(&rt, &d->hdr);
}
END_TEST

/* Under a tight limit the collector still works: it needs no memory to
 * find garbage, and its buffer for freeing it may go past the limit. */
START_TEST(test_collect_at_limit)
{
    rt_fini(&rt);
    mem_fini(&mem);
    mem_init(&mem, 256 << 10);
    ck_assert_int_eq(rt_init(&rt, &mem), RT_OK);
    int made = 0;
    for (;;) {
        List *l = list_new(&rt, 0);
        if (!l)
            break;
        if (list_append(&rt, l, val_obj(&l->hdr)) != RT_OK) {
            obj_decref(&rt, &l->hdr);
            break;
        }
        obj_decref(&rt, &l->hdr);
        made++;
    }
    rt_clear_exc(&rt);
    ck_assert_int_gt(made, 100);
    ck_assert_uint_eq(gc_collect(&rt), (size_t)made);
    List *l = list_new(&rt, 0);
    ck_assert_ptr_nonnull(l);
    obj_decref(&rt, &l->hdr);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gc");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_self_list_freed);
    tcase_add_test(tc, test_mixed_cycle_freed);
    tcase_add_test(tc, test_held_cycle_survives);
    tcase_add_test(tc, test_garbage_pointing_at_live);
    tcase_add_test(tc, test_long_chain);
    tcase_add_test(tc, test_exception_cycles);
    tcase_add_test(tc, test_tracking);
    tcase_add_test(tc, test_cycle_left_at_fini);
    tcase_add_test(tc, test_collect_at_limit);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
