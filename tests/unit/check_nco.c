/* Check suite for engine/nco: native sleep, gather, wait_for, await. The
 * expected logs are CPython 3.11's iteration numbers for the same programs
 * (asyncio-semantics §4, §6; /work/shared/corpus/010-round-robin-sleep0). */
#include "tests/unit/engine_test.h"

/* ---- 010-round-robin-sleep0: T = create_task(counter("T", 2));
 *      r = await gather(counter("A", 3), counter("B", 2), T) */
static const TStep cnt_T[] = {S_LOG("T:1"), S_YIELD, S_LOG("T:2"), S_YIELD, S_RET('T')};
static const TStep cnt_A[] = {S_LOG("A:1"), S_YIELD, S_LOG("A:2"), S_YIELD,
                              S_LOG("A:3"), S_YIELD, S_RET('A')};
static const TStep cnt_B[] = {S_LOG("B:1"), S_YIELD, S_LOG("B:2"), S_YIELD, S_RET('B')};
static Task *rr_t;

static Future *rr_create_T(TWorld *w)
{
    rr_t = task_new(w->loop, tco(w, cnt_T), NULL);
    return NULL;
}

static Future *rr_gather(TWorld *w)
{
    Task *a = task_new(w->loop, tco(w, cnt_A), NULL);
    Task *b = task_new(w->loop, tco(w, cnt_B), NULL);
    Future *ch[3] = {task_future(a), task_future(b), task_future(rr_t)};
    Future *g = nco_gather(w->loop, ch, 3, false);
    task_release(a);
    task_release(b);
    return g;
}

static const TStep rr_main[] = {S_CALL(rr_create_T, NULL), S_CALL(rr_gather, "r ="), S_END};

START_TEST(test_round_robin_sleep0)
{
    TWorld w;
    tw_init(&w);
    Task *m = task_new(w.loop, tco(&w, rr_main), NULL);
    ck_assert_int_eq(loop_run_until_complete(w.loop, task_future(m)), LOOP_RAN);
    ck_assert_str_eq(w.log.buf, "[it 2] T:1\n[it 2] A:1\n[it 2] B:1\n"
                                "[it 3] T:2\n[it 3] A:2\n[it 3] B:2\n"
                                "[it 4] A:3\n[it 7] r = ['A', 'B', 'T']\n");
    task_release(rr_t);
    task_release(m);
    tw_fini(&w);
}
END_TEST

/* ---- s4_gather, first part: duplicates share a child, results in argument
 * order: gather(ok("slow", .02), c, ok("fast", .01), c) */
static const TStep ok_slow[] = {S_SLEEP(20000000), S_LOG("slow finished"), S_RET('s')};
static const TStep ok_fast[] = {S_SLEEP(10000000), S_LOG("fast finished"), S_RET('f')};
static const TStep ok_dup[] = {S_SLEEP(0), S_LOG("dup finished"), S_RET('d')};

/* task_new with a scripted coroutine; NULL when memory runs out. */
static Task *spawn(TWorld *w, const TStep *p)
{
    Coro c = tco(w, p);
    return c.vt ? task_new(w->loop, c, NULL) : NULL;
}

static Future *dup_gather(TWorld *w)
{
    Task *s = spawn(w, ok_slow);
    Task *d = spawn(w, ok_dup);
    Task *f = spawn(w, ok_fast);
    Future *g = NULL;
    if (s && d && f) {
        Future *ch[4] = {task_future(s), task_future(d), task_future(f), task_future(d)};
        g = nco_gather(w->loop, ch, 4, false);
    }
    if (s) task_release(s);
    if (d) task_release(d);
    if (f) task_release(f);
    return g;
}

static const TStep dup_main[] = {S_CALL(dup_gather, "got"), S_END};

START_TEST(test_gather_order_and_duplicates)
{
    TWorld w;
    tw_init(&w);
    Task *m = task_new(w.loop, tco(&w, dup_main), NULL);
    loop_run_until_complete(w.loop, task_future(m));
    ck_assert_str_eq(w.log.buf, "[it 3] dup finished\n[it 6] fast finished\n"
                                "[it 9] slow finished\n[it 11] got ['s', 'd', 'f', 'd']\n");
    task_release(m);
    tw_fini(&w);
}
END_TEST

