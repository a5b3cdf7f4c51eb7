/* Check suite for engine/loop: ordering within and across iterations, timers,
 * the three clocks, the sleep(0) starvation guard, block_for, stop. */
#include <time.h>

#include "tests/unit/engine_test.h"

typedef struct Rec {
    int order[64];
    int n;
    TWorld *w;
} Rec;

static void rec_cb(Loop *L, void *data, void *arg)
{
    Rec *r = data;
    r->order[r->n++] = (int)(intptr_t)arg;
}

static void rec_and_queue(Loop *L, void *data, void *arg)
{
    Rec *r = data;
    r->order[r->n++] = (int)(intptr_t)arg;
    loop_call_soon(L, rec_cb, r, (void *)(intptr_t)((int)(intptr_t)arg * 10));
}

START_TEST(test_fifo_and_batches)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_call_soon(w.loop, rec_and_queue, &r, (void *)1);
    loop_call_soon(w.loop, rec_cb, &r, (void *)2);
    loop_call_soon(w.loop, rec_and_queue, &r, (void *)3);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    /* only what was ready at the start ran */
    ck_assert_int_eq(r.n, 3);
    ck_assert_int_eq(r.order[0], 1);
    ck_assert_int_eq(r.order[1], 2);
    ck_assert_int_eq(r.order[2], 3);
    ck_assert_uint_eq(loop_ready_count(w.loop), 2);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(r.n, 5);
    ck_assert_int_eq(r.order[3], 10);
    ck_assert_int_eq(r.order[4], 30);
    ck_assert_uint_eq(loop_iteration(w.loop), 2);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_IDLE);
    tw_fini(&w);
}
END_TEST

/* call_later(0, f) then call_soon(g) in the same step: g runs first (§2). */
static void later_then_soon(Loop *L, void *data, void *arg)
{
    loop_call_later(L, 0, rec_cb, data, (void *)1);
    loop_call_soon(L, rec_cb, data, (void *)2);
}

START_TEST(test_call_later0_after_call_soon)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_call_soon(w.loop, later_then_soon, &r, NULL);
    loop_run_once(w.loop);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(r.order[0], 2);
    ck_assert_int_eq(r.order[1], 1);
    ck_assert_uint_eq(loop_iteration(w.loop), 2); /* same iteration */
    tw_fini(&w);
}
END_TEST

START_TEST(test_equal_deadlines_fifo)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    int64_t when = loop_time(w.loop) + 10 * 1000000;
    /* interleave with other deadlines to shake the heap */
    for (int i = 0; i < 10; i++) {
        loop_call_at(w.loop, when, rec_cb, &r, (void *)(intptr_t)i);
        loop_call_at(w.loop, when + 1 + (i * 7919) % 13, rec_cb, &r, (void *)(intptr_t)(100 + i));
    }
    LoopTimer *c = loop_call_at(w.loop, when, rec_cb, &r, (void *)99);
    loop_timer_cancel(w.loop, c);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(r.n, 10);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(r.order[i], i);
    ck_assert_int_eq(loop_time(w.loop), when);
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    ck_assert_int_eq(r.n, 20);
    tw_fini(&w);
}
END_TEST

/* Cancelled timers: a cancelled earliest timer neither fires nor moves the
 * virtual clock; many cancellations (the heap is then rebuilt) keep the
 * order of the survivors, equal deadlines included; counts exclude them. */
START_TEST(test_cancel_many_keeps_order)
{
    enum { N = 1000 };
    static LoopTimer *h[N];
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    int64_t t0 = loop_time(w.loop);
    LoopTimer *first = loop_call_at(w.loop, t0 + 1, rec_cb, &r, (void *)-1);
    for (int i = 0; i < N; i++) /* deadlines t0+100 .. in a shuffled order, pairs equal */
        h[i] = loop_call_at(w.loop, t0 + 100 + (i * 7919) % (N / 2), rec_cb, &r, (void *)(intptr_t)i);
    loop_timer_cancel(w.loop, first);
    ck_assert_uint_eq(loop_timer_count(w.loop), N);
    /* keep every 25th: 40 survivors, 960 cancelled (rebuilds on the way) */
    for (int i = 0; i < N; i++)
        if (i % 25) loop_timer_cancel(w.loop, h[i]);
    ck_assert_uint_eq(loop_timer_count(w.loop), N / 25);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(loop_time(w.loop), t0 + 100); /* not t0 + 1 */
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    ck_assert_int_eq(r.n, N / 25);
    for (int k = 1; k < r.n; k++) { /* by deadline, then by scheduling order */
        int a = r.order[k - 1], b = r.order[k];
        int da = (a * 7919) % (N / 2), db = (b * 7919) % (N / 2);
        ck_assert_msg(da < db || (da == db && a < b), "timer %d fired before %d", a, b);
    }
    ck_assert_uint_eq(loop_timer_count(w.loop), 0);
    tw_fini(&w);
}
END_TEST

