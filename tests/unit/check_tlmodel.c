/* Check suite for app/tlmodel: trace events -> lanes and cells, from
 * hand-built event lists (no engine, no terminal). */
#include "app/tlmodel.h"
#include "app/ui_run.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static void add(TlModel *m, TlEventKind k, double t, int task, TlState st)
{
    TlEvent e = {.kind = k, .t = t, .task = task, .state = st, .until = -1};
    char name[24]; /* "Task-" and any int */
    if (k == TLE_TASK_NEW) {
        snprintf(name, sizeof name, "Task-%d", task);
        e.name = name;
    }
    ck_assert(tlmodel_add(m, &e));
}

/* asyncio.run(main()) where main gathers three one-second sleeps, as the
 * engine traces it: main is Task-1, the three children Task-2..Task-4. */
static TlModel *gather_three(void)
{
    TlModel *m = tlmodel_new();
    ck_assert_ptr_nonnull(m);
    add(m, TLE_TASK_NEW, 0, 1, 0);
    add(m, TLE_STEP_BEGIN, 0, 1, 0);
    add(m, TLE_TASK_NEW, 0, 2, 0);
    add(m, TLE_TASK_NEW, 0, 3, 0);
    add(m, TLE_TASK_NEW, 0, 4, 0);
    add(m, TLE_STEP_END, 0, 1, TL_SLEEPING); /* awaits the gather */
    for (int t = 2; t <= 4; t++) {
        add(m, TLE_STEP_BEGIN, 0, t, 0);
        TlEvent s = {.kind = TLE_SLEEP, .t = 0, .task = t, .until = 1.0};
        ck_assert(tlmodel_add(m, &s));
        add(m, TLE_STEP_END, 0, t, TL_SLEEPING);
    }
    for (int t = 2; t <= 4; t++)
        add(m, TLE_READY, 1.0, t, 0);
    for (int t = 2; t <= 4; t++) {
        add(m, TLE_STEP_BEGIN, 1.0, t, 0);
        add(m, TLE_PRINT, 1.0, t, 0);
        add(m, TLE_STEP_END, 1.0, t, TL_DONE);
    }
    add(m, TLE_READY, 1.0, 1, 0);
    add(m, TLE_STEP_BEGIN, 1.0, 1, 0);
    add(m, TLE_PRINT, 1.0, 1, 0);
    add(m, TLE_STEP_END, 1.0, 1, TL_DONE);
    tlmodel_finish(m, 1.0);
    return m;
}

START_TEST(test_gather_three_lanes)
{
    TlModel *m = gather_three();
    /* The loop plus four tasks, in creation order, named as created. */
    ck_assert_int_eq(tlmodel_lane_count(m), 5);
    ck_assert_str_eq(tlmodel_lane_name(m, 0), "loop");
    ck_assert_str_eq(tlmodel_lane_name(m, 1), "Task-1");
    ck_assert_str_eq(tlmodel_lane_name(m, 2), "Task-2");
    ck_assert_str_eq(tlmodel_lane_name(m, 3), "Task-3");
    ck_assert_str_eq(tlmodel_lane_name(m, 4), "Task-4");
    ck_assert_int_eq(tlmodel_steps(m), 8);
    tlmodel_free(m);
}
END_TEST

