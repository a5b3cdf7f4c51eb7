/* check_lesson: the lesson model and loader (app/lesson.c) without a
 * terminal: the built-in course loads clean and has what issue 6 asks of
 * every lesson; each broken pack of tests/lessons-bad gives the diagnostic
 * it should, at the right file, line and column; JSON syntax errors are
 * located and explained. */
#include "config.h"
#include "app/lesson.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BAD    AIOTUTOR_SRCDIR "/tests/lessons-bad"
#define COURSE AIOTUTOR_SRCDIR "/lessons"
/* lessons the built-in course has so far (issue 6 asks for 13) */
#define BUILTIN_LESSONS 13

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Loads DIR (a lesson folder), expects it to fail with exactly one error
 * at file/line/col whose message contains `msg`. */
static void expect_one(const char *dir, const char *file, int line, int col, const char *msg)
{
    LessonDiags d = {0};
    Lesson *l = lesson_load(dir, &d);
    ck_assert_ptr_null(l);
    ck_assert_uint_eq(d.count, 1);
    ck_assert_int_eq(d.items[0].severity, LESSON_ERROR);
    ck_assert_msg(ends_with(d.items[0].file, file), "file %s", d.items[0].file);
    ck_assert_int_eq(d.items[0].line, line);
    ck_assert_int_eq(d.items[0].col, col);
    ck_assert_msg(strstr(d.items[0].message, msg), "message: %s", d.items[0].message);
    lesson_diags_fini(&d);
}

START_TEST(bad_json)
{
    expect_one(BAD "/02-bad-json", "02-bad-json/lesson.json", 8, 3,
               "JSON does not allow a trailing comma");
}
END_TEST

START_TEST(missing_field)
{
    LessonDiags d = {0};
    ck_assert_ptr_null(lesson_load(BAD "/03-missing-field", &d));
    ck_assert_uint_eq(d.count, 2);
    ck_assert_int_eq(d.items[0].line, 1);
    ck_assert_int_eq(d.items[0].col, 1);
    ck_assert_str_eq(d.items[0].message,
                     "the lesson has no \"title\": add \"title\": \"Coroutines\"");
    ck_assert_int_eq(d.items[1].line, 6);
    ck_assert_int_eq(d.items[1].col, 5);
    ck_assert_msg(strstr(d.items[1].message, "page 1 (demo) has no \"output\""), "%s",
                  d.items[1].message);
    lesson_diags_fini(&d);
}
END_TEST

START_TEST(unknown_kind)
{
    expect_one(BAD "/04-unknown-kind", "04-unknown-kind/lesson.json", 7, 14,
               "unknown page kind \"vidoe\": use text, demo, question, exercise or walkthrough");
}
END_TEST

START_TEST(missing_py)
{
    expect_one(BAD "/05-missing-py", "05-missing-py/lesson.json", 8, 14,
               "nowhere.py: no such file in the lesson folder 05-missing-py");
}
END_TEST

START_TEST(wrong_type)
{
    expect_one(BAD "/06-wrong-type", "06-wrong-type/lesson.json", 3, 3,
               "\"title\" in the lesson must be a string in double quotes, not a number");
}
END_TEST

START_TEST(bad_checks)
{
    LessonDiags d = {0};
    ck_assert_ptr_null(lesson_load(BAD "/07-bad-check", &d));
    ck_assert_uint_eq(d.count, 4);
    ck_assert_uint_eq(lesson_diags_errors(&d), 3);
    ck_assert_int_eq(d.items[0].line, 10);
    ck_assert_int_eq(d.items[0].col, 31);
    ck_assert_ptr_nonnull(strstr(d.items[0].message, "use one of at_most, at_least, about"));
    ck_assert_int_eq(d.items[1].line, 11);
    ck_assert_ptr_nonnull(strstr(d.items[1].message, "does not compile"));
    ck_assert_int_eq(d.items[2].severity, LESSON_WARNING);
    ck_assert_int_eq(d.items[2].line, 12);
    ck_assert_int_eq(d.items[2].col, 65);
    ck_assert_ptr_nonnull(strstr(d.items[2].message, "did you mean \"message\"?"));
    ck_assert_int_eq(d.items[3].col, 8);
    lesson_diags_fini(&d);
}
END_TEST