/* Ten sleeps of 0.1 s end exactly when one sleep of 1.0 s does; the one
 * scheduled first (the 1.0 s sleep) fires first. */
static const TStep tenths[] = {S_SLEEP(100000000), S_SLEEP(100000000),   S_SLEEP(100000000),
                               S_SLEEP(100000000), S_SLEEP(100000000),   S_SLEEP(100000000),
                               S_SLEEP(100000000), S_SLEEP(100000000),   S_SLEEP(100000000),
                               S_SLEEP(100000000), S_LOG("tenths done"), S_END};
static const TStep whole[] = {S_SLEEP(1000000000), S_LOG("whole done"), S_END};

START_TEST(test_ten_tenths_equal_one)
{
    TWorld w;
    tw_init(&w);
    ck_assert_int_eq(10 * loop_ns_from_seconds(0.1), loop_ns_from_seconds(1.0));
    Task *a = task_new(w.loop, tco(&w, whole), NULL);
    Task *b = task_new(w.loop, tco(&w, tenths), NULL);
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    ck_assert_str_eq(w.log.buf, "[it 21] whole done\n[it 21] tenths done\n");
    ck_assert_int_eq(loop_time(w.loop), 1000000000);
    task_release(a);
    task_release(b);
    tw_fini(&w);
}
END_TEST

START_TEST(test_virtual_jump)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_call_later(w.loop, 3600 * LOOP_NS_PER_SEC, rec_cb, &r, (void *)1);
    ck_assert_int_eq(loop_wait_hint(w.loop), 0); /* virtual: never wait */
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(loop_time(w.loop), 3600 * LOOP_NS_PER_SEC);
    tw_fini(&w);
}
END_TEST

START_TEST(test_stepped_clock)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_set_clock(w.loop, LOOP_CLOCK_STEPPED, 1);
    loop_call_later(w.loop, LOOP_NS_PER_SEC, rec_cb, &r, (void *)1);
    loop_call_later(w.loop, 2 * LOOP_NS_PER_SEC, rec_cb, &r, (void *)2);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_WAITING);
    loop_advance(w.loop, LOOP_NS_PER_SEC / 2);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_WAITING);
    ck_assert_int_eq(r.n, 0);
    ck_assert_int_eq(loop_run_until(w.loop, 1500000000), LOOP_RAN);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(loop_time(w.loop), 1500000000);
    loop_advance(w.loop, LOOP_NS_PER_SEC);
    ck_assert_int_eq(loop_run_step(w.loop), LOOP_IDLE); /* ran the timer, no task step */
    ck_assert_int_eq(r.n, 2);
    tw_fini(&w);
}
END_TEST

/* loop_run_step stops after each task step. */
static const TStep two_yields[] = {S_LOG("a"), S_YIELD, S_LOG("b"), S_END};

START_TEST(test_run_step)
{
    TWorld w;
    tw_init(&w);
    Task *t1 = task_new(w.loop, tco(&w, two_yields), NULL);
    Task *t2 = task_new(w.loop, tco(&w, two_yields), NULL);
    ck_assert_int_eq(loop_run_step(w.loop), LOOP_RAN);
    ck_assert_str_eq(w.log.buf, "[it 1] a\n");
    ck_assert_uint_eq(loop_steps(w.loop), 1);
    ck_assert_int_eq(loop_run_step(w.loop), LOOP_RAN);
    ck_assert_uint_eq(loop_steps(w.loop), 2);
    ck_assert_uint_eq(loop_iteration(w.loop), 1);
    ck_assert_int_eq(loop_run_step(w.loop), LOOP_RAN);
    ck_assert_uint_eq(loop_iteration(w.loop), 2);
    ck_assert_str_eq(w.log.buf, "[it 1] a\n[it 1] a\n[it 2] b\n");
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    task_release(t1);
    task_release(t2);
    tw_fini(&w);
}
END_TEST

static int64_t real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