START_TEST(test_gather_three_cells)
{
    TlModel *m = gather_three();
    char buf[32];
    /* 0.25 s per cell, 5 cells: [0,.25) [.25,.5) [.5,.75) [.75,1) [1,1.25) */
    for (int t = 2; t <= 4; t++) {
        tlmodel_lane_string(m, t, 0, 0.25, 5, buf);
        ck_assert_str_eq(buf, "#...v"); /* ran at 0, slept together, done at 1 */
    }
    tlmodel_lane_string(m, 1, 0, 0.25, 5, buf);
    ck_assert_str_eq(buf, "#...v");
    /* The loop: busy at 0 and at 1, idle (waiting for the timers) between. */
    tlmodel_lane_string(m, 0, 0, 0.25, 5, buf);
    ck_assert_str_eq(buf, "#...#");
    int marks, sw;
    ck_assert_int_eq(tlmodel_cell(m, 0, 0, 0.25, &marks, &sw), TL_RUNNING);
    ck_assert_int_eq(sw, 3); /* Task-1 -> 2 -> 3 -> 4 */
    ck_assert(marks & TL_MARK_SWITCH);
    ck_assert_int_eq(tlmodel_cell(m, 2, 1.0, 1.25, &marks, NULL), TL_DONE);
    ck_assert(marks & TL_MARK_PRINT);
    ck_assert_int_eq(tlmodel_cell(m, 2, 0.25, 0.5, &marks, NULL), TL_SLEEPING);
    ck_assert_int_eq(marks, 0);
    tlmodel_free(m);
}
END_TEST

START_TEST(test_sequential_awaits)
{
    /* One task awaiting three sleeps in a row: three seconds. */
    TlModel *m = tlmodel_new();
    add(m, TLE_TASK_NEW, 0, 1, 0);
    for (int i = 0; i < 3; i++) {
        add(m, TLE_STEP_BEGIN, i, 1, 0);
        add(m, TLE_STEP_END, i, 1, TL_SLEEPING);
        add(m, TLE_READY, i + 1, 1, 0);
    }
    add(m, TLE_STEP_BEGIN, 3, 1, 0);
    add(m, TLE_STEP_END, 3, 1, TL_DONE);
    tlmodel_finish(m, 3);
    char buf[16];
    tlmodel_lane_string(m, 1, 0, 0.5, 8, buf);
    ck_assert_str_eq(buf, "#.#.#.v ");
    ck_assert_double_eq_tol(tlmodel_end_time(m), 3.0, 1e-9);
    tlmodel_free(m);
}
END_TEST

START_TEST(test_blocking_sleep_stops_the_loop)
{
    /* Task-2 calls time.sleep(1) while Task-3 sleeps on a timer: the loop
     * lane shows blocked for the whole second. */
    TlModel *m = tlmodel_new();
    add(m, TLE_TASK_NEW, 0, 2, 0);
    add(m, TLE_TASK_NEW, 0, 3, 0);
    add(m, TLE_STEP_BEGIN, 0, 3, 0);
    add(m, TLE_STEP_END, 0, 3, TL_SLEEPING);
    add(m, TLE_STEP_BEGIN, 0, 2, 0);
    add(m, TLE_BLOCK_BEGIN, 0, 2, 0);
    add(m, TLE_BLOCK_END, 1.0, 2, 0);
    add(m, TLE_STEP_END, 1.0, 2, TL_DONE);
    add(m, TLE_READY, 1.0, 3, 0);
    add(m, TLE_STEP_BEGIN, 1.0, 3, 0);
    add(m, TLE_STEP_END, 1.0, 3, TL_DONE);
    tlmodel_finish(m, 1.0);
    char buf[16];
    tlmodel_lane_string(m, 0, 0, 0.25, 5, buf);
    ck_assert_str_eq(buf, "XXXX#");
    tlmodel_lane_string(m, 1, 0, 0.25, 5, buf);
    ck_assert_str_eq(buf, "XXXXv");
    tlmodel_lane_string(m, 2, 0, 0.25, 5, buf);
    ck_assert_str_eq(buf, "#...v");
    tlmodel_free(m);
}
END_TEST

