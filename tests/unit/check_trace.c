/* Check suite for engine/trace: the events of a three-task gather, derived
 * measures, iteration, formatting, and recording off. */
#include "tests/unit/engine_test.h"

static const TStep kid1[] = {S_SLEEP(1 * LOOP_NS_PER_SEC), S_LOG("one"), S_RET(1)};
static const TStep kid2[] = {S_SLEEP(2 * LOOP_NS_PER_SEC), S_LOG("two"), S_RET(2)};
static const TStep kid3[] = {S_SLEEP(3 * LOOP_NS_PER_SEC), S_RAISE("three")};

static Future *three(TWorld *w)
{
    Task *t[3] = {task_new(w->loop, tco(w, kid1), NULL), task_new(w->loop, tco(w, kid2), NULL),
                  task_new(w->loop, tco(w, kid3), NULL)};
    Future *ch[3] = {task_future(t[0]), task_future(t[1]), task_future(t[2])};
    Future *g = nco_gather(w->loop, ch, 3, true);
    for (int i = 0; i < 3; i++)
        task_release(t[i]);
    return g;
}

static const TStep gmain[] = {S_CALL(three, "got"), S_END};

static void dump(Trace *tr, char *buf, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; i < trace_count(tr) && len < size; i++) {
        len += trace_format(tr, trace_at(tr, i), buf + len, size - len);
        if (len < size) buf[len++] = '\n';
    }
    buf[len < size ? len : size - 1] = 0;
}

START_TEST(test_three_task_gather)
{
    TWorld w;
    tw_init(&w);
    Trace *tr = trace_new(&w.mem);
    loop_set_trace(w.loop, tr);
    Task *m = task_new(w.loop, tco(&w, gmain), NULL);
    loop_run_until_complete(w.loop, task_future(m));
    static char buf[8192];
    dump(tr, buf, sizeof buf);
    static const char expect[] = "t=0.000000000 it=0 task=1 created Task-1\n"
                                 "t=0.000000000 it=0 task=1 ready\n"
                                 "t=0.000000000 it=1 task=1 step\n"
                                 "t=0.000000000 it=1 task=2 created other=1 Task-2\n"
                                 "t=0.000000000 it=1 task=2 ready\n"
                                 "t=0.000000000 it=1 task=3 created other=1 Task-3\n"
                                 "t=0.000000000 it=1 task=3 ready\n"
                                 "t=0.000000000 it=1 task=4 created other=1 Task-4\n"
                                 "t=0.000000000 it=1 task=4 ready\n"
                                 "t=0.000000000 it=1 task=1 end await gather\n"
                                 "t=0.000000000 it=2 task=2 step\n"
                                 "t=0.000000000 it=2 task=2 sleep until=1.000000000\n"
                                 "t=0.000000000 it=2 task=2 end await sleep\n"
                                 "t=0.000000000 it=2 task=3 step\n"
                                 "t=0.000000000 it=2 task=3 sleep until=2.000000000\n"
                                 "t=0.000000000 it=2 task=3 end await sleep\n"
                                 "t=0.000000000 it=2 task=4 step\n"
                                 "t=0.000000000 it=2 task=4 sleep until=3.000000000\n"
                                 "t=0.000000000 it=2 task=4 end await sleep\n"
                                 "t=1.000000000 it=3 task=2 ready\n"
                                 "t=1.000000000 it=4 task=2 step\n"
                                 "t=1.000000000 it=4 task=2 output one\n"
                                 "t=1.000000000 it=4 task=2 end return\n"
                                 "t=1.000000000 it=4 task=2 result 1\n"
                                 "t=2.000000000 it=6 task=3 ready\n"
                                 "t=2.000000000 it=7 task=3 step\n"
                                 "t=2.000000000 it=7 task=3 output two\n"
                                 "t=2.000000000 it=7 task=3 end return\n"
                                 "t=2.000000000 it=7 task=3 result 2\n"
                                 "t=3.000000000 it=9 task=4 ready\n"
                                 "t=3.000000000 it=10 task=4 step\n"
                                 "t=3.000000000 it=10 task=4 end raise\n"
                                 "t=3.000000000 it=10 task=4 exception ValueError('three')\n"
                                 "t=3.000000000 it=11 task=1 ready\n"
                                 "t=3.000000000 it=12 task=1 step\n"
                                 "t=3.000000000 it=12 task=1 end return\n"
                                 "t=3.000000000 it=12 task=1 result None\n";
    if (strcmp(buf, expect) != 0)
        fprintf(stderr, "trace was:\n%s", buf); /* Check cannot report long strings */
    ck_assert(strcmp(buf, expect) == 0);
    /* derived measures the exercise checker uses */
    ck_assert_uint_eq(trace_max_sleeping(tr), 3);
    const TraceEvent *first = trace_at(tr, 0), *last = trace_at(tr, trace_count(tr) - 1);
    ck_assert_int_eq(last->t_ns - first->t_ns, 3 * LOOP_NS_PER_SEC);
    for (size_t i = 0; i < trace_count(tr); i++)
        ck_assert_uint_eq(trace_at(tr, i)->seq, i);
    ck_assert_ptr_null(trace_at(tr, trace_count(tr)));
    ck_assert(!trace_truncated(tr));
    task_release(m);
    trace_free(tr);
    tw_fini(&w);
}
END_TEST

