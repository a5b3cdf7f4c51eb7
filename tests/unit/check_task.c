/* Check suite for engine/task: steps, wakeups, names, cancellation
 * (asyncio-semantics §3, §5, §6; iteration numbers as CPython prints them). */
#include "tests/unit/engine_test.h"

#include <stdlib.h>

static char *name_of(Task *t, char *buf)
{
    task_name(t, buf, 32);
    return buf;
}

START_TEST(test_name_counter_across_loops)
{
    TWorld w;
    tw_init(&w);
    static const TStep nop[] = {S_END};
    char b[32];
    Task *a = task_new(w.loop, tco(&w, nop), NULL);  /* Task-1 */
    Task *b2 = task_new(w.loop, tco(&w, nop), NULL); /* Task-2, renamed */
    task_set_name(b2, "b");
    Task *c = task_new(w.loop, tco(&w, nop), "c");  /* consumes nothing */
    Task *d = task_new(w.loop, tco(&w, nop), NULL); /* Task-3 */
    ck_assert_str_eq(name_of(a, b), "Task-1");
    ck_assert_str_eq(name_of(b2, b), "b");
    ck_assert_str_eq(name_of(c, b), "c");
    ck_assert_str_eq(name_of(d, b), "Task-3");
    ck_assert_uint_eq(task_name_num(d), 3);
    ck_assert_uint_eq(task_name_num(c), 0);
    uint64_t last_id = task_id(d);
    loop_run_forever(w.loop);
    task_release(a);
    task_release(b2);
    task_release(c);
    task_release(d);
    /* asyncio.run makes a new loop: the counter is never reset */
    loop_free(w.loop);
    w.loop = loop_new(&w.host);
    Task *e = task_new(w.loop, tco(&w, nop), NULL);
    ck_assert_str_eq(name_of(e, b), "Task-4");
    ck_assert_uint_gt(task_id(e), last_id);
    loop_run_forever(w.loop);
    task_release(e);
    tw_fini(&w);
}
END_TEST

/* Creation queues the first step after everything already queued; the
 * creator keeps running; a result is set when the coroutine returns. */
static const TStep child_prog[] = {S_LOG("child first step"), S_YIELD, S_LOG("child finishes"),
                                   S_RET(7)};

START_TEST(test_steps_and_result)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, child_prog), NULL);
    ck_assert(!task_started(t));
    ck_assert_int_eq(loop_task_count(w.loop), 1);
    ck_assert_ptr_eq(loop_first_task(w.loop), t);
    loop_run_once(w.loop);
    ck_assert(task_started(t));
    ck_assert(!future_done(task_future(t)));
    loop_run_once(w.loop);
    ck_assert_int_eq(future_state(task_future(t)), FUTURE_RESULT);
    ck_assert_int_eq(host_to_int(future_result(task_future(t))), 7);
    ck_assert_str_eq(w.log.buf, "[it 1] child first step\n[it 2] child finishes\n");
    ck_assert_int_eq(loop_task_count(w.loop), 0);
    ck_assert(task_coro(t).vt == NULL); /* dropped once finished */
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* Awaiting a task resumes one iteration after it finishes (§3 table). */
static Task *g_child;
static const TStep await_child[] = {S_LOG("await task"), S_AWAITP((Future **)&g_child),
                                    S_LOG("resumed"), S_END};

START_TEST(test_await_task_hop)
{
    TWorld w;
    tw_init(&w);
    g_child = task_new(w.loop, tco(&w, child_prog), NULL);
    Task *m = task_new(w.loop, tco(&w, await_child), NULL);
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 1] child first step\n[it 1] await task\n"
                                "[it 2] child finishes\n[it 3] resumed\n");
    task_release(m);
    task_release(g_child);
    tw_fini(&w);
}
END_TEST

/* sleep(0) ping-pong: two tasks alternate, one iteration per switch. */
static const TStep ping[] = {S_LOG("ping 1"), S_YIELD,         S_LOG("ping 2"),
                             S_YIELD,         S_LOG("ping 3"), S_END};
static const TStep pong[] = {S_LOG("pong 1"), S_YIELD,         S_LOG("pong 2"),
                             S_YIELD,         S_LOG("pong 3"), S_END};

START_TEST(test_sleep0_ping_pong)
{
    TWorld w;
    tw_init(&w);
    Task *a = task_new(w.loop, tco(&w, ping), NULL);
    Task *b = task_new(w.loop, tco(&w, pong), NULL);
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 1] ping 1\n[it 1] pong 1\n[it 2] ping 2\n[it 2] pong 2\n"
                                "[it 3] ping 3\n[it 3] pong 3\n");
    task_release(a);
    task_release(b);
    tw_fini(&w);
}
END_TEST