START_TEST(test_cancel_and_fail_marks)
{
    TlModel *m = tlmodel_new();
    add(m, TLE_TASK_NEW, 0, 1, 0);
    add(m, TLE_TASK_NEW, 0, 2, 0);
    add(m, TLE_STEP_BEGIN, 0, 1, 0);
    add(m, TLE_STEP_END, 0, 1, TL_SLEEPING);
    add(m, TLE_STEP_BEGIN, 0.5, 2, 0);
    add(m, TLE_STEP_END, 0.5, 2, TL_FAILED);
    add(m, TLE_STEP_BEGIN, 1, 1, 0);
    add(m, TLE_STEP_END, 1, 1, TL_CANCELLED);
    tlmodel_finish(m, 1);
    char buf[16];
    tlmodel_lane_string(m, 1, 0, 0.5, 3, buf);
    ck_assert_str_eq(buf, "#.x");
    tlmodel_lane_string(m, 2, 0, 0.5, 3, buf);
    ck_assert_str_eq(buf, "-! ");
    ck_assert_int_eq(tlmodel_lane_state(m, 2), TL_FAILED);
    tlmodel_free(m);
}
END_TEST

START_TEST(test_ready_order_and_timers)
{
    TlModel *m = tlmodel_new();
    add(m, TLE_TASK_NEW, 0, 5, 0);
    add(m, TLE_TASK_NEW, 0, 6, 0);
    ck_assert(tlmodel_lane_ready_seq(m, 1) < tlmodel_lane_ready_seq(m, 2));
    add(m, TLE_STEP_BEGIN, 0, 5, 0);
    TlEvent s = {.kind = TLE_SLEEP, .t = 0, .task = 5, .until = 2.5};
    ck_assert(tlmodel_add(m, &s));
    add(m, TLE_STEP_END, 0, 5, TL_SLEEPING);
    ck_assert_int_eq(tlmodel_running_task(m), 0);
    ck_assert_double_eq_tol(tlmodel_lane_until(m, 1), 2.5, 1e-9);
    ck_assert_int_eq(tlmodel_lane_of_task(m, 6), 2);
    ck_assert_int_eq(tlmodel_lane_of_task(m, 7), -1);
    tlmodel_free(m);
}
END_TEST

START_TEST(test_view_fit_and_zoom)
{
    TlView v = {0, 0, true};
    tlview_fit(&v, 3.0, 60);
    double dt = tlview_cell_dt(&v);
    ck_assert(dt * 60 >= 3.0);
    ck_assert(dt <= 0.1);
    tlview_zoom(&v, +1);
    ck_assert(tlview_cell_dt(&v) < dt);
    tlview_zoom(&v, -2);
    ck_assert(tlview_cell_dt(&v) > dt);
    tlview_show(&v, 100.0, 20);
    ck_assert(v.t0 <= 100.0 && v.t0 + 20 * tlview_cell_dt(&v) > 100.0);
}
END_TEST

/* The adapter from the engine's real trace: the gather program of the
 * fixture course, run by ui_run on a simulated real clock. */
static const char gather_src[] = "import asyncio\n"
                                 "async def f(n):\n"
                                 "    await asyncio.sleep(1)\n"
                                 "    print('func', n)\n"
                                 "async def main():\n"
                                 "    await asyncio.gather(f(1), f(2), f(3))\n"
                                 "asyncio.run(main())\n";

START_TEST(test_trace_adapter_live_run)
{
    UiRun *r = ui_run_new(gather_src, strlen(gather_src), "gather.py");
    ck_assert_ptr_nonnull(r);
    ck_assert(ui_run_start(r, 100.0, 1.0));
    double now = 100.0;
    int guard = 0;
    while (ui_run_state(r) == UI_RUN_LIVE && guard++ < 1000) {
        int ms = ui_run_tick(r, now);
        /* Half-way through, the three children are asleep together. */
        if (now >= 100.5 && now < 100.53) {
            const TlModel *tl = ui_run_timeline(r);
            for (int lane = 2; lane <= 4; lane++)
                ck_assert_int_eq(tlmodel_lane_state(tl, lane), TL_SLEEPING);
            ck_assert_int_eq(ui_run_line_count(r), 0);
        }
        now += (ms > 0 ? ms : 1) / 1000.0;
    }
    ck_assert_int_eq(ui_run_state(r), UI_RUN_FINISHED);
    ck_assert_int_eq(ui_run_exit_status(r), 0);
    ck_assert(now >= 101.0 && now < 101.1); /* it took one real second at 1x */
    const TlModel *tl = ui_run_timeline(r);
    ck_assert_int_eq(tlmodel_lane_count(tl), 5); /* loop, main, three children */
    ck_assert_str_eq(tlmodel_lane_name(tl, 1), "Task-1");
    ck_assert_str_eq(tlmodel_lane_name(tl, 4), "Task-4");
    char buf[16];
    for (int lane = 2; lane <= 4; lane++) {
        tlmodel_lane_string(tl, lane, 0, 0.25, 5, buf);
        ck_assert_str_eq(buf, "#...v");
    }
    ck_assert_int_eq(ui_run_line_count(r), 3);
    const UiRunLine *l = ui_run_line(r, 0);
    ck_assert_str_eq(l->text, "func 1");
    ck_assert_str_eq(l->task, "Task-2");
    ck_assert_double_eq_tol(l->t, 1.0, 1e-9);
    ui_run_free(r);
}
END_TEST