/* STEP_END of a task awaiting another task names it; cancel and block
 * events; renames; the sweep counts a task once. */
static Task *g_inner;
static const TStep inner[] = {S_SLEEP(5), S_SLEEP(5), S_END};
static const TStep outer[] = {S_AWAITP((Future **)&g_inner), S_END};

START_TEST(test_await_task_cancel_block)
{
    TWorld w;
    tw_init(&w);
    Trace *tr = trace_new(&w.mem);
    loop_set_trace(w.loop, tr);
    g_inner = task_new(w.loop, tco(&w, inner), "inner");
    Task *o = task_new(w.loop, tco(&w, outer), NULL);
    task_set_name(o, "outer");
    loop_run_once(w.loop);
    loop_block_for(w.loop, 7);
    task_cancel(o, NULL);
    loop_run_forever(w.loop);
    static char buf[4096];
    dump(tr, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "task=1 created inner\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=2 created Task-1\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=2 renamed outer\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=2 end await other=1 task\n"));
    ck_assert_ptr_nonnull(strstr(buf, "t=0.000000000 it=1 task=0 block until=0.000000007\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=2 cancel\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=1 end cancelled\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=1 cancelled\n"));
    ck_assert_ptr_nonnull(strstr(buf, "task=2 cancelled\n"));
    ck_assert_uint_eq(trace_max_sleeping(tr), 1);
    task_release(o);
    task_release(g_inner);
    trace_free(tr);
    tw_fini(&w);
}
END_TEST

START_TEST(test_recording_off_and_clear)
{
    TWorld w;
    tw_init(&w);
    static const TStep p[] = {S_LOG("hi"), S_SLEEP(1), S_END};
    Trace *tr = trace_new(&w.mem);
    Task *t = task_new(w.loop, tco(&w, p), NULL); /* no trace attached yet */
    loop_run_forever(w.loop);
    ck_assert_uint_eq(trace_count(tr), 0);
    trace_add(tr, TRACE_OUTPUT, 5, 1, 0, 0, TRACE_WHY_NONE, 0, "abc", 3);
    const TraceEvent *e = trace_at(tr, 0);
    ck_assert_uint_eq(e->text_len, 3);
    ck_assert_int_eq(memcmp(trace_text(tr, e), "abc", 3), 0);
    trace_clear(tr);
    ck_assert_uint_eq(trace_count(tr), 0);
    trace_add(tr, TRACE_READY, 5, 1, 0, 0, TRACE_WHY_NONE, 0, NULL, 0);
    ck_assert_uint_eq(trace_at(tr, 0)->seq, 1); /* seq continues */
    ck_assert_str_eq(trace_text(tr, trace_at(tr, 0)), "");
    ck_assert_str_eq(trace_kind_name(TRACE_STEP_END), "end");
    ck_assert_str_eq(trace_why_name(TRACE_WHY_AWAIT), "await");
    task_release(t);
    trace_free(tr);
    tw_fini(&w);
}
END_TEST

START_TEST(test_truncated_on_cap)
{
    TWorld w;
    tw_init(&w);
    Trace *tr = trace_new(&w.mem);
    w.mem.limit = w.mem.used + 1000;
    int fails = 0;
    for (int i = 0; i < 100; i++)
        fails += trace_add(tr, TRACE_READY, 0, 0, 1, 0, TRACE_WHY_NONE, 0, NULL, 0) < 0;
    ck_assert_int_eq(fails, 100); /* the first block of 256 events does not fit */
    ck_assert(trace_truncated(tr));
    w.mem.limit = 0;
    trace_free(tr);
    tw_fini(&w);
}
END_TEST

ENGINE_SUITE_MAIN("trace", test_three_task_gather, test_await_task_cancel_block,
                  test_recording_off_and_clear, test_truncated_on_cap)
