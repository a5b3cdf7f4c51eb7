/* check_fmt: a CheckResult printed for a person or for a machine.
 *
 *   text        for the student's terminal: a verdict per check with the
 *               expected/got difference, the timeline when a timing or
 *               concurrency check failed, the score;
 *   json        Exercism's test runner interface, results.json version 3
 *               ({"version": 3, "status", "message", "tests": [{"name",
 *               "test_code", "status", "message", "output"}]});
 *   junit       JUnit XML (<testsuites><testsuite><testcase><failure>), what
 *               CI systems read;
 *   tap         TAP version 13 with a YAML block per failure;
 *   gradescope  Gradescope autograder results.json ({"score", "output",
 *               "tests": [{"name", "score", "max_score", "status",
 *               "output", "visibility"}]}).
 * A student's view (student = true) keeps a hidden check's verdict and
 * points but not what it checks; JUnit/TAP/JSON for CI use the same rule
 * through the flag, Gradescope marks hidden tests "visibility": "hidden"
 * instead (Gradescope hides them itself) and always shows the details.
 */
#include "config.h"
#include "app/check.h"
#include "app/utext.h"

#include <stdlib.h>
#include <string.h>

const char *const check_format_names[CHECK_FORMAT_COUNT] = {
#define X(name, str) str,
    CHECK_FORMATS(X)
#undef X
};

int check_format_parse(const char *name)
{
    for (int i = 0; i < CHECK_FORMAT_COUNT; i++)
        if (strcmp(name, check_format_names[i]) == 0)
            return i;
    return -1;
}

static void json_char(FILE *f, int c)
{
    switch (c) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\t': fputs("\\t", f); break;
    case '\r': fputs("\\r", f); break;
    default:
        if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
}

/* JSON is UTF-8: a program's output or a file name that is not (print of
 * a bad literal, a name in Latin-1) gets U+FFFD, not a report that no
 * reader can parse. */
void check_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    utext_put_valid(f, s, json_char);
    fputc('"', f);
}

static void json_str_or_null(FILE *f, const char *s)
{
    if (s)
        check_json_string(f, s);
    else
        fputs("null", f);
}

/* Details of a failed check as one block of text: message, expected, got,
 * why. NULL when passed. Caller frees. */
static char *failure_text(const CheckItem *it, bool student)
{
    if (it->passed)
        return NULL;
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    if (!f)
        return NULL;
    if (it->hidden && student) {
        fputs("a hidden check failed", f);
    } else {
        if (it->message)
            fprintf(f, "%s\n", it->message);
        if (it->expected)
            fprintf(f, "expected: %s\n", it->expected);
        if (it->got)
            fprintf(f, "got: %s\n", it->got);
        if (it->detail)
            fprintf(f, "why: %s\n", it->detail);
    }
    fclose(f);
    while (n > 0 && s[n - 1] == '\n')
        s[--n] = '\0';
    return s;
}

static const char *item_name(const CheckItem *it, bool student, char *buf, size_t size)
{
    if (it->hidden && student)
        snprintf(buf, size, "%d hidden check", it->index + 1);
    else
        snprintf(buf, size, "%d %s", it->index + 1, it->name);
    return buf;
}

/* ------------------------------------------------------------------ text */

static void indent_block(FILE *f, const char *label, const char *text, const char *pad)
{
    /* multi-line values (outputs) continue under the first line */
    fprintf(f, "%s%s", pad, label);
    for (const char *p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1])
            fprintf(f, "%s%*s", pad, (int)strlen(label), "");
    }
    if (!*text || text[strlen(text) - 1] != '\n')
        fputc('\n', f);
}