/* ---- gather failures (CPython run of the g3 program in the engine notes):
 *   try: await gather(ok("a", .03), bad("b", .01), bad("c", .02))
 *   except ValueError as e: p("caught", repr(e))
 *   await sleep(.05)
 *   p(await gather(ok("x", 0), bad("y", 0), return_exceptions=True)) */
static const TStep ok_a[] = {S_SLEEP(30000000), S_LOG("a finished"), S_RET('a')};
static const TStep bad_b[] = {S_SLEEP(10000000), S_LOG("b raising"), S_RAISE("b")};
static const TStep bad_c[] = {S_SLEEP(20000000), S_LOG("c raising"), S_RAISE("c")};
static const TStep ok_x[] = {S_SLEEP(0), S_LOG("x finished"), S_RET('x')};
static const TStep bad_y[] = {S_SLEEP(0), S_LOG("y raising"), S_RAISE("y")};
static Task *kept[8];
static int nkept;

static Future *gather_of(TWorld *w, const TStep *const *progs, int n, bool rex)
{
    Future *ch[8];
    for (int i = 0; i < n; i++) {
        Task *t = spawn(w, progs[i]);
        if (!t) return NULL;
        kept[nkept++] = t;
        ch[i] = task_future(t);
    }
    return nco_gather(w->loop, ch, (size_t)n, rex);
}

static Future *fail_gather(TWorld *w)
{
    static const TStep *const p[] = {ok_a, bad_b, bad_c};
    return gather_of(w, p, 3, false);
}

static Future *rex_gather(TWorld *w)
{
    static const TStep *const p[] = {ok_x, bad_y};
    return gather_of(w, p, 2, true);
}

static const TStep fail_main[] = {S_TRY("main", 0), S_CALL(fail_gather, NULL), S_SLEEP(50000000),
                                  S_CALL(rex_gather, "got"), S_END};

START_TEST(test_gather_errors)
{
    TWorld w;
    tw_init(&w);
    nkept = 0;
    Task *m = task_new(w.loop, tco(&w, fail_main), NULL);
    loop_run_until_complete(w.loop, task_future(m));
    ck_assert_str_eq(w.log.buf, "[it 4] b raising\n[it 6] main caught ValueError('b')\n"
                                "[it 8] c raising\n[it 11] a finished\n"
                                "[it 16] x finished\n[it 16] y raising\n"
                                "[it 18] got ['x', ValueError('y')]\n");
    /* c's exception was marked retrieved by the gather */
    ck_assert(!future_exception_unretrieved(task_future(kept[2])));
    for (int i = 0; i < nkept; i++)
        task_release(kept[i]);
    task_release(m);
    tw_fini(&w);
}
END_TEST

/* ---- s4_gather, cancel parts:
 *   g = gather(ok("g1", 1), ok("g2", 1)); await sleep(0)
 *   p("g.cancel() ->", g.cancel()); await g -> CancelledError()
 *   t = create_task(ok("child", 1)); g = gather(t, ok("other", 0), return_exceptions=True)
 *   await sleep(0); t.cancel("why"); p(await g) -> [CancelledError(''), 'other'] */
static const TStep ok_g1[] = {S_TRY("g1", 1), S_SLEEP(LOOP_NS_PER_SEC), S_RET('1')};
static const TStep ok_g2[] = {S_TRY("g2", 1), S_SLEEP(LOOP_NS_PER_SEC), S_RET('2')};
static const TStep ok_child[] = {S_TRY("child", 1), S_SLEEP(LOOP_NS_PER_SEC), S_RET('c')};
static const TStep ok_other[] = {S_SLEEP(0), S_LOG("other finished"), S_RET('o')};
static Future *g_g;

static Future *mk_g12(TWorld *w)
{
    static const TStep *const p[] = {ok_g1, ok_g2};
    g_g = gather_of(w, p, 2, false);
    return NULL;
}

