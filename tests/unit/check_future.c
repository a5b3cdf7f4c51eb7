/* Check suite for engine/future (and the Host default ops it relies on):
 * states, done-callbacks queued in registration order one hop later,
 * cancel messages, CancelledError hand-over, references. */
#include "tests/unit/engine_test.h"

typedef struct Calls {
    int who[16];
    void *arg[16];
    uint64_t it[16];
    int n;
} Calls;

static Calls g_calls;

static void cb1(Loop *L, void *data, void *arg)
{
    g_calls.who[g_calls.n] = (int)(intptr_t)data;
    g_calls.arg[g_calls.n] = arg;
    g_calls.it[g_calls.n++] = loop_iteration(L);
}

START_TEST(test_result_and_callback_order)
{
    TWorld w;
    tw_init(&w);
    memset(&g_calls, 0, sizeof g_calls);
    Future *f = future_new(w.loop);
    ck_assert_int_eq(future_state(f), FUTURE_PENDING);
    ck_assert_int_eq(future_kind(f), FUTURE_PLAIN);
    ck_assert_ptr_eq(future_loop(f), w.loop);
    for (int i = 1; i <= 6; i++) /* more than the inline slot */
        ck_assert_int_eq(future_add_callback(f, cb1, (void *)(intptr_t)i), 0);
    ck_assert_uint_eq(future_remove_callback(f, cb1, (void *)3), 1);
    ck_assert_uint_eq(future_callback_count(f), 5);
    ck_assert_int_eq(future_set_result(f, host_int(11)), 0);
    ck_assert_int_eq(future_set_result(f, host_int(12)), -1); /* InvalidStateError */
    ck_assert_int_eq(g_calls.n, 0);                           /* queued, not called */
    ck_assert_uint_eq(loop_ready_count(w.loop), 5);
    /* done: it has none left to remove (the first waits in cb0, queued) */
    ck_assert_uint_eq(future_remove_callback(f, cb1, (void *)1), 0);
    ck_assert_uint_eq(future_callback_count(f), 0);
    loop_run_once(w.loop);
    ck_assert_int_eq(g_calls.n, 5);
    int expect[] = {1, 2, 4, 5, 6};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(g_calls.who[i], expect[i]);
        ck_assert_ptr_eq(g_calls.arg[i], f);
    }
    /* added when already done: queued at once */
    future_add_callback(f, cb1, (void *)7);
    loop_run_once(w.loop);
    ck_assert_int_eq(g_calls.n, 6);
    ck_assert_int_eq(host_to_int(future_result(f)), 11);
    ck_assert_ptr_null(future_take_error(f));
    future_release(f);
    tw_fini(&w);
}
END_TEST

START_TEST(test_exception_and_retrieval)
{
    TWorld w;
    tw_init(&w);
    Future *f = future_new(w.loop);
    HostExc *e = host_exc_new(&w.host, HOST_EXC_ERROR, "bad");
    future_set_exception(f, e);
    ck_assert_int_eq(future_state(f), FUTURE_EXCEPTION);
    ck_assert(future_exception_unretrieved(f));
    ck_assert_ptr_null(future_result(f));
    ck_assert_ptr_eq(future_take_error(f), e);
    ck_assert(!future_exception_unretrieved(f));
    ck_assert_ptr_eq(future_exception(f), e);
    future_release(f);
    tw_fini(&w);
}
END_TEST

static void noop_cb(Loop *L, void *data, void *arg)
{
}

START_TEST(test_cancel_and_message)
{
    TWorld w;
    tw_init(&w);
    Future *f = future_new(w.loop);
    ck_assert(future_cancel(f, (void *)"stop"));
    ck_assert(!future_cancel(f, NULL)); /* already done */
    ck_assert(future_cancelled(f));
    ck_assert(future_done(f));
    ck_assert_str_eq(future_cancel_message(f), "stop");
    HostExc *e = future_take_error(f);
    ck_assert_int_eq(e->kind, HOST_EXC_CANCELLED);
    ck_assert_str_eq(e->msg, "stop");
    ck_assert_int_eq(future_set_result(f, NULL), -1);
    /* cancel() without a message needs no side block; with one, when there
     * is no memory left for it, the future is still cancelled, without
     * the message, and the loop reports ENOMEM (at the end of the
     * iteration: here the one that runs h's callback) */
    Future *g = future_new(w.loop), *h = future_new(w.loop);
    ck_assert_int_eq(future_add_callback(h, noop_cb, NULL), 0);
    w.mem.limit = w.mem.used + 8;
    ck_assert(future_cancel(g, NULL));
    ck_assert(future_cancel(h, (void *)"lost"));
    w.mem.limit = 0;
    ck_assert(future_cancelled(g) && future_cancelled(h));
    ck_assert_ptr_null(future_cancel_message(g));
    ck_assert_ptr_null(future_cancel_message(h));
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_ENOMEM);
    future_release(g);
    future_release(h);
    future_release(f);
    tw_fini(&w);
}
END_TEST