START_TEST(good_lesson)
{
    LessonDiags d = {0};
    Lesson *l = lesson_load(BAD "/01-good", &d);
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_eq(d.count, 0);
    ck_assert_str_eq(l->id, "good");
    ck_assert_uint_eq(l->npages, 5); /* four + the key terms */
    ck_assert_int_eq(l->pages[0].kind, LESSON_PAGE_TEXT);
    ck_assert_str_eq(l->pages[0].text, "# Hello\n\nA page.\n");
    const LessonDemo *dm = &l->pages[1].demo;
    ck_assert_int_eq(l->pages[1].kind, LESSON_PAGE_DEMO);
    ck_assert_str_eq(dm->code.file, "demo.py");
    ck_assert_ptr_nonnull(strstr(dm->code.source, "asyncio.sleep(1)"));
    ck_assert_str_eq(dm->output, "hello\n");
    ck_assert_int_eq(dm->time_ns, 1000000000);
    ck_assert_int_eq(dm->compare_time_ns, -1);
    ck_assert_ptr_null(dm->compare.file);
    ck_assert(dm->speed == 1.0);
    const LessonQuestion *q = &l->pages[2].question;
    ck_assert_int_eq(q->kind, LESSON_Q_TIME);
    ck_assert_int_eq(q->answer_ns, 1000000000);
    ck_assert_int_eq(q->correct, -1);
    const LessonExercise *e = &l->pages[3].exercise;
    ck_assert_str_eq(e->id, "good-ex");
    ck_assert_uint_eq(e->nhints, 1);
    ck_assert_uint_eq(e->nchecks, 2);
    ck_assert_int_eq(e->checks[0].type, LESSON_CHECK_TIME);
    ck_assert_int_eq(e->checks[0].op, LESSON_OP_AT_MOST);
    ck_assert_int_eq(e->checks[0].time_ns, 1000000000);
    ck_assert_str_eq(e->starter.file, "starter.py");
    ck_assert_str_eq(e->solution.file, "demo.py");
    ck_assert_int_eq(e->checks[0].points, 1);
    ck_assert(!e->checks[0].hidden);
    ck_assert_int_eq(e->checks[1].type, LESSON_CHECK_NO_EXCEPTION);
    ck_assert_int_eq(e->checks[1].points, 2);
    ck_assert(e->checks[1].hidden);
    ck_assert_int_eq(e->checks[1].line, 14);
    ck_assert_int_eq(e->checks[1].col, 17);
    ck_assert_str_eq(l->pages[4].title, "Key terms");
    ck_assert_str_eq(l->pages[4].text,
                     "# Key terms\n\n- **await**: pause here until the awaited thing is done\n");
    lesson_free(l);
    lesson_diags_fini(&d);
}
END_TEST

START_TEST(broken_pack_still_loads_the_rest)
{
    /* 02..07 are broken files; 08..11 load (their problems show when
     * validate runs the programs) */
    LessonCourse *c = lesson_course_load(BAD);
    ck_assert_uint_eq(c->nlessons, 5);
    ck_assert_str_eq(c->lessons[0]->id, "good");
    ck_assert_int_eq(c->lessons[0]->number, 1);
    ck_assert_str_eq(c->lessons[1]->id, "wrong-output");
    ck_assert_int_eq(c->lessons[1]->number, 2);
    ck_assert_uint_eq(lesson_diags_errors(&c->diags), 9);
    lesson_course_free(c);
    /* a lesson folder given as the course: a course of one */
    c = lesson_course_load(BAD "/01-good");
    ck_assert_uint_eq(c->nlessons, 1);
    ck_assert_uint_eq(c->diags.count, 0);
    ck_assert_str_eq(c->lessons[0]->id, "good");
    lesson_course_free(c);
}
END_TEST