static Future *cancel_g(TWorld *w)
{
    tlog(&w->log, w->loop, "g.cancel() -> %d", future_cancel(g_g, NULL));
    return g_g; /* the coroutine's reference: await g */
}

static Future *mk_child_gather(TWorld *w)
{
    static const TStep *const p[] = {ok_child, ok_other};
    g_g = gather_of(w, p, 2, true);
    return NULL;
}

static Future *cancel_child(TWorld *w)
{
    task_cancel(kept[nkept - 2], (void *)"why");
    return g_g;
}

static const TStep cancel_main[] = {S_CALL(mk_g12, NULL),
                                    S_YIELD,
                                    S_TRY("main", 0),
                                    S_CALL(cancel_g, NULL),
                                    S_CALL(mk_child_gather, NULL),
                                    S_YIELD,
                                    S_CALL(cancel_child, "got"),
                                    S_END};

START_TEST(test_gather_cancel)
{
    TWorld w;
    tw_init(&w);
    nkept = 0;
    Task *m = task_new(w.loop, tco(&w, cancel_main), NULL);
    loop_run_until_complete(w.loop, task_future(m));
    /* CPython 3.11.7 on the same program prints exactly these iterations. */
    ck_assert_str_eq(w.log.buf, "[it 2] g.cancel() -> 1\n"
                                "[it 3] g1 caught CancelledError()\n"
                                "[it 3] g2 caught CancelledError()\n"
                                "[it 5] main caught CancelledError()\n"
                                "[it 7] other finished\n"
                                "[it 7] child caught CancelledError('why')\n"
                                "[it 9] got [CancelledError(''), 'o']\n");
    ck_assert(future_cancelled(task_future(kept[0]))); /* g1 */
    ck_assert(future_cancelled(task_future(kept[2]))); /* child */
    for (int i = 0; i < nkept; i++)
        task_release(kept[i]);
    task_release(m);
    tw_fini(&w);
}
END_TEST

START_TEST(test_gather_empty_and_state)
{
    TWorld w;
    tw_init(&w);
    Future *g = nco_gather(w.loop, NULL, 0, false);
    ck_assert(future_done(g));
    HostList *l = future_result(g);
    ck_assert_uint_eq(l->n, 0);
    ck_assert_int_eq(future_kind(g), FUTURE_GATHER);
    ck_assert(!future_cancel(g, NULL));
    future_release(g);
    tw_fini(&w);
}
END_TEST

/* ---- s6_wait_for (all but the last, uncaught call):
 *   wait_for(slow("A", 1), timeout=0.01) -> TimeoutError from CancelledError
 *   wait_for(stubborn(), timeout=0.01) -> "stubborn-result"
 *   wait_for(slow("Z", 1), timeout=0) -> TimeoutError, Z never started
 *   wait_for(slow("Q", 0), timeout=5) -> Q */
static const TStep slow_A[] = {S_LOGTASK("A starts in"), S_TRY("A", 1), S_SLEEP(LOOP_NS_PER_SEC),
                               S_RET('A')};
static const TStep stubborn[] = {S_TRY("stubborn", 0), S_SLEEP(LOOP_NS_PER_SEC), S_RET('s')};
static const TStep slow_Z[] = {S_LOGTASK("Z starts in"), S_SLEEP(LOOP_NS_PER_SEC), S_RET('Z')};
static const TStep slow_Q[] = {S_LOGTASK("Q starts in"), S_SLEEP(0), S_RET('Q')};
static const TStep slow_N[] = {S_LOGTASK("N runs in"), S_SLEEP(0), S_RET('N')};

static Coro wf(TWorld *w, const TStep *p, int64_t timeout)
{
    return nco_wait_for(w->loop, (NcoAwaitable){.coro = tco(w, p)}, timeout);
}
static Coro wf_A(TWorld *w, int64_t a)
{
    return wf(w, slow_A, 10000000);
}
static Coro wf_stub(TWorld *w, int64_t a)
{
    return wf(w, stubborn, 10000000);
}
static Coro wf_Z(TWorld *w, int64_t a)
{
    return wf(w, slow_Z, 0);
}
static Coro wf_Q(TWorld *w, int64_t a)
{
    return wf(w, slow_Q, 5 * LOOP_NS_PER_SEC);
}
static Coro wf_N(TWorld *w, int64_t a)
{
    return wf(w, slow_N, NCO_NO_TIMEOUT);
}