START_TEST(test_step_back_replays)
{
    UiRun *r = ui_run_new(gather_src, strlen(gather_src), "gather.py");
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < 3; i++)
        ck_assert(ui_run_step(r));
    ck_assert_int_eq(ui_run_steps(r), 3);
    char before[5][16];
    const TlModel *tl = ui_run_timeline(r);
    for (int lane = 0; lane < tlmodel_lane_count(tl) && lane < 5; lane++)
        tlmodel_lane_string(tl, lane, 0, 0.25, 5, before[lane]);
    ck_assert(ui_run_step(r));
    ck_assert_int_eq(ui_run_steps(r), 4);
    ck_assert(ui_run_step_back(r));
    ck_assert_int_eq(ui_run_steps(r), 3);
    tl = ui_run_timeline(r);
    for (int lane = 0; lane < tlmodel_lane_count(tl) && lane < 5; lane++) {
        char now[16];
        tlmodel_lane_string(tl, lane, 0, 0.25, 5, now);
        ck_assert_str_eq(now, before[lane]);
    }
    /* Stepping on to the end: the timers are taken in deadline order. */
    while (ui_run_step(r) && ui_run_state(r) != UI_RUN_FINISHED)
        ;
    ck_assert_int_eq(ui_run_state(r), UI_RUN_FINISHED);
    ck_assert_double_eq_tol(ui_run_now(r), 1.0, 1e-9);
    ui_run_free(r);
}
END_TEST

/* Lesson 1's program: no event loop, only time.sleep. Run live on a
 * simulated real clock, it takes its six seconds, and the main program has
 * a lane: running where it prints, blocked in each sleep; no loop lane. */
static const char sync_src[] = "import time\n"
                               "def step(name, s):\n"
                               "    print(name, 'start')\n"
                               "    time.sleep(s)\n"
                               "step('coffee', 2)\n"
                               "step('toast', 1)\n"
                               "step('egg', 3)\n"
                               "print('done')\n";