START_TEST(test_refs_and_callbacks_hold)
{
    TWorld w;
    tw_init(&w);
    memset(&g_calls, 0, sizeof g_calls);
    Future *f = future_new(w.loop);
    future_add_callback(f, cb1, (void *)1);
    future_retain(f);
    future_release(f);
    future_set_result(f, NULL);
    future_release(f); /* the queued callback still holds it */
    loop_run_once(w.loop);
    ck_assert_int_eq(g_calls.n, 1);
    tw_fini(&w); /* and nothing leaked */
}
END_TEST

START_TEST(test_label_and_host_ptr)
{
    TWorld w;
    tw_init(&w);
    Future *f = future_new(w.loop);
    ck_assert_str_eq(future_label(f), "future");
    future_set_label(f, "Lock.acquire");
    ck_assert_str_eq(future_label(f), "Lock.acquire");
    future_set_label(f, "wait_for"); /* a usual label: kept as a byte */
    ck_assert_str_eq(future_label(f), "wait_for");
    future_set_label(f, NULL);
    ck_assert_str_eq(future_label(f), "future");
    int x;
    ck_assert_ptr_null(future_host(f));
    ck_assert_int_eq(future_set_host(f, &x), 0);
    ck_assert_ptr_eq(future_host(f), &x);
    /* a task keeps its host pointer inline; future_host and task_host agree */
    Task *t = task_new(w.loop, nco_sleep(w.loop, 0, NULL), NULL);
    ck_assert_str_eq(future_label(task_future(t)), "task");
    ck_assert_int_eq(future_set_host(task_future(t), &x), 0);
    ck_assert_ptr_eq(task_host(t), &x);
    task_set_host(t, NULL);
    ck_assert_ptr_null(future_host(task_future(t)));
    /* ... and so does a gathering future: no side block, even with no
     * memory left */
    Future *ch = task_future(t);
    Future *gf = nco_gather(w.loop, &ch, 1, false);
    size_t limit_used = w.mem.used;
    w.mem.limit = limit_used + 1;
    ck_assert_int_eq(future_set_host(gf, &x), 0);
    w.mem.limit = 0;
    ck_assert_ptr_eq(future_host(gf), &x);
    ck_assert_uint_eq(w.mem.used, limit_used);
    /* the side block (host, label) is allocated only when needed and freed
     * with the future; with no memory for it, set_host fails and says so */
    Future *g = future_new(w.loop);
    w.mem.limit = w.mem.used + 8;
    ck_assert_int_eq(future_set_host(g, &x), -1);
    ck_assert_ptr_null(future_host(g));
    w.mem.limit = 0;
    future_release(g);
    loop_run_forever(w.loop);
    ck_assert(future_done(gf));
    future_release(gf);
    task_release(t);
    future_release(f);
    tw_fini(&w);
}
END_TEST

/* A future with many done-callbacks: the first is inline, the others in the
 * side block; removal keeps the order, completion queues them all in order. */
static char cb_log[64];
static void log_cb(Loop *L, void *data, void *arg)
{
    size_t n = strlen(cb_log);
    cb_log[n] = (char)(intptr_t)data;
    cb_log[n + 1] = 0;
}

START_TEST(test_many_callbacks)
{
    TWorld w;
    tw_init(&w);
    Future *f = future_new(w.loop);
    const char *order = "abcdefghij";
    for (const char *p = order; *p; p++)
        ck_assert_int_eq(future_add_callback(f, log_cb, (void *)(intptr_t)*p), 0);
    ck_assert_uint_eq(future_callback_count(f), 10);
    ck_assert_uint_eq(future_remove_callback(f, log_cb, (void *)(intptr_t)'a'), 1);
    ck_assert_uint_eq(future_remove_callback(f, log_cb, (void *)(intptr_t)'e'), 1);
    ck_assert_uint_eq(future_callback_count(f), 8);
    cb_log[0] = 0;
    future_set_result(f, host_int(1));
    ck_assert_uint_eq(future_callback_count(f), 0);
    loop_run_once(w.loop);
    ck_assert_str_eq(cb_log, "bcdfghij");
    /* all removed: none left inline either */
    Future *g = future_new(w.loop);
    future_add_callback(g, log_cb, (void *)(intptr_t)'x');
    future_add_callback(g, log_cb, (void *)(intptr_t)'x');
    ck_assert_uint_eq(future_remove_callback(g, log_cb, (void *)(intptr_t)'x'), 2);
    ck_assert_uint_eq(future_callback_count(g), 0);
    future_add_callback(g, log_cb, (void *)(intptr_t)'y');
    cb_log[0] = 0;
    future_cancel(g, NULL);
    loop_run_once(w.loop);
    ck_assert_str_eq(cb_log, "y");
    future_release(g);
    future_release(f);
    tw_fini(&w);
}
END_TEST