START_TEST(test_real_clock_fast)
{
    TWorld w;
    tw_init(&w);
    loop_set_clock(w.loop, LOOP_CLOCK_REAL, 1000.0);
    int64_t t0 = loop_time(w.loop);
    int64_t r0 = real_ns();
    Task *t = task_new(w.loop, tco(&w, tenths), NULL);
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    int64_t real = real_ns() - r0;
    ck_assert_int_ge(loop_time(w.loop) - t0, LOOP_NS_PER_SEC);
    ck_assert_int_lt(real, LOOP_NS_PER_SEC / 2); /* ~1 ms of real time at x1000 */
    ck_assert_int_ge(real, LOOP_NS_PER_SEC / 1000 - 100000);
    task_release(t);
    tw_fini(&w);
}
END_TEST

START_TEST(test_real_clock_no_block)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_set_clock(w.loop, LOOP_CLOCK_REAL, 1.0);
    loop_set_no_block(w.loop, true);
    loop_call_later(w.loop, 10 * LOOP_NS_PER_SEC, rec_cb, &r, (void *)1);
    int64_t r0 = real_ns();
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_WAITING);
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_WAITING);
    ck_assert_int_eq(loop_run_until(w.loop, loop_time(w.loop) + LOOP_NS_PER_SEC), LOOP_WAITING);
    ck_assert_int_lt(real_ns() - r0, LOOP_NS_PER_SEC / 10);
    int64_t hint = loop_wait_hint(w.loop);
    ck_assert_int_gt(hint, 9 * LOOP_NS_PER_SEC);
    ck_assert_int_le(hint, 10 * LOOP_NS_PER_SEC);
    /* block_for on the real clock: the time jumps, then the loop holds */
    loop_call_soon(w.loop, rec_cb, &r, (void *)2);
    int64_t before = loop_time(w.loop);
    loop_block_for(w.loop, LOOP_NS_PER_SEC);
    ck_assert_int_ge(loop_time(w.loop) - before, LOOP_NS_PER_SEC);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_WAITING);
    ck_assert_int_eq(r.n, 0);
    ck_assert_int_gt(loop_wait_hint(w.loop), LOOP_NS_PER_SEC / 2);
    /* speed it up: the hold keeps its real length, but unpausing works */
    loop_set_no_block(w.loop, false);
    loop_set_clock(w.loop, LOOP_CLOCK_REAL, 1000.0);
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_IDLE);
    ck_assert_int_eq(r.n, 2);
    tw_fini(&w);
}
END_TEST

/* A coroutine that yields forever (while True: await asyncio.sleep(0)). */
typedef struct Spin {
    TWorld *w;
    long n;
} Spin;

static CoroStatus spin_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    Spin *s = self;
    if (how == CORO_THROW) {
        *out = in;
        return CORO_RAISE;
    }
    s->n++;
    return CORO_YIELD;
}

static void spin_drop(void *self)
{
    Spin *s = self;
    mem_free(&s->w->mem, s, sizeof *s);
}

static const CoroVt spin_vt = {"spin", spin_resume, spin_drop};

static const TStep nap[] = {S_SLEEP(1000000), S_LOG("nap over"), S_END};

START_TEST(test_sleep0_does_not_starve_timers)
{
    TWorld w;
    tw_init(&w);
    Spin *s = mem_calloc(&w.mem, sizeof *s);
    s->w = &w;
    Task *spinner = task_new(w.loop, (Coro){&spin_vt, s}, NULL);
    Task *napper = task_new(w.loop, tco(&w, nap), NULL);
    for (int i = 0; i < 1000 && !future_done(task_future(napper)); i++)
        loop_run_once(w.loop);
    ck_assert(future_done(task_future(napper)));
    /* 1 ms at 10 us per busy iteration: fires after about 100 iterations */
    ck_assert_uint_ge(loop_iteration(w.loop), 95);
    ck_assert_uint_le(loop_iteration(w.loop), 105);
    ck_assert_int_eq(loop_time(w.loop), 1000000); /* exactly the deadline */
    ck_assert_ptr_nonnull(strstr(w.log.buf, "nap over"));
    task_cancel(spinner, NULL);
    loop_run_once(w.loop);
    ck_assert(future_cancelled(task_future(spinner)));
    task_release(spinner);
    task_release(napper);
    tw_fini(&w);
}
END_TEST