START_TEST(test_sync_program_main_lane)
{
    UiRun *r = ui_run_new(sync_src, strlen(sync_src), "sync.py");
    ck_assert_ptr_nonnull(r);
    ck_assert(ui_run_start(r, 50.0, 1.0));
    double now = 50.0;
    int guard = 0;
    while (ui_run_state(r) == UI_RUN_LIVE && guard++ < 10000) {
        int ms = ui_run_tick(r, now);
        if (now >= 52.5 && now < 52.53) {
            /* In the toast's sleep: what is on screen is up to 2.5 s. */
            ck_assert_double_eq_tol(ui_run_now(r), 2.5, 0.031);
            const TlModel *tl = ui_run_timeline(r);
            int ml = tlmodel_lane_of_task(tl, 0);
            ck_assert_int_gt(ml, 0);
            ck_assert_str_eq(tlmodel_lane_name(tl, ml), "main");
        }
        now += (ms > 0 ? ms : 1) / 1000.0;
    }
    ck_assert_int_eq(ui_run_state(r), UI_RUN_FINISHED);
    /* Six seconds of time.sleep take six seconds at 1x, not less. */
    ck_assert(now >= 56.0 && now < 56.1);
    ck_assert_double_eq_tol(ui_run_now(r), 6.0, 1e-9);
    const TlModel *tl = ui_run_timeline(r);
    ck_assert_int_eq(tlmodel_lane_count(tl), 2);
    ck_assert(!tlmodel_lane_used(tl, 0)); /* no event loop: nothing to draw */
    ck_assert_str_eq(tlmodel_lane_label(tl, 1), "main");
    char buf[16];
    /* 1 s a cell: blocked 0-6 (2 + 1 + 3), done at 6. */
    tlmodel_lane_string(tl, 1, 0, 1, 7, buf);
    ck_assert_str_eq(buf, "XXXXXXv");
    /* Prints marked where they happened: 0, 2, 3 and 6 s. */
    int marks;
    for (double t = 0; t < 7; t += 1) {
        tlmodel_cell(tl, 1, t, t + 1, &marks, NULL);
        bool want = t == 0 || t == 2 || t == 3 || t == 6;
        ck_assert_int_eq(marks != 0, want);
    }
    ck_assert_int_eq(ui_run_line_count(r), 4);
    ck_assert_str_eq(ui_run_line(r, 1)->task, "main");
    ck_assert_double_eq_tol(ui_run_line(r, 1)->t, 2.0, 1e-9);
    ui_run_free(r);
}
END_TEST

/* Module code around asyncio.run: main is blocked before the loop, waits
 * while the loop runs (the loop lane is drawn only then), blocked again
 * after it. Tasks are labelled with their coroutine. */
static const char mixed_src[] = "import asyncio, time\n"
                                "async def fetch():\n"
                                "    await asyncio.sleep(1)\n"
                                "async def main():\n"
                                "    await asyncio.create_task(fetch())\n"
                                "time.sleep(1)\n"
                                "asyncio.run(main())\n"
                                "time.sleep(1)\n"
                                "print('end')\n";

START_TEST(test_main_lane_around_a_loop)
{
    UiRun *r = ui_run_new(mixed_src, strlen(mixed_src), "mixed.py");
    ck_assert_ptr_nonnull(r);
    while (ui_run_step(r) && ui_run_state(r) != UI_RUN_FINISHED)
        ;
    ck_assert_int_eq(ui_run_exit_status(r), 0);
    ck_assert_double_eq_tol(ui_run_now(r), 3.0, 1e-9);
    const TlModel *tl = ui_run_timeline(r);
    ck_assert_int_eq(tlmodel_lane_count(tl), 4); /* loop, main, Task-1, Task-2 */
    int ml = tlmodel_lane_of_task(tl, 0);
    ck_assert_int_eq(ml, 1);
    ck_assert_str_eq(tlmodel_lane_label(tl, 2), "Task-1 main");
    ck_assert_str_eq(tlmodel_lane_label(tl, 3), "Task-2 fetch");
    ck_assert_str_eq(tlmodel_lane_name(tl, 3), "Task-2");
    char buf[16];
    tlmodel_lane_string(tl, ml, 0, 0.5, 7, buf);
    ck_assert_str_eq(buf, "XX#.XXv"); /* it ran at 1 s to start the loop */
    tlmodel_lane_string(tl, 0, 0, 0.5, 7, buf);
    ck_assert_str_eq(buf, "  #.#  ");
    ck_assert(tlmodel_lane_used(tl, 0));
    ui_run_free(r);
}
END_TEST

/* A runaway demo's output: the tutor keeps the first 1 MiB (or 20,000
 * lines) of each stream and says so, and cuts a line past 4 KiB; what the
 * program writes to stderr afterwards (its traceback) is still kept. It
 * kept everything: 80 MB a second of a print loop between sleep(0)s. */
static const char flood_src[] = "print('y' * 100000)\n"
                                "for i in range(50000):\n"
                                "    print('line', i, 'x' * 100)\n"
                                "raise ValueError('the end')\n";