static void print_text(FILE *f, const CheckResult *r, bool student, bool color)
{
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "",
               *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
    fprintf(f, "%sExercise %s%s: %s\n", bold, r->exercise, off, r->file);
    if (r->end != CHECK_END_OK)
        fprintf(f, "The program %s%s%s\n", check_end_descriptions[r->end],
                r->end_message ? ": " : ".", r->end_message ? r->end_message : "");
    char name[160];
    for (size_t i = 0; i < r->nitems; i++) {
        const CheckItem *it = &r->items[i];
        fprintf(f, "  %s%s%s  %-40s %d/%d\n", it->passed ? green : red,
                it->passed ? "PASS" : "FAIL", off, item_name(it, student, name, sizeof name),
                it->points, it->max_points);
        if (it->passed)
            continue;
        if (it->hidden && student) {
            fprintf(f, "        (hidden check: its details are not shown)\n");
            continue;
        }
        if (it->message)
            indent_block(f, "", it->message, "        ");
        if (it->expected)
            indent_block(f, "expected: ", it->expected, "        ");
        if (it->got)
            indent_block(f, "got:      ", it->got, "        ");
        if (it->detail)
            indent_block(f, "why:      ", it->detail, "        ");
    }
    bool show_timeline = r->timeline && !student;
    for (size_t i = 0; i < r->nitems && r->timeline; i++)
        show_timeline |= r->items[i].timing && !r->items[i].passed && !r->items[i].hidden;
    if (show_timeline) {
        if (r->timeline_schedule)
            fprintf(f, "\nTimeline of the re-run that failed (%s):\n", r->timeline_schedule);
        else
            fprintf(f, "\nTimeline of your run (a timing or concurrency check failed):\n");
        fputs(r->timeline, f);
    }
    if (r->err && *r->err && r->end != CHECK_END_SYNTAX) {
        fprintf(f, "\nYour program's stderr:\n");
        indent_block(f, "", r->err, "  ");
    }
    size_t failed = 0;
    for (size_t i = 0; i < r->nitems; i++)
        failed += !r->items[i].passed;
    char t[48];
    snprintf(t, sizeof t, "%.9g s", (double)r->elapsed_ns / 1e9);
    fprintf(f, "\n%s%s%s: %d/%d points; %zu of %zu checks failed; %s of virtual time%s\n",
            r->passed ? green : red, r->passed ? "PASSED" : "FAILED", off, r->score,
            r->max_score, failed, r->nitems, t, r->runs > 1 ? "" : "");
}

/* ------------------------------------------------------------------ json */

static void print_exercism(FILE *f, const CheckResult *r, bool student)
{
    bool error = r->end == CHECK_END_SYNTAX || r->end == CHECK_END_ERROR ||
                 r->end == CHECK_END_CRASH;
    fprintf(f, "{\"version\": 3, \"status\": \"%s\"", error ? "error" : r->passed ? "pass" : "fail");
    if (error) {
        fputs(", \"message\": ", f);
        check_json_string(f, r->end_message ? r->end_message : check_end_descriptions[r->end]);
    }
    fputs(", \"tests\": [", f);
    char name[160];
    for (size_t i = 0; i < r->nitems; i++) {
        const CheckItem *it = &r->items[i];
        char *msg = failure_text(it, student);
        fputs(i ? ",\n  {" : "\n  {", f);
        fputs("\"name\": ", f);
        check_json_string(f, item_name(it, student, name, sizeof name));
        fputs(", \"test_code\": ", f);
        check_json_string(f, it->hidden && student ? "" : it->name);
        fprintf(f, ", \"status\": \"%s\", \"message\": ",
                it->passed ? "pass" : error ? "error" : "fail");
        json_str_or_null(f, msg);
        fprintf(f, ", \"task_id\": %d", it->index + 1);
        if (i == 0 && r->out && *r->out) {
            /* Exercism shows `output` per test, at most 500 chars. */
            char clip[501];
            snprintf(clip, sizeof clip, "%s", r->out);
            fputs(", \"output\": ", f);
            check_json_string(f, clip);
        }
        fputc('}', f);
        free(msg);
    }
    fputs("\n]}\n", f);
}

static void print_gradescope(FILE *f, const CheckResult *r)
{
    fprintf(f, "{\"score\": %d, \"max_score\": %d, \"execution_time\": %.3f, ", r->score,
            r->max_score, r->wall_seconds);
    char *summary = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&summary, &n);
    if (m) {
        fprintf(m, "Exercise %s: %s (%d/%d points).", r->exercise,
                r->passed ? "passed" : "not passed yet", r->score, r->max_score);
        if (r->end != CHECK_END_OK)
            fprintf(m, " The program %s: %s", check_end_descriptions[r->end],
                    r->end_message ? r->end_message : "");
        fclose(m);
    }
    fputs("\"output\": ", f);
    check_json_string(f, summary ? summary : "");
    free(summary);
    fputs(", \"visibility\": \"visible\", \"stdout_visibility\": \"hidden\", \"tests\": [", f);
    char name[160];
    for (size_t i = 0; i < r->nitems; i++) {
        const CheckItem *it = &r->items[i];
        char *msg = failure_text(it, false);
        fputs(i ? ",\n  {" : "\n  {", f);
        fputs("\"name\": ", f);
        check_json_string(f, item_name(it, false, name, sizeof name));
        fprintf(f, ", \"number\": \"%d\", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", "
                   "\"visibility\": \"%s\", \"output\": ",
                it->index + 1, it->points, it->max_points, it->passed ? "passed" : "failed",
                it->hidden ? "hidden" : "visible");
        check_json_string(f, msg ? msg : "");
        fputc('}', f);
        free(msg);
    }
    fputs("\n]}\n", f);
}

/* ------------------------------------------------------------------- xml */

