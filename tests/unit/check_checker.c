/* check_checker: the exercise checker's API (app/check.h) on the fixture
 * pack tests/check/pack, one exercise per check kind: every solution passes
 * with full points and every starter fails; robust re-runs catch a program
 * that passes only by tie order (and nothing else does); hints lead with the
 * timeline comparison; limits end runaway programs; the isolated (forked)
 * runner gives back the same result as the in-process one; every format
 * prints. */
#include "config.h"
#include "app/check.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PACK AIOTUTOR_SRCDIR "/tests/check/pack"

static LessonCourse *course;

static void setup(void)
{
    course = lesson_course_load(PACK);
    ck_assert_ptr_nonnull(course);
    ck_assert_uint_eq(lesson_diags_errors(&course->diags), 0);
}

static void teardown(void)
{
    lesson_course_free(course);
}

static const LessonExercise *ex(const char *id)
{
    const LessonExercise *e = check_find_exercise(course, id, NULL);
    ck_assert_msg(e != NULL, "no exercise %s", id);
    return e;
}

static CheckResult *run(const LessonExercise *e, const char *src, const CheckOptions *o)
{
    CheckResult *r = check_run(NULL, e, src, strlen(src), "prog.py", o);
    ck_assert_ptr_nonnull(r);
    return r;
}

START_TEST(test_every_solution_passes_every_starter_fails)
{
    const Lesson *l = course->lessons[0];
    int n = 0;
    for (size_t i = 0; i < l->npages; i++) {
        if (l->pages[i].kind != LESSON_PAGE_EXERCISE)
            continue;
        const LessonExercise *e = &l->pages[i].exercise;
        CheckResult *r = run(e, e->solution.source, NULL);
        ck_assert_msg(r->passed, "%s: the solution fails", e->id);
        ck_assert_int_eq(r->score, r->max_score);
        ck_assert_int_eq(r->end, CHECK_END_OK);
        for (size_t k = 0; k < r->nitems; k++)
            ck_assert_ptr_null(r->items[k].message);
        check_result_free(r);
        r = run(e, e->starter.source, NULL);
        ck_assert_msg(!r->passed, "%s: the starter passes", e->id);
        ck_assert_int_lt(r->score, r->max_score);
        for (size_t k = 0; k < r->nitems; k++)
            if (!r->items[k].passed)
                ck_assert_str_eq(r->items[k].message, e->checks[k].message);
        check_result_free(r);
        n++;
    }
    ck_assert_int_ge(n, 19);
}
END_TEST

START_TEST(test_find_exercise)
{
    const Lesson *l = NULL;
    ck_assert_ptr_nonnull(check_find_exercise(course, "out-exact", &l));
    ck_assert_str_eq(l->id, "checks");
    ck_assert_ptr_eq(check_find_exercise(course, "checks/out-exact", NULL),
                     check_find_exercise(course, "out-exact", NULL));
    ck_assert_ptr_nonnull(check_find_exercise(course, "1/out-regex", NULL));
    ck_assert_ptr_null(check_find_exercise(course, "1", NULL)); /* 20 exercises: which? */
    ck_assert_ptr_null(check_find_exercise(course, "checks/nope", NULL));
    ck_assert_ptr_null(check_find_exercise(course, "nope", NULL));
}
END_TEST

START_TEST(test_robust_reruns_catch_tie_order)
{
    const LessonExercise *e = ex("robust-waiting");
    CheckOptions o;
    check_options_init(&o);
    o.robust_runs = 0; /* the normal run alone is fooled */
    CheckResult *r = run(e, e->starter.source, &o);
    ck_assert(r->passed);
    ck_assert_int_eq(r->runs, 1);
    check_result_free(r);

    r = run(e, e->starter.source, NULL);
    ck_assert(!r->passed);
    ck_assert_int_gt(r->runs, 1);
    ck_assert_ptr_nonnull(r->items[0].schedule);
    ck_assert_ptr_nonnull(strstr(r->items[0].schedule, "reverse order"));
    ck_assert_ptr_nonnull(strstr(r->items[0].detail, "held in the normal run"));
    ck_assert_ptr_nonnull(r->timeline_schedule); /* the timeline shown is the failing re-run's */
    ck_assert_uint_ge(r->max_waiting, 3);        /* the normal run had 3 */
    check_result_free(r);

    /* The steady solution holds under every schedule, times included
     * (nudged sleeps are allowed their nudges). */
    r = run(e, e->solution.source, NULL);
    ck_assert(r->passed);
    ck_assert_int_eq(r->runs, 5);
    check_result_free(r);
}
END_TEST

START_TEST(test_hints_compare_timelines)
{
    const LessonExercise *e = ex("conc-min-waiting");
    CheckResult *r = run(e, e->starter.source, NULL);
    ck_assert_uint_eq(check_hint_count(e, r), e->nhints + 1);
    const char *h = check_hint(e, r, 0);
    ck_assert_ptr_nonnull(strstr(h, "ran one after another: Task-3 started only when Task-2 "
                                    "finished (at 1 s)"));
    ck_assert_ptr_nonnull(strstr(h, "whole run takes 3 s (yours: 6 s)"));
    ck_assert_str_eq(check_hint(e, r, 1), e->hints[0]);
    ck_assert_ptr_null(check_hint(e, r, e->nhints + 1));
    ck_assert_ptr_nonnull(r->timeline);
    check_result_free(r);

    r = run(e, e->solution.source, NULL);
    ck_assert_uint_eq(check_hint_count(e, r), e->nhints);
    ck_assert_ptr_null(r->timeline);
    ck_assert_str_eq(check_hint(e, r, 0), e->hints[0]);
    check_result_free(r);
    ck_assert_str_eq(check_hint(e, NULL, 0), e->hints[0]);
}
END_TEST