static const TStep wf_main[] = {S_TRY("main", 0),
                                S_CORO(wf_A, 0),
                                S_CORO_LOG(wf_stub, 0, "returned:"),
                                S_TRY("main", 0),
                                S_CORO(wf_Z, 0),
                                S_CORO_LOG(wf_Q, 0, "returned:"),
                                S_CORO_LOG(wf_N, 0, "inline returned:"),
                                S_END};

START_TEST(test_wait_for)
{
    TWorld w;
    tw_init(&w);
    Task *m = task_new(w.loop, tco(&w, wf_main), NULL);
    loop_run_until_complete(w.loop, task_future(m));
    ck_assert_str_eq(w.log.buf, "[it 2] A starts in Task-2\n"
                                "[it 5] A caught CancelledError()\n"
                                "[it 7] main caught TimeoutError() from CancelledError()\n"
                                "[it 11] stubborn caught CancelledError()\n"
                                "[it 13] returned: 's'\n"
                                "[it 16] main caught TimeoutError() from CancelledError()\n"
                                "[it 17] Q starts in Task-5\n"
                                "[it 20] returned: 'Q'\n"
                                "[it 20] N runs in Task-1\n"
                                "[it 21] inline returned: 'N'\n");
    ck_assert_uint_eq(loop_timer_count(w.loop), 0);
    task_release(m);
    tw_fini(&w);
}
END_TEST

/* Cancelling the caller of wait_for cancels the inner task, waits for it,
 * then CancelledError propagates. */
static Coro wf_long(TWorld *w, int64_t a)
{
    return wf(w, slow_A, 10 * LOOP_NS_PER_SEC);
}
static const TStep wf_outer[] = {S_TRY("outer", 1), S_CORO(wf_long, 0), S_END};

START_TEST(test_wait_for_caller_cancelled)
{
    TWorld w;
    tw_init(&w);
    Task *m = task_new(w.loop, tco(&w, wf_outer), NULL);
    loop_run_once(w.loop);
    loop_run_once(w.loop);
    ck_assert(task_cancel(m, NULL));
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 2] A starts in Task-2\n"
                                "[it 4] A caught CancelledError()\n"
                                "[it 6] outer caught CancelledError()\n");
    ck_assert(future_cancelled(task_future(m)));
    ck_assert_uint_eq(loop_timer_count(w.loop), 0);
    task_release(m);
    tw_fini(&w);
}
END_TEST

/* nco_await and sleep's result. */
static Future *g_fut;
static Coro mk_await(TWorld *w, int64_t a)
{
    return nco_await(w->loop, g_fut);
}
static Coro mk_sleep_res(TWorld *w, int64_t a)
{
    return nco_sleep(w->loop, a, host_int(9));
}
static const TStep await_prog[] = {S_CORO_LOG(mk_await, 0, "await ->"),
                                   S_CORO_LOG(mk_sleep_res, 5, "sleep ->"),
                                   S_CORO_LOG(mk_sleep_res, 0, "sleep(0) ->"), S_END};

static void set_later(Loop *L, void *data, void *arg)
{
    future_set_result(data, host_int(42));
}

START_TEST(test_await_and_sleep_result)
{
    TWorld w;
    tw_init(&w);
    /* set before the task's first step: the await does not suspend */
    g_fut = future_new(w.loop);
    loop_call_soon(w.loop, set_later, g_fut, NULL);
    Task *m = task_new(w.loop, tco(&w, await_prog), NULL);
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 1] await -> 42\n[it 3] sleep -> 9\n[it 4] sleep(0) -> 9\n");
    ck_assert_int_eq(loop_time(w.loop), 5);
    future_release(g_fut);
    task_release(m);
    tw_fini(&w);
}
END_TEST

/* Freeing the loop while a gather waits on sleeping children (a reference
 * cycle through the callbacks) frees everything. */