START_TEST(test_output_kept_is_capped)
{
    UiRun *r = ui_run_new(flood_src, strlen(flood_src), "flood.py");
    ck_assert_ptr_nonnull(r);
    ck_assert(ui_run_start(r, 0.0, 1.0));
    int guard = 0;
    while (ui_run_state(r) == UI_RUN_LIVE && guard++ < 1000)
        ui_run_tick(r, 1.0 + guard);
    ck_assert_int_eq(ui_run_state(r), UI_RUN_FINISHED);
    ck_assert_int_eq(ui_run_exit_status(r), 1);
    int n = ui_run_line_count(r), out = 0, last_out = -1;
    size_t bytes = 0;
    bool traceback = false;
    for (int i = 0; i < n; i++) {
        const UiRunLine *l = ui_run_line(r, i);
        if (!l->err) {
            out++;
            last_out = i;
            bytes += strlen(l->text) + 1;
        } else if (strcmp(l->text, "ValueError: the end") == 0) {
            traceback = true;
        }
    }
    ck_assert_int_eq(strlen(ui_run_line(r, 0)->text), 4096);
    ck_assert_msg(out <= 20001 && bytes <= (1u << 20) + 4096 + 200,
                  "%d lines, %zu bytes of stdout kept", out, bytes);
    ck_assert_ptr_nonnull(strstr(ui_run_line(r, last_out)->text, "the rest is not shown"));
    ck_assert_msg(traceback, "the traceback after the cut output is kept");
    ui_run_free(r);
}
END_TEST

/* A long run keeps only its model: the engine's trace copies each print's
 * text, and the tutor kept all of it (1.3 KB a step of a print loop, 580 MB
 * after 450,000 steps); it is cleared once read. 600 MiB printed here; the
 * process's peak may grow by much less (up to ASan's 256 MiB quarantine). */
static const char big_src[] = "import asyncio\n"
                              "async def main():\n"
                              "    s = 'x' * 1048576\n"
                              "    for i in range(600):\n"
                              "        print(s)\n"
                              "        await asyncio.sleep(0)\n"
                              "asyncio.run(main())\n";

static long peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

START_TEST(test_trace_not_kept)
{
    long before = peak_kib();
    UiRun *r = ui_run_new(big_src, strlen(big_src), "big.py");
    ck_assert_ptr_nonnull(r);
    ck_assert(ui_run_start(r, 0.0, 1.0));
    int guard = 0;
    while (ui_run_state(r) == UI_RUN_LIVE && guard++ < 100000)
        ui_run_tick(r, 1.0);
    ck_assert_int_eq(ui_run_state(r), UI_RUN_FINISHED);
    ck_assert_int_eq(ui_run_exit_status(r), 0);
    long grew = peak_kib() - before;
    ck_assert_msg(grew < 384 * 1024, "the peak grew by %ld MiB", grew / 1024);
    ui_run_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tlmodel");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_gather_three_lanes);
    tcase_add_test(tc, test_gather_three_cells);
    tcase_add_test(tc, test_sequential_awaits);
    tcase_add_test(tc, test_blocking_sleep_stops_the_loop);
    tcase_add_test(tc, test_cancel_and_fail_marks);
    tcase_add_test(tc, test_ready_order_and_timers);
    tcase_add_test(tc, test_view_fit_and_zoom);
    suite_add_tcase(s, tc);
    TCase *tr = tcase_create("trace");
    tcase_add_test(tr, test_trace_adapter_live_run);
    tcase_add_test(tr, test_step_back_replays);
    tcase_add_test(tr, test_sync_program_main_lane);
    tcase_add_test(tr, test_main_lane_around_a_loop);
    tcase_add_test(tr, test_output_kept_is_capped);
    tcase_add_test(tr, test_trace_not_kept);
    tcase_set_timeout(tr, 60); /* 600 MiB printed: seconds under the sanitizers */
    suite_add_tcase(s, tr);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