/* §6: a task cancelled before its first step never runs its body. */
static const TStep never_started[] = {S_LOG("body (never printed)"), S_END};

START_TEST(test_cancel_before_first_step)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, never_started), NULL);
    ck_assert(task_cancel(t, NULL));
    ck_assert(!future_cancelled(task_future(t)));
    ck_assert_int_eq(task_cancelling(t), 1);
    ck_assert(task_must_cancel(t));
    loop_run_once(w.loop);
    ck_assert(future_cancelled(task_future(t)));
    ck_assert_uint_eq(w.log.len, 0);
    ck_assert(!task_cancel(t, NULL)); /* done: refused */
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* §6 s6_cancel: cancel('bye') then cancel() while sleeping; the message
 * reaches the coroutine and whoever awaits the task. */
static const TStep sleeper[] = {S_TRY("sleeper", 1), S_SLEEP(10 * LOOP_NS_PER_SEC),
                                S_LOG("not reached"), S_END};

START_TEST(test_cancel_while_sleeping)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, sleeper), NULL);
    loop_run_once(w.loop); /* it1: the sleeper suspends */
    Future *waiter = task_fut_waiter(t);
    ck_assert_ptr_nonnull(waiter);
    ck_assert_str_eq(future_label(waiter), "sleep");
    ck_assert_uint_eq(loop_timer_count(w.loop), 1);
    ck_assert(task_cancel(t, (void *)"bye"));
    ck_assert(task_cancel(t, NULL));
    ck_assert_int_eq(task_cancelling(t), 2);
    ck_assert(future_cancelled(waiter));
    loop_run_once(w.loop); /* it2: CancelledError('bye') at the await */
    ck_assert_str_eq(w.log.buf, "[it 2] sleeper caught CancelledError('bye')\n");
    ck_assert(future_cancelled(task_future(t)));
    ck_assert_uint_eq(loop_timer_count(w.loop), 0); /* leaving the sleep cancelled its timer */
    ck_assert_int_eq(loop_time(w.loop), 0);
    /* awaiting it: the coroutine's CancelledError('bye'), then a plain one */
    HostExc *e = future_take_error(task_future(t));
    ck_assert_int_eq(e->kind, HOST_EXC_CANCELLED);
    ck_assert_str_eq(e->msg, "bye");
    HostExc *e2 = future_take_error(task_future(t));
    ck_assert_ptr_null(e2->msg);
    ck_assert(!task_cancel(t, NULL));
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* Catching CancelledError and returning: not cancelled; uncancel(). */
static const TStep swallow[] = {S_TRY("swallow", 0), S_SLEEP(10 * LOOP_NS_PER_SEC), S_RET(1)};

START_TEST(test_swallow_and_uncancel)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, swallow), NULL);
    loop_run_once(w.loop);
    task_cancel(t, NULL);
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 2] swallow caught CancelledError()\n");
    ck_assert_int_eq(future_state(task_future(t)), FUTURE_RESULT);
    ck_assert_int_eq(task_cancelling(t), 1);
    ck_assert_int_eq(task_uncancel(t), 0);
    ck_assert_int_eq(task_uncancel(t), 0);
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* A task that cancels itself and returns without awaiting ends cancelled. */
static const TStep self_cancel[] = {S_CANCEL_SELF, S_LOG("requested, still running"), S_RET(5)};

START_TEST(test_self_cancel_loses_result)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, self_cancel), NULL);
    loop_run_once(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 1] requested, still running\n");
    ck_assert(future_cancelled(task_future(t)));
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* Cancelling a task that awaits another task cancels the inner one first:
 * the inner sees CancelledError one hop later, the outer one hop after. */
static Task *g_inner;
static const TStep inner_prog[] = {S_TRY("inner", 1), S_SLEEP(10 * LOOP_NS_PER_SEC), S_END};
static const TStep outer_prog[] = {S_TRY("outer", 1), S_AWAITP((Future **)&g_inner), S_END};