START_TEST(test_loop_free_with_pending_gather)
{
    TWorld w;
    tw_init(&w);
    nkept = 0;
    static const TStep *const p[] = {ok_a, bad_b, ok_g1};
    Future *g = gather_of(&w, p, 3, false);
    loop_run_once(w.loop);
    ck_assert(!future_done(g));
    loop_free(w.loop);
    ck_assert_ptr_null(future_loop(g));
    future_release(g);
    for (int i = 0; i < nkept; i++)
        task_release(kept[i]);
    host_fini(&w.host);
    ck_assert_uint_eq(w.mem.used, 0);
}
END_TEST

/* Every allocation failure point of a gather + wait_for + sleep program:
 * no crash, no leak, and the loop reports ENOMEM or finishes. */
static const TStep oom_main[] = {S_TRY("main", 0),          S_CORO(wf_A, 0),
                                 S_CALL(dup_gather, NULL),  S_TRY("main", 0),
                                 S_CALL(fail_gather, NULL), S_END};

START_TEST(test_out_of_memory_sweep)
{
    for (size_t cap = 200; cap < 40000; cap += 97) {
        TWorld w;
        tw_init(&w);
        nkept = 0;
        w.mem.limit = w.mem.used + cap;
        Coro c = tco(&w, oom_main);
        Task *m = c.vt ? task_new(w.loop, c, NULL) : NULL;
        for (int i = 0; i < 10000; i++) {
            LoopStatus st = loop_run_once(w.loop);
            if (st == LOOP_IDLE) break;
        }
        w.mem.limit = 0;
        if (m) task_release(m);
        for (int i = 0; i < nkept; i++)
            task_release(kept[i]);
        loop_free(w.loop);
        host_fini(&w.host);
        ck_assert_msg(w.mem.used == 0, "leak of %zu bytes at cap %zu", w.mem.used, cap);
    }
}
END_TEST

/* A host may drop a suspended native coroutine after freeing its loop. */
START_TEST(test_drop_after_loop_free)
{
    TWorld w;
    tw_init(&w);
    void *out = NULL;
    Coro sl = nco_sleep(w.loop, LOOP_NS_PER_SEC, host_int(1));
    ck_assert_int_eq(coro_resume(sl, NULL, CORO_SEND, NULL, &out), CORO_SUSPEND);
    ck_assert_str_eq(future_label(out), "sleep");
    Future *f = future_new(w.loop);
    Coro wf = nco_wait_for(w.loop, (NcoAwaitable){.fut = f}, LOOP_NS_PER_SEC);
    ck_assert_int_eq(coro_resume(wf, NULL, CORO_SEND, NULL, &out), CORO_SUSPEND);
    ck_assert_str_eq(future_label(out), "wait_for");
    ck_assert_uint_eq(loop_timer_count(w.loop), 2);
    loop_free(w.loop);
    coro_drop(sl);
    coro_drop(wf);
    future_release(f);
    host_fini(&w.host);
    ck_assert_uint_eq(w.mem.used, 0);
}
END_TEST

/* A sleep keeps its timer inside its future (NcoSleep). Timers of both
 * kinds share one sequence: equal deadlines fire in the order they were
 * armed, a sleep's among call_at's. */
static char order_log[16];
static void order_cb(Loop *L, void *data, void *arg)
{
    size_t n = strlen(order_log);
    order_log[n] = (char)(intptr_t)data;
    order_log[n + 1] = 0;
}

