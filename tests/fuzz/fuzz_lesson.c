/* fuzz_lesson: the lesson loader (app/lesson.c) on arbitrary JSON and
 * Markdown, and the Markdown renderer (app/prose.c) on what it loaded.
 *
 * lesson_load reads a folder, so one input is a whole lesson folder:
 *     <lesson.json text>
 *     @@@ NAME
 *     <text of file NAME>
 *     @@@ NAME2 ...
 * (seeds are made from lessons/ by tests/fuzz/seeds.sh). The files are
 * written to a private temporary folder (on /dev/shm when it exists) that
 * is emptied before each input. A lesson that loads has every page's
 * Markdown rendered at a narrow and a wide width, ASCII and not. */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/lesson.h"
#include "app/prose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FILES = 16, MAX_NAME = 40 };

static char g_dir[256];

static void cleanup(void)
{
    DIR *d = opendir(g_dir);
    if (d) {
        struct dirent *e;
        char path[512];
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
}

static void at_exit_cleanup(void)
{
    cleanup();
    rmdir(g_dir);
}

static bool make_dir(void)
{
    if (g_dir[0])
        return true;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/fuzz_lesson.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("fuzz_lesson: mkdtemp");
        abort();
    }
    atexit(at_exit_cleanup);
    return true;
}

static void write_file(const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(p, 1, n, f);
    fclose(f);
}

/* A file name from the input, made safe: [A-Za-z0-9._-], no leading dot. */
static void safe_name(const uint8_t *p, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < MAX_NAME; i++) {
        char c = (char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '-' || (c == '.' && k > 0))
            out[k++] = c;
    }
    if (k == 0)
        out[k++] = 'x';
    out[k] = '\0';
}

/* memchr, then plain byte compares: libFuzzer intercepts memcmp and records
 * every call, which per input byte cost a tenth of the fuzzer's time. */
static const uint8_t *find_marker(const uint8_t *p, const uint8_t *end)
{
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if (end - p >= 5 && p[1] == '@' && p[2] == '@' && p[3] == '@' && p[4] == ' ')
            return p;
        p++;
    }
    return NULL;
}

static void render(const char *md, size_t n)
{
    static const int widths[] = {1, 17, 80};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        ProseDoc *d = prose_render(md, n, widths[i], i == 1);
        if (!d)
            continue;
        char buf[64];
        int lines = prose_line_count(d);
        for (int k = 0; k < lines; k++) {
            int nspans = 0;
            (void)prose_line(d, k, &nspans);
            prose_line_text(d, k, buf, sizeof buf);
        }
        prose_free(d);
    }
}

static void render_lesson(const Lesson *l)
{
    for (size_t i = 0; i < l->npages; i++) {
        const LessonPage *pg = &l->pages[i];
        if (pg->text)
            render(pg->text, strlen(pg->text));
        if (pg->kind == LESSON_PAGE_QUESTION && pg->question.prompt)
            render(pg->question.prompt, strlen(pg->question.prompt));
        if (pg->kind == LESSON_PAGE_QUESTION && pg->question.explanation)
            render(pg->question.explanation, strlen(pg->question.explanation));
        if (pg->kind == LESSON_PAGE_WALKTHROUGH)
            for (size_t k = 0; k < pg->walk.nnotes; k++)
                render(pg->walk.notes[k].text, strlen(pg->walk.notes[k].text));
    }
    for (size_t i = 0; i < l->nurls; i++) {
        LessonUrl u;
        char buf[1024];
        if (strlen(l->urls[i].url) + 16 <= sizeof buf)
            lesson_net_lookup(l, l->urls[i].url, &u, buf, sizeof buf);
    }
    LessonUrl u;
    char buf[64];
    lesson_net_lookup(l, "https://example.org/x", &u, buf, sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_dir();
    cleanup();

    const uint8_t *end = data + size;
    const uint8_t *m = find_marker(data, end);
    write_file("lesson.json", data, (size_t)((m ? m : end) - data));
    for (int files = 0; m && files < MAX_FILES; files++) {
        const uint8_t *name = m + 5;
        const uint8_t *nl = memchr(name, '\n', (size_t)(end - name));
        if (!nl)
            break;
        char fname[MAX_NAME + 1];
        safe_name(name, (size_t)(nl - name), fname);
        const uint8_t *body = nl + 1;
        m = find_marker(nl, end);
        if (strcmp(fname, "lesson.json") != 0)
            write_file(fname, body, (size_t)((m ? m : end) - body));
    }

    LessonDiags diags = {0};
    Lesson *l = lesson_load(g_dir, &diags);
    if (l) {
        render_lesson(l);
        lesson_free(l);
    }
    (void)lesson_diags_errors(&diags);
    lesson_diags_fini(&diags);

    if (size % 4 == 0) { /* the course path too, on a quarter of the inputs */
        LessonCourse *c = lesson_course_load(g_dir);
        if (c) {
            (void)lesson_course_find(c, "1");
            (void)lesson_course_find_exercise(c, "x", NULL);
            lesson_course_free(c);
        }
    }
    return 0;
}