START_TEST(test_busy_guard_off_is_pure_virtual)
{
    TWorld w;
    tw_init(&w);
    loop_set_busy_ns(w.loop, 0);
    Spin *s = mem_calloc(&w.mem, sizeof *s);
    s->w = &w;
    Task *spinner = task_new(w.loop, (Coro){&spin_vt, s}, NULL);
    Task *napper = task_new(w.loop, tco(&w, nap), NULL);
    for (int i = 0; i < 5000; i++)
        loop_run_once(w.loop);
    ck_assert(!future_done(task_future(napper)));
    ck_assert_int_eq(loop_time(w.loop), 0);
    task_release(spinner);
    task_release(napper);
    tw_fini(&w); /* frees the pending tasks */
}
END_TEST

/* time.sleep inside a callback: the timers that came due during the block
 * fire in the next iteration, after what was already queued, in deadline
 * order (§10). */
static void blocker(Loop *L, void *data, void *arg)
{
    Rec *r = data;
    loop_call_soon(L, rec_cb, r, (void *)1);
    loop_block_for(L, 330000000);
}

START_TEST(test_block_for)
{
    TWorld w;
    tw_init(&w);
    Trace *tr = trace_new(&w.mem);
    loop_set_trace(w.loop, tr);
    Rec r = {0};
    loop_call_later(w.loop, 200000000, rec_cb, &r, (void *)3);
    loop_call_later(w.loop, 100000000, rec_cb, &r, (void *)2);
    loop_call_later(w.loop, 400000000, rec_cb, &r, (void *)4);
    loop_call_soon(w.loop, blocker, &r, NULL);
    loop_run_once(w.loop);
    ck_assert_int_eq(loop_time(w.loop), 330000000);
    loop_run_once(w.loop);
    ck_assert_int_eq(r.n, 3);
    ck_assert_int_eq(r.order[0], 1);
    ck_assert_int_eq(r.order[1], 2);
    ck_assert_int_eq(r.order[2], 3);
    ck_assert_int_eq(loop_time(w.loop), 330000000);
    const TraceEvent *e = trace_at(tr, 0);
    ck_assert_int_eq(e->kind, TRACE_BLOCK);
    ck_assert_int_eq(e->t_ns, 0);
    ck_assert_int_eq(e->t2_ns, 330000000);
    loop_run_forever(w.loop);
    ck_assert_int_eq(r.n, 4);
    trace_free(tr);
    tw_fini(&w);
}
END_TEST

static void stopper(Loop *L, void *data, void *arg)
{
    loop_stop(L);
    loop_call_soon(L, rec_cb, data, (void *)9);
}

START_TEST(test_stop_finishes_iteration)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_call_soon(w.loop, stopper, &r, NULL);
    loop_call_soon(w.loop, rec_cb, &r, (void *)1);
    ck_assert_int_eq(loop_run_forever(w.loop), LOOP_RAN);
    ck_assert_int_eq(r.n, 1); /* the rest of the iteration ran, not the new one */
    ck_assert_uint_eq(loop_ready_count(w.loop), 1);
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(r.n, 2);
    tw_fini(&w);
}
END_TEST

static void set_fut(Loop *L, void *data, void *arg)
{
    future_set_result(data, host_int(5));
}

START_TEST(test_run_until_complete)
{
    TWorld w;
    tw_init(&w);
    Future *f = future_new(w.loop);
    loop_call_later(w.loop, 500000000, set_fut, f, NULL);
    Rec r = {0};
    loop_call_later(w.loop, 500000000, rec_cb, &r, (void *)1);
    loop_call_later(w.loop, 600000000, rec_cb, &r, (void *)2);
    ck_assert_int_eq(loop_run_until_complete(w.loop, f), LOOP_RAN);
    ck_assert_int_eq(host_to_int(future_result(f)), 5);
    ck_assert_uint_eq(loop_iteration(w.loop), 2); /* one more iteration for stop */
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(loop_time(w.loop), 500000000);
    Future *never = future_new(w.loop);
    ck_assert_int_eq(loop_run_until_complete(w.loop, never), LOOP_IDLE);
    ck_assert_int_eq(r.n, 2);
    future_release(never);
    future_release(f);
    tw_fini(&w);
}
END_TEST

START_TEST(test_run_until_time)
{
    TWorld w;
    tw_init(&w);
    Rec r = {0};
    loop_call_later(w.loop, 100, rec_cb, &r, (void *)1);
    loop_call_later(w.loop, 300, rec_cb, &r, (void *)2);
    ck_assert_int_eq(loop_run_until(w.loop, 200), LOOP_RAN);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(loop_time(w.loop), 200);
    ck_assert_int_eq(loop_run_until(w.loop, 1000), LOOP_IDLE);
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(loop_time(w.loop), 1000);
    tw_fini(&w);
}
END_TEST