START_TEST(test_cancel_outer_cancels_inner)
{
    TWorld w;
    tw_init(&w);
    g_inner = task_new(w.loop, tco(&w, inner_prog), NULL);
    Task *o = task_new(w.loop, tco(&w, outer_prog), NULL);
    loop_run_once(w.loop);
    ck_assert(task_cancel(o, NULL));
    ck_assert_int_eq(task_cancelling(g_inner), 1); /* cancel went through */
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 2] inner caught CancelledError()\n"
                                "[it 3] outer caught CancelledError()\n");
    ck_assert(future_cancelled(task_future(o)));
    ck_assert(future_cancelled(task_future(g_inner)));
    task_release(o);
    task_release(g_inner);
    tw_fini(&w);
}
END_TEST

/* An exception: the task's exception, unretrieved until someone looks. */
static const TStep raiser[] = {S_RAISE("boom")};

START_TEST(test_exception)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, raiser), NULL);
    loop_run_once(w.loop);
    ck_assert_int_eq(future_state(task_future(t)), FUTURE_EXCEPTION);
    ck_assert(future_exception_unretrieved(task_future(t)));
    HostExc *e = future_exception(task_future(t));
    ck_assert_str_eq(e->msg, "boom");
    ck_assert(!future_exception_unretrieved(task_future(t)));
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* current task, parent ids, host back-pointer. */
static Task *g_seen;

static CoroStatus probe_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    TWorld *w = self;
    g_seen = loop_current_task(w->loop);
    ck_assert_ptr_eq(g_seen, task);
    ck_assert(task_running(task));
    *out = NULL;
    return CORO_RETURN;
}
static void probe_drop(void *self) {}
static const CoroVt probe_vt = {"probe", probe_resume, probe_drop};

START_TEST(test_current_task_and_host_ptr)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, (Coro){&probe_vt, &w}, NULL);
    int marker;
    task_set_host(t, &marker);
    ck_assert_ptr_eq(task_host(t), &marker);
    ck_assert_ptr_null(loop_current_task(w.loop));
    loop_run_once(w.loop);
    ck_assert_ptr_eq(g_seen, t);
    ck_assert(!task_running(t));
    ck_assert_ptr_null(loop_current_task(w.loop));
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* Cancelled while its wakeup is queued: the pending cancel wins at the step. */
START_TEST(test_cancel_with_step_queued)
{
    TWorld w;
    tw_init(&w);
    static const TStep y[] = {S_TRY("y", 1), S_YIELD, S_LOG("not reached"), S_END};
    Task *t = task_new(w.loop, tco(&w, y), NULL);
    loop_run_once(w.loop); /* yielded: its step is queued, no waiter */
    ck_assert(task_cancel(t, (void *)"late"));
    ck_assert(task_must_cancel(t));
    loop_run_once(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 2] y caught CancelledError('late')\n");
    ck_assert(future_cancelled(task_future(t)));
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* Freeing a loop with pending tasks frees everything; a host reference
 * survives, detached. */
START_TEST(test_loop_free_with_pending)
{
    TWorld w;
    tw_init(&w);
    static const TStep s[] = {S_SLEEP(LOOP_NS_PER_SEC), S_END};
    Task *t = task_new(w.loop, tco(&w, s), NULL);
    Task *u = task_new(w.loop, tco(&w, s), NULL);
    task_release(u);
    loop_run_once(w.loop);
    loop_free(w.loop);
    ck_assert_ptr_null(future_loop(task_future(t)));
    ck_assert(!future_done(task_future(t)));
    task_release(t);
    host_fini(&w.host);
    ck_assert_uint_eq(w.mem.used, 0);
}
END_TEST

/* HostOps.task_created sees the tasks the engine makes (wait_for's). */
static int g_created;
static void on_created(void *ctx, Task *t)
{
    g_created++;
    ck_assert_ptr_nonnull(task_coro(t).vt);
}

START_TEST(test_task_created_hook)
{
    TWorld w;
    tw_init(&w);
    HostOps ops = *host_default_ops();
    ops.task_created = on_created;
    w.host.ops = &ops;
    static const TStep p[] = {S_END};
    Coro wf = nco_wait_for(w.loop, (NcoAwaitable){.coro = tco(&w, p)}, LOOP_NS_PER_SEC);
    Task *t = task_new(w.loop, wf, NULL);
    loop_run_forever(w.loop);
    ck_assert_int_eq(g_created, 2);
    ck_assert_int_eq(future_state(task_future(t)), FUTURE_RESULT);
    task_release(t);
    tw_fini(&w);
}
END_TEST

/* A coroutine whose drop misbehaves (makes a future, queues a callback,
 * spawns a task) while loop_free runs: still nothing leaks. */
typedef struct Rude {
    TWorld *w;
} Rude;
static void rude_cb(Loop *L, void *data, void *arg) {}
static CoroStatus rude_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    return CORO_YIELD;
}
static void rude_drop(void *self);
static const CoroVt rude_vt = {"rude", rude_resume, rude_drop};
static int g_rude_drops;
static void rude_drop(void *self)
{
    Rude *r = self;
    TWorld *w = r->w;
    if (g_rude_drops++ == 0) {
        Future *f = future_new(w->loop);
        future_add_callback(f, rude_cb, NULL);
        future_set_result(f, NULL);
        future_release(f);
        Rude *r2 = mem_calloc(&w->mem, sizeof *r2);
        r2->w = w;
        task_release(task_new(w->loop, (Coro){&rude_vt, r2}, NULL));
    }
    mem_free(&w->mem, r, sizeof *r);
}