/* Writes TEXT as lesson.json in a fresh directory and loads it. */
static void expect_syntax(const char *text, int line, int col, const char *msg)
{
    char dir[] = "/tmp/check_lesson.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char file[64];
    snprintf(file, sizeof file, "%s/lesson.json", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    expect_one(dir, "/lesson.json", line, col, msg);
    unlink(file);
    rmdir(dir);
}

START_TEST(syntax_messages)
{
    expect_syntax("{\n  'id': 1}", 2, 3, "double quotes");
    expect_syntax("{\"a\": 1\n \"b\": 2}", 2, 2, "a ',' is missing before this item");
    expect_syntax("{\"a\": [1, 2}", 1, 7, "this '[' is never closed");
    expect_syntax("{\"a\": True}", 1, 7, "lower case");
    expect_syntax("{\"a\": 1}}", 1, 9, "text after the end");
    expect_syntax("{\"a\": \"x}", 1, 7, "never closed");
    expect_syntax("", 1, 1, "the file ends");
    expect_syntax("{id: 1}", 1, 2, "a key must be in double quotes");
    expect_syntax("[1, 2]", 1, 1, "must hold one object");
}
END_TEST

START_TEST(time_choice_disagrees)
{
    char dir[] = "/tmp/check_lesson.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char file[64], py[64];
    snprintf(file, sizeof file, "%s/lesson.json", dir);
    snprintf(py, sizeof py, "%s/q.py", dir);
    FILE *f = fopen(py, "w");
    ck_assert_ptr_nonnull(f);
    fputs("print(1)\n", f);
    fclose(f);
    f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"id\": \"t\", \"title\": \"T\", \"summary\": \"S\",\n"
          " \"terms\": [{\"term\": \"a\", \"meaning\": \"b\"}],\n"
          " \"pages\": [{\"kind\": \"question\", \"question\": \"time\", \"prompt\": \"p\",\n"
          "   \"code\": \"q.py\", \"answer\": 3.5, \"choices\": [\"1.0\", \"3.0 s\"],\n"
          "   \"correct\": 1, \"explanation\": \"e\"}]}\n",
          f);
    fclose(f);
    expect_one(dir, "/lesson.json", 5, 4,
               "choice 1 (\"3.0 s\") of page 1 (question) is marked correct");
    unlink(file);
    unlink(py);
    rmdir(dir);
}
END_TEST

START_TEST(output_verdicts)
{
    LessonCheck ck = {.type = LESSON_CHECK_OUTPUT, .op = LESSON_OP_EXACT, .expected = "a\nb\n"};
    ck_assert(lesson_check_output_passes(&ck, "a\nb\n"));
    ck_assert(!lesson_check_output_passes(&ck, "a\nb"));
    ck.op = LESSON_OP_CONTAINS;
    ck.expected = "b\n";
    ck_assert(lesson_check_output_passes(&ck, "a\nb\nc\n"));
    ck_assert(!lesson_check_output_passes(&ck, "a\nc\n"));
    ck.op = LESSON_OP_REGEX;
    ck.expected = "^func [0-9]$";
    ck_assert(lesson_check_output_passes(&ck, "x\nfunc 2\ny\n"));
    ck_assert(!lesson_check_output_passes(&ck, "x func 2\n"));
    ck.expected = "(unclosed";
    ck_assert(!lesson_check_output_passes(&ck, "(unclosed"));
    ck.op = LESSON_OP_LINES_ANY_ORDER;
    ck.expected = "egg done\nrice done\npasta done\n";
    ck_assert(lesson_check_output_passes(&ck, "pasta done\nrice done\negg done\n"));
    ck_assert(lesson_check_output_passes(&ck, "pasta done\nrice done\negg done"));
    ck_assert(!lesson_check_output_passes(&ck, "pasta done\nrice done\n"));
    ck_assert(!lesson_check_output_passes(&ck, "pasta done\nrice done\negg done\negg done\n"));
    ck.expected = "x\nx\ny\n";
    ck_assert(!lesson_check_output_passes(&ck, "x\ny\ny\n"));
    ck_assert(lesson_check_output_passes(&ck, "y\nx\nx\n"));
    ck.expected = "";
    ck_assert(lesson_check_output_passes(&ck, ""));
    ck_assert(!lesson_check_output_passes(&ck, "\n"));
}
END_TEST

START_TEST(time_verdicts)
{
    LessonCheck ck = {.type = LESSON_CHECK_TIME, .op = LESSON_OP_AT_MOST, .time_ns = 3000000000};
    ck_assert(lesson_check_time_passes(&ck, 3000000000));
    ck_assert(!lesson_check_time_passes(&ck, 3000000001));
    ck.op = LESSON_OP_AT_LEAST;
    ck_assert(lesson_check_time_passes(&ck, 3000000000));
    ck_assert(!lesson_check_time_passes(&ck, 2999999999));
    ck.op = LESSON_OP_ABOUT;
    ck.tolerance_ns = 50000000;
    ck_assert(lesson_check_time_passes(&ck, 3050000000));
    ck_assert(lesson_check_time_passes(&ck, 2950000000));
    ck_assert(!lesson_check_time_passes(&ck, 3050000001));
}
END_TEST