START_TEST(test_measures)
{
    const LessonExercise *e = ex("conc-longest");
    CheckResult *r = run(e, e->solution.source, NULL);
    ck_assert_int_eq(r->elapsed_ns, 3000000000LL);
    ck_assert_uint_eq(r->max_waiting, 3);
    ck_assert_str_eq(r->out, "['a', 'b', 'c']\n");
    check_result_free(r);
    r = run(e, e->starter.source, NULL);
    ck_assert_int_eq(r->elapsed_ns, 6000000000LL);
    ck_assert_uint_eq(r->max_waiting, 1);
    ck_assert_ptr_nonnull(strstr(r->items[0].got, "all tasks' waiting adds up to 6 s"));
    check_result_free(r);
}
END_TEST

START_TEST(test_limits)
{
    const LessonExercise *e = ex("out-exact");
    CheckOptions o;
    check_options_init(&o);
    o.cpu_seconds = 0.5;
    CheckResult *r = run(e,
                         "import asyncio\n"
                         "async def main():\n"
                         "    while True:\n"
                         "        await asyncio.sleep(0)\n"
                         "asyncio.run(main())\n",
                         &o);
    ck_assert_int_eq(r->end, CHECK_END_TIMEOUT);
    ck_assert(!r->passed);
    check_result_free(r);

    o.mem_limit = (size_t)16 << 20;
    r = run(e, "x = []\nwhile True:\n    x.append('a' * 10000)\n", &o);
    ck_assert_int_eq(r->end, CHECK_END_MEMORY);
    check_result_free(r);

    r = run(e, "print('a'\n", &o);
    ck_assert_int_eq(r->end, CHECK_END_SYNTAX);
    ck_assert_ptr_nonnull(strstr(r->end_message, "SyntaxError"));
    ck_assert_int_eq(r->score, 0);
    check_result_free(r);

    r = run(e, "print('a')\nprint('b')\nraise ValueError('late')\n", &o);
    ck_assert_int_eq(r->end, CHECK_END_EXCEPTION);
    ck_assert_str_eq(r->end_message, "ValueError: late");
    ck_assert(r->passed); /* output exact only: the output is right */
    check_result_free(r);
}
END_TEST

START_TEST(test_isolated_same_result)
{
    const LessonExercise *e = ex("points-hidden");
    CheckResult *a = run(e, e->starter.source, NULL);
    CheckResult *b = check_run_isolated(NULL, e, e->starter.source, strlen(e->starter.source),
                                        "prog.py", NULL, 0, 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(a->score, 3);
    ck_assert_int_eq(b->score, a->score);
    ck_assert_int_eq(b->max_score, 6);
    ck_assert_int_eq(b->passed, a->passed);
    ck_assert_int_eq(b->elapsed_ns, a->elapsed_ns);
    ck_assert_str_eq(b->out, a->out);
    ck_assert_uint_eq(b->nitems, a->nitems);
    for (size_t i = 0; i < a->nitems; i++) {
        ck_assert_int_eq(b->items[i].passed, a->items[i].passed);
        ck_assert_int_eq(b->items[i].hidden, a->items[i].hidden);
        ck_assert_int_eq(b->items[i].points, a->items[i].points);
        ck_assert_str_eq(b->items[i].name, a->items[i].name);
        if (a->items[i].got)
            ck_assert_str_eq(b->items[i].got, a->items[i].got);
    }
    ck_assert(b->items[1].hidden && !b->items[1].passed);
    check_result_free(a);
    check_result_free(b);
}
END_TEST

START_TEST(test_failed_result_and_formats)
{
    const LessonExercise *e = ex("points-hidden");
    CheckResult *r = check_result_failed(e, "x.py", CHECK_END_CRASH, "signal 11");
    ck_assert_int_eq(r->score, 0);
    ck_assert_int_eq(r->max_score, 6);
    ck_assert(!r->passed);
    for (int f = 0; f < CHECK_FORMAT_COUNT; f++) {
        char *text = NULL;
        size_t n = 0;
        FILE *m = open_memstream(&text, &n);
        ck_assert_int_eq(check_format_print(m, (CheckFormat)f, r, true, false), 0);
        fclose(m);
        ck_assert_uint_gt(n, 20);
        /* the hidden check's message is not in a student's view */
        if (f != CHECK_FORMAT_GRADESCOPE)
            ck_assert_msg(!strstr(text, "Too slow"), "%s leaks", check_format_names[f]);
        free(text);
    }
    ck_assert_int_eq(check_format_parse("junit"), CHECK_FORMAT_JUNIT);
    ck_assert_int_eq(check_format_parse("yaml"), -1);
    check_result_free(r);
}
END_TEST

static Suite *checker_suite(void)
{
    Suite *s = suite_create("checker");
    TCase *tc = tcase_create("checker");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_solution_passes_every_starter_fails);
    tcase_add_test(tc, test_find_exercise);
    tcase_add_test(tc, test_robust_reruns_catch_tie_order);
    tcase_add_test(tc, test_hints_compare_timelines);
    tcase_add_test(tc, test_measures);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_isolated_same_result);
    tcase_add_test(tc, test_failed_result_and_formats);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(checker_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