START_TEST(test_loop_free_survives_rude_drops)
{
    TWorld w;
    tw_init(&w);
    static const TStep s[] = {S_SLEEP(LOOP_NS_PER_SEC), S_END};
    task_release(task_new(w.loop, tco(&w, s), NULL));
    Rude *r = mem_calloc(&w.mem, sizeof *r);
    r->w = &w;
    task_release(task_new(w.loop, (Coro){&rude_vt, r}, NULL));
    g_rude_drops = 0;
    loop_free(w.loop);
    ck_assert_int_eq(g_rude_drops, 2);
    host_fini(&w.host);
    ck_assert_uint_eq(w.mem.used, 0);
}
END_TEST

/* task_sleep_until ------------------------------------------------------
 * The task's own timer must be indistinguishable from awaiting nco_sleep's
 * future: each scenario runs twice, with S_SLEEP (own = false) and with
 * S_TSLEEP (own = true), and the logs (with iteration numbers) and the
 * traces must be the same. tw_fini checks that no byte leaked. */
#define SEC LOOP_NS_PER_SEC
typedef void (*TScenario)(TWorld *w, bool own);

static void tdump(Trace *tr, char *buf, size_t size)
{
    size_t len = 0;
    for (size_t i = 0; i < trace_count(tr) && len < size; i++) {
        len += trace_format(tr, trace_at(tr, i), buf + len, size - len);
        if (len < size) buf[len++] = '\n';
    }
    buf[len < size ? len : size - 1] = 0;
}

static char g_logs[2][8192], g_traces[2][65536];

static void run_both(TScenario sc, const char *expect)
{
    for (int own = 0; own < 2; own++) {
        TWorld w;
        tw_init(&w);
        Trace *tr = trace_new(&w.mem);
        loop_set_trace(w.loop, tr);
        sc(&w, own);
        memcpy(g_logs[own], w.log.buf, sizeof g_logs[own]);
        tdump(tr, g_traces[own], sizeof g_traces[own]);
        loop_free(w.loop);
        w.loop = loop_new(&w.host);
        trace_free(tr);
        tw_fini(&w);
    }
    ck_assert_str_eq(g_logs[1], g_logs[0]);
    ck_assert_str_eq(g_traces[1], g_traces[0]);
    if (expect) ck_assert_str_eq(g_logs[0], expect);
}

/* cancel('bye') then cancel() while sleeping: the first message wins, the
 * timer goes at the wakeup step. */
static const TStep ts_sleeper[2][4] = {
    {S_TRY("sleeper", 1), S_SLEEP(10 * SEC), S_LOG("not reached"), S_END},
    {S_TRY("sleeper", 1), S_TSLEEP(10 * SEC), S_LOG("not reached"), S_END}};

static void sc_cancel_twice(TWorld *w, bool own)
{
    Task *t = task_new(w->loop, tco(w, ts_sleeper[own]), NULL);
    loop_run_once(w->loop);
    ck_assert(task_sleeping(t) == own);
    ck_assert(own ? task_fut_waiter(t) == NULL : task_fut_waiter(t) != NULL);
    ck_assert_uint_eq(loop_timer_count(w->loop), 1);
    ck_assert(task_cancel(t, (void *)"bye"));
    ck_assert(task_cancel(t, NULL));
    ck_assert_int_eq(task_cancelling(t), 2);
    ck_assert_uint_eq(loop_timer_count(w->loop), 1); /* until the wakeup step */
    loop_run_once(w->loop);
    ck_assert(!task_sleeping(t));
    ck_assert(future_cancelled(task_future(t)));
    ck_assert_uint_eq(loop_timer_count(w->loop), 0);
    ck_assert_int_eq(loop_time(w->loop), 0);
    HostExc *e = future_take_error(task_future(t));
    ck_assert_str_eq(e->msg, "bye");
    host_release(&w->host, e);
    task_release(t);
}

