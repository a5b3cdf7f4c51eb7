/* cmd_workspace: `aiotutor workspace DIR`, a folder for doing the course's
 * exercises in one's own editor: every exercise's starter file, named
 * NN-ID.py (NN the lesson's number, ID the exercise's id, so that `ls`
 * lists them in course order and `aiotutor watch` knows which is which).
 * A file that exists is never overwritten: it is the student's work. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/check.h"
#include "app/cli.h"

int cli_workspace(int argc, char **argv);

static void print_help(void)
{
    printf("Usage: aiotutor workspace [OPTION]... DIR\n"
           "Write every exercise's starter file into DIR (made if missing), as NN-ID.py\n"
           "(lesson number, exercise id). Existing files are never overwritten.\n"
           "Then edit them in any editor, with 'aiotutor watch DIR' running to check on\n"
           "each save, or check one with 'aiotutor check ID DIR/NN-ID.py'.\n"
           "\n"
           "  --lessons=DIR  the lesson pack (default: the built-in course)\n"
           "  -q, --quiet    print nothing but errors\n"
           "  -h, --help     display this help and exit\n");
}

int cli_workspace(int argc, char **argv)
{
    const char *dir = NULL, *lessons = NULL;
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return 0;
        } else if (strncmp(a, "--lessons=", 10) == 0) {
            lessons = a + 10;
        } else if (strcmp(a, "--lessons") == 0 && i + 1 < argc) {
            lessons = argv[++i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("workspace: unrecognized option '%s'", a);
        } else if (dir) {
            return cli_usage_error("workspace: give one DIR");
        } else {
            dir = a;
        }
    }
    if (!dir)
        return cli_usage_error("workspace: missing DIR");
    /* The pack first: a broken one must not leave an empty workspace. */
    LessonCourse *c = lesson_course_load(lessons ? lessons : lesson_default_dir());
    if (!c) {
        fprintf(stderr, "aiotutor: workspace: out of memory\n");
        return 2;
    }
    if (!check_course_report(c, "workspace")) {
        lesson_course_free(c);
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "aiotutor: workspace: can't make '%s': %s\n", dir, strerror(errno));
        lesson_course_free(c);
        return 2;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "aiotutor: workspace: '%s' is not a directory\n", dir);
        lesson_course_free(c);
        return 2;
    }
    int status = 0, written = 0, kept = 0;
    for (size_t i = 0; i < c->nlessons; i++) {
        const Lesson *l = c->lessons[i];
        for (size_t k = 0; k < l->npages; k++) {
            const LessonPage *p = &l->pages[k];
            if (p->kind != LESSON_PAGE_EXERCISE || !p->exercise.starter.source)
                continue;
            char *path = NULL;
            if (asprintf(&path, "%s/%02d-%s.py", dir, l->number, p->exercise.id) < 0)
                continue;
            /* O_EXCL: never replace what is there, even if it appeared just now */
            int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
            if (fd < 0 && errno == EEXIST) {
                kept++;
                if (!quiet)
                    printf("kept     %s (already there)\n", path);
            } else if (fd < 0) {
                fprintf(stderr, "aiotutor: workspace: can't create '%s': %s\n", path,
                        strerror(errno));
                status = 1;
            } else {
                const char *s = p->exercise.starter.source;
                size_t n = strlen(s);
                int err = 0;
                while (n > 0 && !err) {
                    ssize_t w = write(fd, s, n);
                    if (w < 0 && errno == EINTR)
                        continue;
                    if (w <= 0) {
                        err = w < 0 ? errno : ENOSPC;
                    } else {
                        s += w;
                        n -= (size_t)w;
                    }
                }
                if (close(fd) != 0 && !err)
                    err = errno;
                if (err) {
                    /* The file is ours (O_EXCL made it): remove the partial
                     * copy, or the next run would keep it as the student's
                     * work. */
                    unlink(path);
                    fprintf(stderr, "aiotutor: workspace: can't write '%s': %s\n", path,
                            strerror(err));
                    status = 1;
                } else {
                    written++;
                    if (!quiet)
                        printf("wrote    %s  (lesson %d: %s)\n", path, l->number, p->title);
                }
            }
            free(path);
        }
    }
    if (!quiet)
        printf("%d starter file%s written, %d kept. Next: aiotutor watch %s\n", written,
               written == 1 ? "" : "s", kept, dir);
    lesson_course_free(c);
    return status;
}