START_TEST(network_defaults)
{
    LessonUrl u;
    char buf[128];
    lesson_net_lookup(NULL, "https://example.org/a.png", &u, buf, sizeof buf);
    ck_assert_int_eq(u.latency_ns, LESSON_NET_DEFAULT_LATENCY_NS);
    ck_assert_int_eq(u.status, 200);
    ck_assert_str_eq(u.body, "<content of https://example.org/a.png>");
    ck_assert_int_eq(u.size, (long)strlen(u.body));
}
END_TEST

/* The built-in course: loads without a single problem, in order, and each
 * lesson has what issue 6 requires. */
START_TEST(builtin_course)
{
    LessonCourse *c = lesson_course_load(COURSE);
    for (size_t i = 0; i < c->diags.count; i++)
        fprintf(stderr, "%s:%d:%d: %s\n", c->diags.items[i].file, c->diags.items[i].line,
                c->diags.items[i].col, c->diags.items[i].message);
    ck_assert_uint_eq(c->diags.count, 0);
    ck_assert_uint_ge(c->nlessons, BUILTIN_LESSONS);
    for (size_t i = 0; i < c->nlessons; i++) {
        const Lesson *l = c->lessons[i];
        size_t questions = 0, exercises = 0;
        for (size_t k = 0; k < l->npages; k++) {
            questions += l->pages[k].kind == LESSON_PAGE_QUESTION;
            exercises += l->pages[k].kind == LESSON_PAGE_EXERCISE;
        }
        ck_assert_msg(questions >= 1, "lesson %s has no question", l->id);
        if (i + 1 >= 4) ck_assert_msg(exercises >= 1, "lesson %s has no exercise", l->id);
        ck_assert_uint_ge(l->nterms, 1);
        ck_assert_str_eq(l->pages[l->npages - 1].title, "Key terms");
        ck_assert_int_eq(l->number, (int)i + 1);
    }
    ck_assert_ptr_eq(lesson_course_find(c, "1"), c->lessons[0]);
    ck_assert_ptr_eq(lesson_course_find(c, c->lessons[c->nlessons - 1]->id),
                     c->lessons[c->nlessons - 1]);
    ck_assert_ptr_null(lesson_course_find(c, "99"));
    ck_assert_ptr_null(lesson_course_find(c, "no-such-lesson"));
    for (size_t i = 0; i < c->nlessons; i++)
        for (size_t k = 0; k < c->lessons[i]->npages; k++) {
            const LessonPage *p = &c->lessons[i]->pages[k];
            if (p->kind != LESSON_PAGE_EXERCISE) continue;
            const Lesson *owner = NULL;
            ck_assert_ptr_eq(lesson_course_find_exercise(c, p->exercise.id, &owner), &p->exercise);
            ck_assert_ptr_eq(owner, c->lessons[i]);
        }
    ck_assert_ptr_null(lesson_course_find_exercise(c, "nope", NULL));
    lesson_course_free(c);
}
END_TEST

static Suite *lesson_suite(void)
{
    Suite *s = suite_create("lesson");
    TCase *bad = tcase_create("broken packs");
    tcase_add_test(bad, bad_json);
    tcase_add_test(bad, missing_field);
    tcase_add_test(bad, unknown_kind);
    tcase_add_test(bad, missing_py);
    tcase_add_test(bad, wrong_type);
    tcase_add_test(bad, bad_checks);
    tcase_add_test(bad, broken_pack_still_loads_the_rest);
    tcase_add_test(bad, syntax_messages);
    tcase_add_test(bad, time_choice_disagrees);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("model");
    tcase_add_test(good, good_lesson);
    tcase_add_test(good, network_defaults);
    tcase_add_test(good, output_verdicts);
    tcase_add_test(good, time_verdicts);
    tcase_add_test(good, builtin_course);
    suite_add_tcase(s, good);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lesson_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