START_TEST(test_tsleep_cancel_twice)
{
    run_both(sc_cancel_twice, "[it 2] sleeper caught CancelledError('bye')\n");
}
END_TEST

/* cancel() during the step that starts the sleep: the sleep is cancelled
 * as it begins; a second sleep after catching it runs its full time. */
static const TStep ts_selfcancel[2][7] = {
    {S_TRY("first", 0), S_CANCEL_SELF, S_SLEEP(SEC), S_TRY("second", 0), S_SLEEP(2 * SEC),
     S_LOG("slept"), S_END},
    {S_TRY("first", 0), S_CANCEL_SELF, S_TSLEEP(SEC), S_TRY("second", 0), S_TSLEEP(2 * SEC),
     S_LOG("slept"), S_END}};

static void sc_selfcancel(TWorld *w, bool own)
{
    Task *t = task_new(w->loop, tco(w, ts_selfcancel[own]), NULL);
    loop_run_forever(w->loop);
    ck_assert_int_eq(future_state(task_future(t)), FUTURE_RESULT);
    ck_assert_int_eq(loop_time(w->loop), 2 * SEC);
    task_release(t);
}

START_TEST(test_tsleep_cancel_in_same_step)
{
    run_both(sc_selfcancel, "[it 2] first caught CancelledError()\n[it 4] slept\n");
}
END_TEST

/* Equal deadlines fire in the order the sleeps began, whatever kind of
 * timer each one is (own run: tasks alternate S_TSLEEP and S_SLEEP). */
static const TStep ts_eq[2][3] = {{S_SLEEP(SEC), S_LOGTASK("woke"), S_END},
                                  {S_TSLEEP(SEC), S_LOGTASK("woke"), S_END}};

static void sc_equal_deadlines(TWorld *w, bool own)
{
    Task *t[6];
    for (int i = 0; i < 6; i++)
        t[i] = task_new(w->loop, tco(w, ts_eq[own && i % 2 == 0]), NULL);
    loop_run_forever(w->loop);
    for (int i = 0; i < 6; i++)
        task_release(t[i]);
}

START_TEST(test_tsleep_equal_deadlines)
{
    run_both(sc_equal_deadlines, "[it 3] woke Task-1\n[it 3] woke Task-2\n[it 3] woke Task-3\n"
                                 "[it 3] woke Task-4\n[it 3] woke Task-5\n[it 3] woke Task-6\n");
}
END_TEST

/* Many cancelled sleeps: 200 sleepers; 150 are cancelled (the heap is
 * compacted on the way), a third of those catch it and sleep again at once
 * (their old timer may still be in the heap: the task falls back to a
 * sleep block), the others end cancelled and are released at once (their
 * blocks wait for the heap: zombies). */
static const TStep ts_many_die[2][3] = {{S_SLEEP(50 * SEC), S_LOG("not reached"), S_END},
                                        {S_TSLEEP(50 * SEC), S_LOG("not reached"), S_END}};
static const TStep ts_many_again[2][5] = {
    {S_TRY("again", 0), S_SLEEP(50 * SEC), S_SLEEP(7 * SEC), S_LOG("woke again"), S_END},
    {S_TRY("again", 0), S_TSLEEP(50 * SEC), S_TSLEEP(7 * SEC), S_LOG("woke again"), S_END}};
static const TStep ts_many_stay[2][3] = {{S_SLEEP(3 * SEC), S_LOG("stayed"), S_END},
                                         {S_TSLEEP(3 * SEC), S_LOG("stayed"), S_END}};

static void sc_many_cancelled(TWorld *w, bool own)
{
    enum { N = 200 };
    Task *t[N];
    for (int i = 0; i < N; i++) {
        const TStep *p = i % 4 == 1 ? ts_many_again[own] : i % 4 == 3 ? ts_many_stay[own] : ts_many_die[own];
        t[i] = task_new(w->loop, tco(w, p), NULL);
    }
    loop_run_once(w->loop);
    ck_assert_uint_eq(loop_timer_count(w->loop), N);
    for (int i = 0; i < N; i++)
        if (i % 4 != 3) ck_assert(task_cancel(t[i], NULL));
    loop_run_once(w->loop); /* the cancelled ones wake, a third sleep again */
    for (int i = 0; i < N; i++) {
        if (i % 4 == 1 || i % 4 == 3) continue;
        ck_assert(future_cancelled(task_future(t[i])));
        task_release(t[i]); /* freed, maybe before its timer left the heap */
        t[i] = NULL;
    }
    ck_assert_uint_eq(loop_timer_count(w->loop), N / 2);
    loop_run_forever(w->loop);
    ck_assert_int_eq(loop_time(w->loop), 7 * SEC);
    for (int i = 0; i < N; i++)
        if (t[i]) task_release(t[i]);
}

