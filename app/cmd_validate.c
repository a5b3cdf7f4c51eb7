/* cmd_validate: `aiotutor validate [DIR]`, an instructor's check of a lesson
 * pack before it meets students.
 *
 * It loads the pack with the lesson loader (every schema and file problem
 * comes back as a diagnostic with file, line and column) and prints each
 * problem in the GNU "file:line:col: error: message" form that editors jump
 * to. Exit status: 0 clean, 1 problems found, 2 usage error or a DIR that is
 * not a directory.
 */
#include "config.h"
#include "app/cli.h"
#include "app/lesson.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cli_validate(int argc, char **argv);

static void usage(FILE *f)
{
    fprintf(f, "Usage: aiotutor validate [OPTION]... [DIR]\n"
               "Check a lesson pack: every lesson.json against the lesson format, and every\n"
               "Markdown and .py file it names. DIR defaults to the built-in course.\n"
               "\n"
               "  -q, --quiet    print only the problems, not the summary line\n"
               "  -h, --help     display this help and exit\n"
               "\n"
               "Problems are printed as FILE:LINE:COL: error|warning: MESSAGE.\n"
               "Exit status: 0 no problems, 1 problems found, 2 usage error.\n"
               "The lesson format is described in lessons/README.md.\n");
}

static void print_diag(const LessonDiag *d)
{
    const char *sev = d->severity == LESSON_ERROR ? "error" : "warning";
    if (d->line > 0)
        printf("%s:%d:%d: %s: %s\n", d->file, d->line, d->col, sev, d->message);
    else
        printf("%s: %s: %s\n", d->file, sev, d->message);
}

int cli_validate(int argc, char **argv)
{
    const char *dir = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !dir && i + 2 == argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("validate: unknown option '%s'", argv[i]);
        } else if (dir) {
            return cli_usage_error("validate: give one lesson directory, not several");
        } else {
            dir = argv[i];
        }
    }
    if (!dir)
        dir = lesson_default_dir();
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "aiotutor: validate: %s: not a directory of lessons\n", dir);
        return 2;
    }

    LessonCourse *c = lesson_course_load(dir);
    for (size_t i = 0; i < c->diags.count; i++)
        print_diag(&c->diags.items[i]);
    size_t errors = lesson_diags_errors(&c->diags);
    size_t warnings = c->diags.count - errors;
    if (!quiet) {
        size_t pages = 0, exercises = 0, questions = 0, demos = 0;
        for (size_t i = 0; i < c->nlessons; i++)
            for (size_t k = 0; k < c->lessons[i]->npages; k++) {
                LessonPageKind kind = c->lessons[i]->pages[k].kind;
                pages++;
                exercises += kind == LESSON_PAGE_EXERCISE;
                questions += kind == LESSON_PAGE_QUESTION;
                demos += kind == LESSON_PAGE_DEMO || kind == LESSON_PAGE_WALKTHROUGH;
            }
        printf("%s: %zu lesson%s loaded (%zu pages: %zu demos, %zu questions, %zu exercises); "
               "%zu error%s, %zu warning%s\n",
               dir, c->nlessons, c->nlessons == 1 ? "" : "s", pages, demos, questions, exercises,
               errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    }
    int status = c->diags.count ? 1 : 0;
    lesson_course_free(c);
    return status;
}