/* A host's unretrieved hook sees a future dropped with its exception. */
static int g_unretrieved;
static void count_unretrieved(void *ctx, Future *f)
{
    g_unretrieved++;
    ck_assert_int_eq(future_state(f), FUTURE_EXCEPTION);
}

START_TEST(test_unretrieved_hook)
{
    Mem mem;
    mem_init(&mem, 0);
    Host h;
    host_init(&h, &mem, NULL, NULL);
    HostOps ops = *host_default_ops();
    ops.unretrieved = count_unretrieved;
    h.ops = &ops;
    Loop *L = loop_new(&h);
    Future *f = future_new(L);
    future_set_exception(f, host_exc_new(&h, HOST_EXC_ERROR, "lost"));
    future_release(f);
    Future *g = future_new(L);
    future_set_exception(g, host_exc_new(&h, HOST_EXC_ERROR, "seen"));
    future_exception(g);
    future_release(g);
    ck_assert_int_eq(g_unretrieved, 1);
    loop_free(L);
    host_fini(&h);
    ck_assert_uint_eq(mem.used, 0);
}
END_TEST

/* Mem cap: failures are reported, not crashes. */
START_TEST(test_out_of_memory)
{
    TWorld w;
    tw_init(&w);
    w.mem.limit = w.mem.used + 32; /* less than any future */
    ck_assert_ptr_null(future_new(w.loop));
    w.mem.limit = 0;
    tw_fini(&w);
}
END_TEST

START_TEST(test_default_host_ops)
{
    TWorld w;
    tw_init(&w);
    const HostOps *o = w.host.ops;
    char b[64];
    void *c = o->cancelled_error(w.host.ctx, NULL, true);
    o->repr(w.host.ctx, c, true, b, sizeof b);
    ck_assert_str_eq(b, "CancelledError('')");
    ck_assert(o->is_cancelled_error(w.host.ctx, c));
    void *t = o->timeout_error(w.host.ctx, c);
    ck_assert_ptr_eq(((HostExc *)t)->cause, c);
    ck_assert(!o->is_cancelled_error(w.host.ctx, t));
    void *items[2] = {host_int(1), host_int(2)};
    HostList *l = o->list_new(w.host.ctx, items, 2);
    ck_assert_uint_eq(l->n, 2);
    ck_assert_int_eq(host_to_int(l->items[1]), 2);
    o->repr(w.host.ctx, host_int(-3), false, b, sizeof b);
    ck_assert_str_eq(b, "-3");
    ck_assert_int_eq(loop_ns_from_seconds(0.1), 100000000);
    ck_assert_int_eq(loop_ns_from_seconds(1e-9), 1);
    tw_fini(&w);
}
END_TEST

/* Host callbacks discarded without running are reported, so the host can
 * free what their data owns. */
static int g_dropped;
static void host_cb(Loop *L, void *data, void *arg) {}
static void on_dropped(void *ctx, void (*fn)(Loop *, void *, void *), void *data)
{
    if (fn == host_cb) g_dropped += (int)(intptr_t)data;
}

START_TEST(test_callback_dropped_hook)
{
    TWorld w;
    tw_init(&w);
    HostOps ops = *host_default_ops();
    ops.callback_dropped = on_dropped;
    w.host.ops = &ops;
    Future *f = future_new(w.loop);
    future_add_callback(f, host_cb, (void *)1);
    future_release(f); /* pending future freed with its callback */
    ck_assert_int_eq(g_dropped, 1);
    Future *kept = future_new(w.loop);
    future_add_callback(kept, host_cb, (void *)10);          /* detached at loop_free */
    loop_call_soon(w.loop, host_cb, (void *)100, NULL);      /* queued, never run */
    loop_call_later(w.loop, 5, host_cb, (void *)1000, NULL); /* pending timer */
    LoopTimer *due = loop_call_later(w.loop, 0, host_cb, (void *)10000, NULL);
    (void)due;
    Future *done = future_new(w.loop); /* done: its callbacks queued, never run */
    future_add_callback(done, host_cb, (void *)100000);
    future_add_callback(done, host_cb, (void *)1000000);
    future_set_result(done, NULL);
    future_release(done); /* the queue holds it */
    loop_free(w.loop);
    ck_assert_int_eq(g_dropped, 1111111);
    future_release(kept);
    w.loop = loop_new(&w.host);
    tw_fini(&w);
}
END_TEST

ENGINE_SUITE_MAIN("future", test_callback_dropped_hook, test_result_and_callback_order,
                  test_exception_and_retrieval, test_cancel_and_message,
                  test_refs_and_callbacks_hold, test_label_and_host_ptr, test_many_callbacks, test_unretrieved_hook,
                  test_out_of_memory, test_default_host_ops)