START_TEST(test_tsleep_many_cancelled)
{
    run_both(sc_many_cancelled, NULL);
    ck_assert_ptr_nonnull(strstr(g_logs[1], "[it 4] stayed\n"));
    ck_assert_ptr_nonnull(strstr(g_logs[1], "[it 6] woke again\n"));
    ck_assert_ptr_null(strstr(g_logs[1], "not reached"));
}
END_TEST

/* The loop is freed while a sleep's timer is due (in the ready queue),
 * while another sleeper's wakeup is queued, and while a third one still
 * sleeps; and a task released while its cancelled timer is due. */
static const TStep ts_spin[] = {S_YIELD, S_YIELD, S_YIELD, S_YIELD, S_END};

static void sc_free_while_due(TWorld *w, bool own)
{
    Task *spin = task_new(w->loop, tco(w, ts_spin), NULL);
    Task *a = task_new(w->loop, tco(w, ts_eq[own]), NULL);
    Task *b = task_new(w->loop, tco(w, ts_eq[own]), NULL);
    Task *c = task_new(w->loop, tco(w, ts_sleeper[own]), NULL);
    loop_run_once(w->loop);       /* all sleep; spin yields */
    loop_advance(w->loop, SEC);   /* a's and b's timers are due */
    ck_assert_int_eq(loop_run_step(w->loop), LOOP_RAN); /* spin's step: timers queued behind it */
    ck_assert(task_cancel(b, (void *)"gone"));
    task_release(b);              /* its block waits for its timer */
    ck_assert_int_eq(loop_run_step(w->loop), LOOP_RAN);
    ck_assert(task_sleeping(a) == own);
    task_release(spin);
    task_release(a);
    task_release(c);
}

START_TEST(test_tsleep_loop_freed_while_due)
{
    run_both(sc_free_while_due, NULL);
}
END_TEST

/* The coroutine is dropped while its task sleeps (loop_free detaching a
 * sleeping task; a task whose coroutine abandons the sleep stays waiting
 * and never wakes). */
START_TEST(test_tsleep_abandon)
{
    TWorld w;
    tw_init(&w);
    Task *t = task_new(w.loop, tco(&w, ts_sleeper[1]), NULL);
    loop_run_once(w.loop);
    ck_assert(task_sleeping(t));
    task_sleep_abandon(t);
    ck_assert_uint_eq(loop_timer_count(w.loop), 0);
    ck_assert(task_sleeping(t)); /* still waiting, as on a future nobody sets */
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    ck_assert(!future_done(task_future(t)));
    /* ... and cancel() still wakes it with CancelledError */
    ck_assert(task_cancel(t, NULL));
    loop_run_forever(w.loop);
    ck_assert(future_cancelled(task_future(t)));
    ck_assert_str_eq(w.log.buf, "[it 2] sleeper caught CancelledError()\n");
    task_release(t);
    /* a second sleep by a task that cannot: it says so */
    static const TStep two[] = {S_TSLEEP(SEC), S_TSLEEP(SEC), S_END};
    Task *u = task_new(w.loop, tco(&w, two), NULL);
    loop_run_once(w.loop);
    ck_assert_int_eq(task_sleep_until(u, SEC), 1); /* already sleeping */
    loop_free(w.loop);
    ck_assert(!task_sleeping(u));
    task_release(u);
    w.loop = loop_new(&w.host);
    tw_fini(&w);
}
END_TEST

/* TRACE_TASK_CREATED names the creating task (no field in Task for it). */
static Task *g_made;
static Future *make_child(TWorld *w)
{
    static const TStep nop[] = {S_END};
    g_made = task_new(w->loop, tco(w, nop), NULL);
    return NULL;
}