static void xml_char(FILE *f, int c)
{
    switch (c) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&apos;", f); break;
    default:
        /* XML 1.0 has no other control characters, escaped or not */
        if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
            fputc('?', f);
        else
            fputc(c, f);
    }
}

/* Valid UTF-8 only (as check_json_string), or the parser stops there. */
static void xml_text(FILE *f, const char *s)
{
    utext_put_valid(f, s, xml_char);
}

static void print_junit(FILE *f, const CheckResult *r, bool student)
{
    size_t failures = 0;
    for (size_t i = 0; i < r->nitems; i++)
        failures += !r->items[i].passed;
    bool error = r->end == CHECK_END_SYNTAX || r->end == CHECK_END_ERROR ||
                 r->end == CHECK_END_CRASH;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"aiotutor\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" "
               "time=\"%.3f\">\n",
            r->nitems, error ? 0 : failures, error ? (int)r->nitems : 0, r->wall_seconds);
    fputs("  <testsuite name=\"", f);
    xml_text(f, r->exercise);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" time=\"%.3f\">\n", r->nitems,
            error ? 0 : failures, error ? (int)r->nitems : 0, r->wall_seconds);
    fputs("    <properties><property name=\"file\" value=\"", f);
    xml_text(f, r->file);
    fprintf(f, "\"/><property name=\"score\" value=\"%d/%d\"/></properties>\n", r->score,
            r->max_score);
    char name[160];
    for (size_t i = 0; i < r->nitems; i++) {
        const CheckItem *it = &r->items[i];
        fputs("    <testcase classname=\"aiotutor.", f);
        xml_text(f, r->exercise);
        fputs("\" name=\"", f);
        xml_text(f, item_name(it, student, name, sizeof name));
        fputs("\" time=\"0\"", f);
        if (it->passed) {
            fputs("/>\n", f);
            continue;
        }
        char *msg = failure_text(it, student);
        const char *first = it->hidden && student ? "a hidden check failed"
                            : it->message          ? it->message
                                                   : "failed";
        fprintf(f, ">\n      <%s message=\"", error ? "error" : "failure");
        xml_text(f, first);
        fprintf(f, "\" type=\"%s\">", error ? check_end_names[r->end] : "CheckFailed");
        xml_text(f, msg);
        fprintf(f, "</%s>\n    </testcase>\n", error ? "error" : "failure");
        free(msg);
    }
    fputs("    <system-out>", f);
    xml_text(f, r->out);
    fputs("</system-out>\n    <system-err>", f);
    xml_text(f, r->err);
    fputs("</system-err>\n  </testsuite>\n</testsuites>\n", f);
}

/* ------------------------------------------------------------------- tap */

static void print_tap(FILE *f, const CheckResult *r, bool student)
{
    fprintf(f, "TAP version 13\n1..%zu\n", r->nitems);
    char name[160];
    for (size_t i = 0; i < r->nitems; i++) {
        const CheckItem *it = &r->items[i];
        /* "#" would start a directive in the description */
        char *d = name;
        item_name(it, student, name, sizeof name);
        for (char *p = d; *p; p++)
            if (*p == '#' || *p == '\n')
                *p = ' ';
        fprintf(f, "%s %zu - %s\n", it->passed ? "ok" : "not ok", i + 1, name + strcspn(name, " ") + 1);
        if (it->passed)
            continue;
        /* YAML block; JSON strings are YAML flow scalars */
        fputs("  ---\n", f);
        if (it->hidden && student) {
            fputs("  message: \"a hidden check failed\"\n", f);
        } else {
            fputs("  message: ", f);
            check_json_string(f, it->message ? it->message : "failed");
            if (it->expected) {
                fputs("\n  expected: ", f);
                check_json_string(f, it->expected);
            }
            if (it->got) {
                fputs("\n  got: ", f);
                check_json_string(f, it->got);
            }
            if (it->detail) {
                fputs("\n  why: ", f);
                check_json_string(f, it->detail);
            }
            fputc('\n', f);
        }
        fprintf(f, "  points: %d\n  max_points: %d\n  ...\n", it->points, it->max_points);
    }
    fprintf(f, "# exercise %s: %d/%d points, program %s\n", r->exercise, r->score, r->max_score,
            check_end_names[r->end]);
}

int check_format_print(FILE *f, CheckFormat fmt, const CheckResult *r, bool student, bool color)
{
    switch (fmt) {
    case CHECK_FORMAT_TEXT: print_text(f, r, student, color); break;
    case CHECK_FORMAT_JSON: print_exercism(f, r, student); break;
    case CHECK_FORMAT_JUNIT: print_junit(f, r, student); break;
    case CHECK_FORMAT_TAP: print_tap(f, r, student); break;
    case CHECK_FORMAT_GRADESCOPE: print_gradescope(f, r); break;
    default: return -1;
    }
    return ferror(f) ? -1 : 0;
}