START_TEST(test_sleep_timer_order)
{
    TWorld w;
    tw_init(&w);
    void *out = NULL;
    order_log[0] = 0;
    int64_t when = loop_time(w.loop) + 1000;
    loop_call_at(w.loop, when, order_cb, (void *)(intptr_t)'a', NULL);
    Coro sl = nco_sleep(w.loop, 1000, host_int(7));
    ck_assert_int_eq(coro_resume(sl, NULL, CORO_SEND, NULL, &out), CORO_SUSPEND);
    Future *f = out;
    future_add_callback(f, order_cb, (void *)(intptr_t)'s'); /* runs one iteration later */
    loop_call_at(w.loop, when, order_cb, (void *)(intptr_t)'b', NULL);
    loop_call_at(w.loop, when - 1, order_cb, (void *)(intptr_t)'0', NULL);
    ck_assert_uint_eq(loop_timer_count(w.loop), 4);
    loop_run_forever(w.loop);
    ck_assert_str_eq(order_log, "0abs");
    ck_assert_int_eq(future_state(f), FUTURE_RESULT);
    ck_assert_int_eq(host_to_int(future_result(f)), 7);
    ck_assert_int_eq(coro_resume(sl, NULL, CORO_SEND, NULL, &out), CORO_RETURN);
    ck_assert_int_eq(host_to_int(out), 7);
    coro_drop(sl);
    tw_fini(&w);
}
END_TEST

/* A sleep whose timer is due (in the ready queue, not yet run) when it is
 * left, and one when the loop is freed. */
static const TStep just_return[] = {S_RET(1)};

START_TEST(test_sleep_left_while_due)
{
    for (int free_loop = 0; free_loop < 2; free_loop++) {
        TWorld w;
        tw_init(&w);
        void *out = NULL;
        Coro sl = nco_sleep(w.loop, 1, host_int(3));
        ck_assert_int_eq(coro_resume(sl, NULL, CORO_SEND, NULL, &out), CORO_SUSPEND);
        Future *f = out;
        future_retain(f);
        Task *t = task_new(w.loop, tco(&w, just_return), NULL);
        loop_advance(w.loop, 1);
        /* one task step: the iteration's batch is [t's step, the sleep's
         * timer]; the timer stays queued */
        ck_assert_int_eq(loop_run_step(w.loop), LOOP_RAN);
        ck_assert_uint_eq(loop_ready_count(w.loop), 1);
        if (free_loop) {
            loop_free(w.loop);
            ck_assert_ptr_null(future_loop(f));
            ck_assert_int_eq(future_state(f), FUTURE_PENDING);
            coro_drop(sl);
            future_release(f);
            task_release(t);
            host_fini(&w.host);
            ck_assert_uint_eq(w.mem.used, 0);
            continue;
        }
        coro_drop(sl); /* cancels the queued timer: it must not complete f */
        loop_run_forever(w.loop);
        ck_assert_int_eq(future_state(f), FUTURE_PENDING);
        ck_assert_uint_eq(loop_timer_count(w.loop), 0);
        future_release(f);
        task_release(t);
        tw_fini(&w);
    }
}
END_TEST

/* Many sleeps cancelled while in the heap: the heap is rebuilt (more than
 * half cancelled) and every block is freed. */
START_TEST(test_sleep_cancel_many)
{
    enum { N = 400 };
    TWorld w;
    tw_init(&w);
    static Coro sl[N];
    void *out = NULL;
    for (int i = 0; i < N; i++) {
        sl[i] = nco_sleep(w.loop, 1000 + (i * 7919) % 5000, NULL);
        ck_assert_int_eq(coro_resume(sl[i], NULL, CORO_SEND, NULL, &out), CORO_SUSPEND);
    }
    for (int i = 0; i < N; i++)
        if (i % 4) coro_drop(sl[i]);
    ck_assert_uint_eq(loop_timer_count(w.loop), N / 4);
    loop_run_forever(w.loop);
    ck_assert_uint_eq(loop_timer_count(w.loop), 0);
    for (int i = 0; i < N; i += 4) {
        ck_assert_int_eq(coro_resume(sl[i], NULL, CORO_SEND, NULL, &out), CORO_RETURN);
        coro_drop(sl[i]);
    }
    tw_fini(&w);
}
END_TEST

ENGINE_SUITE_MAIN("nco", test_sleep_timer_order, test_sleep_left_while_due, test_sleep_cancel_many,
                  test_drop_after_loop_free, test_loop_free_with_pending_gather,
                  test_out_of_memory_sweep, test_round_robin_sleep0,
                  test_gather_order_and_duplicates, test_gather_errors, test_gather_cancel,
                  test_gather_empty_and_state, test_wait_for, test_wait_for_caller_cancelled,
                  test_await_and_sleep_result)