START_TEST(test_trace_parent)
{
    TWorld w;
    tw_init(&w);
    Trace *tr = trace_new(&w.mem);
    loop_set_trace(w.loop, tr);
    static const TStep p[] = {S_CALL(make_child, NULL), S_END};
    Task *t = task_new(w.loop, tco(&w, p), NULL);
    loop_run_forever(w.loop);
    int seen = 0;
    for (size_t i = 0; i < trace_count(tr); i++) {
        const TraceEvent *ev = trace_at(tr, i);
        if (ev->kind != TRACE_TASK_CREATED) continue;
        ck_assert_uint_eq(ev->other, ev->task == task_id(g_made) ? task_id(t) : 0);
        seen++;
    }
    ck_assert_int_eq(seen, 2);
    task_release(g_made);
    task_release(t);
    loop_set_trace(w.loop, NULL);
    trace_free(tr);
    tw_fini(&w);
}
END_TEST

/* Tasks created in a row share one run of the ready ring for their first
 * steps (internal.h, ReadyCell): each step is still its own callback, in
 * creation order, and a run ends at anything else queued. A task cancelled
 * before its first step, one created by a task of the run while the run is
 * being taken off, one made by a callback: all exactly where CPython's
 * call_soon would have put their steps. */
static Task *g_late;
static const TStep run_named[] = {S_LOGTASK("step"), S_YIELD, S_LOGTASK("again"), S_END};
static Future *spawn_late(TWorld *w)
{
    g_late = task_new(w->loop, tco(w, run_named), NULL);
    return NULL;
}
static const TStep run_spawner[] = {S_LOGTASK("step"), S_CALL(spawn_late, NULL), S_YIELD,
                                    S_LOGTASK("again"), S_END};
static void run_soon_cb(Loop *L, void *data, void *arg)
{
    tlog(&((TWorld *)data)->log, L, "soon");
}

START_TEST(test_first_steps_in_a_run)
{
    TWorld w;
    tw_init(&w);
    Task *t[5];
    t[0] = task_new(w.loop, tco(&w, run_spawner), NULL);
    for (int i = 1; i < 3; i++)
        t[i] = task_new(w.loop, tco(&w, run_named), NULL);
    loop_call_soon(w.loop, run_soon_cb, &w, NULL);
    for (int i = 3; i < 5; i++)
        t[i] = task_new(w.loop, tco(&w, run_named), NULL);
    ck_assert(task_cancel(t[1], NULL));
    ck_assert_uint_eq(loop_ready_count(w.loop), 6);
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 1] step Task-1\n[it 1] step Task-3\n[it 1] soon\n"
                                "[it 1] step Task-4\n[it 1] step Task-5\n"
                                "[it 2] step Task-6\n[it 2] again Task-1\n[it 2] again Task-3\n"
                                "[it 2] again Task-4\n[it 2] again Task-5\n[it 3] again Task-6\n");
    ck_assert(future_cancelled(task_future(t[1])));
    for (int i = 0; i < 5; i++)
        task_release(t[i]);
    task_release(g_late);
    /* a run never taken off: loop_free drops each step, nothing leaks
     * (tw_fini checks the Mem is empty) */
    for (int i = 0; i < 3; i++)
        task_release(task_new(w.loop, tco(&w, run_named), NULL));
    ck_assert_uint_eq(loop_ready_count(w.loop), 3);
    tw_fini(&w);
}
END_TEST

/* Steps taken one at a time (loop_run_step) off a run. */
START_TEST(test_run_stepped)
{
    TWorld w;
    tw_init(&w);
    Task *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = task_new(w.loop, tco(&w, run_named), NULL);
    ck_assert_int_eq(loop_run_step(w.loop), LOOP_RAN);
    ck_assert_str_eq(w.log.buf, "[it 1] step Task-1\n");
    ck_assert(task_started(t[0]) && !task_started(t[1]));
    Task *u = task_new(w.loop, tco(&w, run_named), NULL); /* after t[0]'s second step */
    loop_run_forever(w.loop);
    ck_assert_str_eq(w.log.buf, "[it 1] step Task-1\n[it 1] step Task-2\n[it 1] step Task-3\n"
                                "[it 2] again Task-1\n[it 2] step Task-4\n[it 2] again Task-2\n"
                                "[it 2] again Task-3\n[it 3] again Task-4\n");
    for (int i = 0; i < 3; i++)
        task_release(t[i]);
    task_release(u);
    tw_fini(&w);
}
END_TEST

/* Tasks made with a name take no number, wherever they fall: N of
 * "Task-N" counts the unnamed ones only (the engine keeps no N per task but
 * derives it from the id), in this loop, the next and once detached. */
