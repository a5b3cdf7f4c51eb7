/* Check suite: saving progress when the disk says no (issue 8, HARDEN).
 *
 * A student's progress must survive a failed save: a full disk or a write
 * error is reported in a sentence that names the file and the reason, the
 * previous progress file stays byte for byte what it was, and no temporary
 * file is left behind. A home where nothing can be written is reported the
 * same way and the next load still works.
 *
 * CI runs as root, which writes through mode bits, so the failures are
 * made in ways that hold for root too:
 *   - a write error: RLIMIT_FSIZE of 0 with SIGXFSZ ignored makes every
 *     write to a regular file fail with EFBIG (what `ulimit -f 0` does);
 *   - a full disk: the temporary file's name is made a symlink to
 *     /dev/full, whose every write fails with ENOSPC, the errno of a full
 *     disk;
 *   - an unwritable home: $HOME below a regular file (ENOTDIR for everyone).
 * The limit and the signal are restored after each save, so the suite also
 * runs in one process (CK_FORK=no, as under valgrind). */
#include "config.h"

#include "app/progress.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/check_savefail.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The whole file, NUL-terminated (tests keep them small). */
static char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

/* Entries of dir other than "progress" and the dot entries. */
static int others(const char *d)
{
    DIR *dp = opendir(d);
    ck_assert_ptr_nonnull(dp);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "progress"))
            n++;
    closedir(dp);
    return n;
}

/* A first save that works: lesson "one" done, resume at "two" page 3. */
static Progress *saved_progress(char *old, size_t oldlen)
{
    char msg[512], path[300];
    Progress *p = progress_new();
    ck_assert_ptr_nonnull(p);
    progress_visit(p, "one", 4, PROGRESS_DONE);
    progress_set_current(p, "two", 3);
    progress_set_answer(p, "one", 2, "gather", true);
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_OK);
    snprintf(path, sizeof path, "%s/progress", dir);
    snprintf(old, oldlen, "%s", slurp(path));
    ck_assert_ptr_nonnull(strstr(old, "current two 3"));
    /* more work, which the failing save below must not lose nor half-write */
    progress_visit(p, "two", 5, PROGRESS_DONE);
    progress_set_current(p, "three", 0);
    progress_set_exercise(p, "two", 5, "passed 3/3");
    return p;
}

/* The previous file is intact, readable, and the only thing in dir. */
static void assert_old_kept(const char *old)
{
    char path[300], msg[512];
    snprintf(path, sizeof path, "%s/progress", dir);
    ck_assert_str_eq(slurp(path), old);
    ck_assert_int_eq(others(dir), 0);
    Progress *q = progress_new();
    ck_assert_int_eq(progress_load(q, dir, msg, sizeof msg), PROGRESS_OK);
    int page = -1;
    ck_assert_str_eq(progress_current(q, &page), "two");
    ck_assert_int_eq(page, 3);
    ck_assert_int_eq(progress_status(q, "one"), PROGRESS_DONE);
    progress_free(q);
}

START_TEST(test_write_error_keeps_old_file)
{
    char old[4096], msg[512], path[300];
    Progress *p = saved_progress(old, sizeof old);

    struct rlimit saved, zero;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &saved), 0);
    zero = saved;
    zero.rlim_cur = 0;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &zero), 0);
    ProgressResult r = progress_save(p, dir, msg, sizeof msg);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);

    ck_assert_int_eq(r, PROGRESS_IO_ERROR);
    snprintf(path, sizeof path, "%s/progress", dir);
    ck_assert_msg(strstr(msg, "cannot save progress") && strstr(msg, path) &&
                      strstr(msg, strerror(EFBIG)),
                  "message: %s", msg);
    assert_old_kept(old);

    /* Once writes work again, the next save stores everything. */
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_OK);
    ck_assert_ptr_nonnull(strstr(slurp(path), "current three 0"));
    ck_assert_ptr_nonnull(strstr(slurp(path), "exercise two 5 passed 3/3"));
    ck_assert_int_eq(others(dir), 0);
    progress_free(p);
}
END_TEST

START_TEST(test_full_disk_keeps_old_file)
{
    char old[4096], msg[512], path[300], tmp[300];
    Progress *p = saved_progress(old, sizeof old);
    if (access("/dev/full", W_OK) != 0)
        ck_abort_msg("/dev/full is missing: no way to make a full disk here");
    /* progress_save writes DIR/.progress.PID.tmp, then renames it. */
    snprintf(tmp, sizeof tmp, "%s/.progress.%ld.tmp", dir, (long)getpid());
    ck_assert_int_eq(symlink("/dev/full", tmp), 0);
    ProgressResult r = progress_save(p, dir, msg, sizeof msg);
    ck_assert_int_eq(r, PROGRESS_IO_ERROR);
    snprintf(path, sizeof path, "%s/progress", dir);
    ck_assert_msg(strstr(msg, "cannot save progress") && strstr(msg, path) &&
                      strstr(msg, "No space left on device"),
                  "message: %s", msg);
    /* the temporary name is cleaned up (here: the link), the old file kept */
    assert_old_kept(old);
    progress_free(p);
}
END_TEST

/* $HOME where nothing can be made: the default directory cannot be
 * created; the save says so, and the load is not an error to stop for. */
START_TEST(test_unwritable_home)
{
    char file[300], state[512], msg[512];
    snprintf(file, sizeof file, "%s/home-is-a-file", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a directory\n", f);
    fclose(f);
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", file, 1);
    ck_assert(progress_default_dir(state, sizeof state));

    Progress *p = progress_new();
    ProgressResult lr = progress_load(p, state, msg, sizeof msg);
    ck_assert_msg(lr == PROGRESS_MISSING || lr == PROGRESS_IO_ERROR, "load: %d", lr);
    ck_assert_ptr_null(progress_current(p, NULL));
    progress_set_current(p, "one", 1);
    ck_assert_int_eq(progress_save(p, state, msg, sizeof msg), PROGRESS_IO_ERROR);
    ck_assert_msg(strstr(msg, "cannot save progress") && strstr(msg, "Not a directory"),
                  "message: %s", msg);
    /* nothing was written anywhere, and the file standing for home is as it was */
    ck_assert_str_eq(slurp(file), "not a directory\n");
    progress_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("savefail");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_write_error_keeps_old_file);
    tcase_add_test(tc, test_full_disk_keeps_old_file);
    tcase_add_test(tc, test_unwritable_home);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