/* run_until on a loop kept busy by sleep(0): returns, clock unmoved, and a
 * timer within the span still fires on time. */
START_TEST(test_run_until_busy)
{
    TWorld w;
    tw_init(&w);
    Spin *s = mem_calloc(&w.mem, sizeof *s);
    s->w = &w;
    Task *spinner = task_new(w.loop, (Coro){&spin_vt, s}, NULL);
    ck_assert_int_eq(loop_run_until(w.loop, 1000000), LOOP_RAN); /* 1 ms: ~100 iterations */
    ck_assert_int_eq(loop_time(w.loop), 0);
    ck_assert_int_ge(s->n, 90);
    ck_assert_int_le(s->n, 110);
    Task *napper = task_new(w.loop, tco(&w, nap), NULL); /* sleeps 1 ms */
    loop_run_until(w.loop, 5000000);
    ck_assert(future_done(task_future(napper)));
    ck_assert_int_eq(loop_time(w.loop), 1000000);
    loop_set_clock(w.loop, LOOP_CLOCK_STEPPED, 1);
    long before = s->n;
    ck_assert_int_eq(loop_run_until(w.loop, 2000000), LOOP_RAN);
    ck_assert_int_gt(s->n, before);
    task_cancel(spinner, NULL);
    loop_run_until(w.loop, 3000000);
    ck_assert(future_cancelled(task_future(spinner)));
    ck_assert_int_eq(loop_time(w.loop), 3000000);
    task_release(spinner);
    task_release(napper);
    tw_fini(&w);
}
END_TEST

START_TEST(test_clock_carries_over_loops)
{
    TWorld w;
    tw_init(&w);
    loop_advance(w.loop, 42);
    loop_free(w.loop);
    w.loop = loop_new(&w.host);
    ck_assert_int_eq(loop_time(w.loop), 42);
    tw_fini(&w);
}
END_TEST

/* A ring and a heap that held thousands of entries give their memory back
 * once drained (loop.c, SHRINK_MIN), and keep the order while they shrink:
 * callbacks queued two by two as the ring drains (its cells wrap around when
 * it is copied), timers firing one per iteration. */
typedef struct Seq {
    int next, bad;
} Seq;

static void seq_cb(Loop *L, void *data, void *arg)
{
    Seq *q = data;
    if ((int)(intptr_t)arg != q->next) q->bad++;
    q->next++;
}

START_TEST(test_ring_and_heap_shrink)
{
    TWorld w;
    tw_init(&w);
    size_t used0 = w.mem.used;
    enum { N = 20000 };
    Seq soon = {0}, later = {0};
    for (int i = 0; i < N; i++)
        loop_call_soon(w.loop, seq_cb, &soon, (void *)(intptr_t)i);
    for (int i = 0; i < N; i++)
        loop_call_later(w.loop, (int64_t)(i + 1) * 1000, seq_cb, &later, (void *)(intptr_t)i);
    size_t used_full = w.mem.used;
    ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    ck_assert_int_eq(soon.next, N);
    /* keep two callbacks queued while the timers drain, one per iteration */
    int extra = N;
    while (later.next < N) {
        loop_call_soon(w.loop, seq_cb, &soon, (void *)(intptr_t)extra++);
        loop_call_soon(w.loop, seq_cb, &soon, (void *)(intptr_t)extra++);
        ck_assert_int_eq(loop_run_once(w.loop), LOOP_RAN);
    }
    loop_run_forever(w.loop);
    ck_assert_int_eq(soon.next, extra);
    ck_assert_int_eq(soon.bad, 0);
    ck_assert_int_eq(later.bad, 0);
    /* 20,000 cells and entries took 640 KB; drained, at most 1,024 of each */
    ck_assert_uint_gt(used_full, used0 + 600000);
    ck_assert_uint_le(w.mem.used, used0 + 2 * 1024 * 16);
    tw_fini(&w);
}
END_TEST

ENGINE_SUITE_MAIN("loop", test_fifo_and_batches, test_call_later0_after_call_soon,
                  test_equal_deadlines_fifo, test_cancel_many_keeps_order, test_ten_tenths_equal_one, test_virtual_jump,
                  test_stepped_clock, test_run_step, test_real_clock_fast, test_real_clock_no_block,
                  test_sleep0_does_not_starve_timers, test_busy_guard_off_is_pure_virtual,
                  test_block_for, test_stop_finishes_iteration, test_run_until_complete,
                  test_run_until_time, test_run_until_busy, test_clock_carries_over_loops,
                  test_ring_and_heap_shrink)