START_TEST(test_name_numbers_around_named)
{
    TWorld w;
    tw_init(&w);
    static const TStep nop[] = {S_END};
    static const char *const names[] = {NULL, "x", NULL, "y", "z", NULL, NULL, "w", NULL};
    static const char *const want[] = {"Task-1", "x", "Task-2", "y", "z", "Task-3", "Task-4", "w",
                                       "Task-5"};
    enum { N = sizeof names / sizeof *names };
    Task *t[N];
    char b[32];
    for (int i = 0; i < N; i++)
        t[i] = task_new(w.loop, tco(&w, nop), names[i]);
    for (int i = 0; i < N; i++) {
        ck_assert_str_eq(name_of(t[i], b), want[i]);
        ck_assert_uint_eq(task_name_num(t[i]), names[i] ? 0 : (uint64_t)atoi(want[i] + 5));
    }
    loop_run_forever(w.loop);
    loop_free(w.loop); /* detached tasks still know their names */
    ck_assert_str_eq(name_of(t[8], b), "Task-5");
    ck_assert_str_eq(name_of(t[7], b), "w");
    for (int i = 0; i < N; i++)
        task_release(t[i]);
    w.loop = loop_new(&w.host);
    Task *u = task_new(w.loop, tco(&w, nop), "v");
    Task *v = task_new(w.loop, tco(&w, nop), NULL);
    ck_assert_str_eq(name_of(v, b), "Task-6");
    task_set_name(v, "renamed");
    ck_assert_uint_eq(task_name_num(v), 0);
    loop_run_forever(w.loop);
    task_release(u);
    task_release(v);
    tw_fini(&w);
}
END_TEST

/* The future a task waits on (kept where its result goes once done), and
 * cancelling() counts (kept with the task's rarely used fields). */
START_TEST(test_waiter_and_cancelling)
{
    TWorld w;
    tw_init(&w);
    Future *f = future_new(w.loop);
    static TStep prog[] = {S_AWAIT(NULL), S_RET(5)};
    prog[0].f = f;
    Task *t = task_new(w.loop, tco(&w, prog), NULL);
    ck_assert_ptr_null(task_fut_waiter(t));
    loop_run_once(w.loop);
    ck_assert_ptr_eq(task_fut_waiter(t), f);
    ck_assert_int_eq(task_cancelling(t), 0);
    ck_assert_int_eq(task_uncancel(t), 0);
    future_set_result(f, host_int(3));
    ck_assert_ptr_eq(task_fut_waiter(t), f); /* until the wakeup runs */
    loop_run_forever(w.loop);
    ck_assert_ptr_null(task_fut_waiter(t));
    ck_assert_int_eq(host_to_int(future_result(task_future(t))), 5);
    future_release(f);
    task_release(t);
    static const TStep waits[] = {S_TRY("t", 0), S_SLEEP(LOOP_NS_PER_SEC), S_RET(1)};
    t = task_new(w.loop, tco(&w, waits), NULL);
    loop_run_once(w.loop);
    for (int i = 1; i <= 300; i++) {
        ck_assert(task_cancel(t, NULL));
        ck_assert_int_eq(task_cancelling(t), i);
    }
    ck_assert_int_eq(task_uncancel(t), 299);
    loop_run_forever(w.loop);
    ck_assert_int_eq(host_to_int(future_result(task_future(t))), 1);
    ck_assert_int_eq(task_cancelling(t), 299);
    ck_assert(!task_cancel(t, NULL)); /* done: not counted */
    ck_assert_int_eq(task_cancelling(t), 299);
    task_release(t);
    tw_fini(&w);
}
END_TEST

ENGINE_SUITE_MAIN("task", test_loop_free_survives_rude_drops, test_task_created_hook,
                  test_name_counter_across_loops, test_steps_and_result, test_await_task_hop,
                  test_sleep0_ping_pong, test_cancel_before_first_step, test_cancel_while_sleeping,
                  test_swallow_and_uncancel, test_self_cancel_loses_result,
                  test_cancel_outer_cancels_inner, test_exception, test_current_task_and_host_ptr,
                  test_cancel_with_step_queued, test_loop_free_with_pending,
                  test_tsleep_cancel_twice, test_tsleep_cancel_in_same_step,
                  test_tsleep_equal_deadlines, test_tsleep_many_cancelled,
                  test_tsleep_loop_freed_while_due, test_tsleep_abandon, test_trace_parent,
                  test_first_steps_in_a_run, test_run_stepped,
                  test_name_numbers_around_named, test_waiter_and_cancelling)
