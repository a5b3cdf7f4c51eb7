/* Check suite for app/progress: round trip, atomic write, a corrupt file
 * moved aside (never dropped), an unreadable or newer file never saved
 * over, an unwritable directory reported. */
#include "app/progress.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/check_progress.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm_rf(const char *d)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", d, d);
    ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
    rm_rf(dir);
}

static int count_entries(const char *d, const char *prefix)
{
    DIR *dp = opendir(d);
    int n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    if (dp) closedir(dp);
    return n;
}

START_TEST(test_round_trip)
{
    char sub[300], msg[512];
    snprintf(sub, sizeof sub, "%s/state/aiotutor", dir); /* created on save */
    Progress *p = progress_new();
    progress_set_current(p, "gather", 3);
    progress_visit(p, "waiting", 5, PROGRESS_DONE);
    progress_visit(p, "gather", 3, PROGRESS_IN_PROGRESS);
    progress_set_answer(p, "gather", 2, "2", true);
    progress_set_exercise(p, "gather", 4, "ran to the end, 1.00 s");
    ck_assert_int_eq(progress_save(p, sub, msg, sizeof msg), PROGRESS_OK);
    progress_free(p);

    Progress *q = progress_new();
    ck_assert_int_eq(progress_load(q, sub, msg, sizeof msg), PROGRESS_OK);
    int page;
    ck_assert_str_eq(progress_current(q, &page), "gather");
    ck_assert_int_eq(page, 3);
    ck_assert_int_eq(progress_status(q, "waiting"), PROGRESS_DONE);
    ck_assert_int_eq(progress_status(q, "gather"), PROGRESS_IN_PROGRESS);
    ck_assert_int_eq(progress_status(q, "never"), PROGRESS_NOT_STARTED);
    ck_assert_int_eq(progress_page(q, "waiting"), 5);
    bool ok = false;
    ck_assert_str_eq(progress_answer(q, "gather", 2, &ok), "2");
    ck_assert(ok);
    ck_assert_ptr_null(progress_answer(q, "gather", 1, &ok));
    ck_assert_str_eq(progress_exercise(q, "gather", 4), "ran to the end, 1.00 s");
    /* Status never goes backwards. */
    progress_visit(q, "waiting", 0, PROGRESS_IN_PROGRESS);
    ck_assert_int_eq(progress_status(q, "waiting"), PROGRESS_DONE);
    progress_free(q);
    /* No temporary file left behind. */
    ck_assert_int_eq(count_entries(sub, ".progress"), 0);
}
END_TEST

START_TEST(test_missing_is_not_an_error)
{
    char msg[512];
    Progress *p = progress_new();
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_MISSING);
    ck_assert_ptr_null(progress_current(p, NULL));
    progress_free(p);
}
END_TEST

/* Atomic: the new file replaces the old one whole, by rename; an old
 * reader's open file keeps the old contents. */
START_TEST(test_atomic_replace)
{
    char msg[512], path[300];
    snprintf(path, sizeof path, "%s/progress", dir);
    Progress *p = progress_new();
    progress_set_current(p, "one", 1);
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_OK);
    struct stat st1, st2;
    ck_assert_int_eq(stat(path, &st1), 0);
    FILE *old = fopen(path, "r");
    ck_assert_ptr_nonnull(old);
    progress_set_current(p, "two", 2);
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_OK);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert(st1.st_ino != st2.st_ino); /* a new file was renamed in */
    char line[100];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, old));
    ck_assert_ptr_nonnull(fgets(line, sizeof line, old));
    ck_assert_str_eq(line, "current one 1\n");
    fclose(old);
    ck_assert_int_eq(st2.st_mode & 0777, 0600);
    progress_free(p);
}
END_TEST

START_TEST(test_corrupt_moved_aside)
{
    char msg[512], path[300];
    snprintf(path, sizeof path, "%s/progress", dir);
    FILE *f = fopen(path, "w");
    fputs("aiotutor-progress 1\ncurrent gather 2\nlesson gather sideways 2\n", f);
    fclose(f);
    Progress *p = progress_new();
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_CORRUPT);
    ck_assert_ptr_nonnull(strstr(msg, "line 3"));
    ck_assert_ptr_nonnull(strstr(msg, "progress.corrupt-"));
    /* Nothing half-loaded. */
    ck_assert_ptr_null(progress_current(p, NULL));
    /* The bad file still exists, under another name. */
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(count_entries(dir, "progress.corrupt-"), 1);
    /* A file that is not ours at all. */
    f = fopen(path, "w");
    fputs("\x7f"
          "ELF garbage",
          f);
    fclose(f);
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_CORRUPT);
    /* An empty (truncated) file. */
    f = fopen(path, "w");
    fclose(f);
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_CORRUPT);
    progress_free(p);
}
END_TEST

/* Saves a record over dir's progress and says whether the file there is
 * still `want` (NULL: still not a regular file, e.g. a symlink loop). */
static void save_must_refuse(Progress *p, const char *path, const char *want)
{
    char msg[512];
    progress_set_current(p, "this-session", 0);
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
    ck_assert_msg(strstr(msg, "not saved") && strstr(msg, dir), "save said: %s", msg);
    struct stat st;
    ck_assert_int_eq(lstat(path, &st), 0);
    if (!want) {
        ck_assert(!S_ISREG(st.st_mode));
        return;
    }
    FILE *f = fopen(path, "r");
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    ck_assert_str_eq(buf, want);
}

/* A progress file that is there but cannot be read (the student once ran
 * the tutor with sudo, a symlink loop, a directory) is not a first run:
 * the next page turn used to save this session's empty progress over it. */
START_TEST(test_unreadable_never_overwritten)
{
    char msg[512], path[300];
    snprintf(path, sizeof path, "%s/progress", dir);
    Progress *p = progress_new();

    ck_assert_int_eq(symlink("progress", path), 0); /* ELOOP, for root too */
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
    ck_assert_msg(strstr(msg, path) && strstr(msg, "Too many levels of symbolic links") &&
                      strstr(msg, "will not be saved this session"),
                  "load said: %s", msg);
    save_must_refuse(p, path, NULL);
    ck_assert_int_eq(unlink(path), 0);

    ck_assert_int_eq(mkdir(path, 0700), 0); /* opens, but reads fail */
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
    ck_assert_msg(strstr(msg, "Is a directory"), "load said: %s", msg);
    save_must_refuse(p, path, NULL);
    ck_assert_int_eq(rmdir(path), 0);

    const char *real = "aiotutor-progress 1\ncurrent gather 3\nlesson gather started 3\n";
    FILE *f = fopen(path, "w");
    fputs(real, f);
    fclose(f);
    if (geteuid() != 0) { /* mode bits stop only other users */
        ck_assert_int_eq(chmod(path, 0), 0);
        ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
        ck_assert_msg(strstr(msg, "Permission denied"), "load said: %s", msg);
        progress_set_current(p, "this-session", 0);
        ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
        ck_assert_int_eq(chmod(path, 0600), 0);
        save_must_refuse(p, path, real);
    }
    /* Once the file reads again, it loads and saves as before. */
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_OK);
    ck_assert_str_eq(progress_current(p, NULL), "gather");
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_OK);
    progress_free(p);
}
END_TEST

/* A file from a newer aiotutor is not damaged: it is neither moved aside
 * nor overwritten, and the message says why. */
START_TEST(test_newer_version_left_alone)
{
    char msg[512], path[300];
    snprintf(path, sizeof path, "%s/progress", dir);
    const char *newer = "aiotutor-progress 2\ncurrent gather 3\nstreak 12 days\n";
    FILE *f = fopen(path, "w");
    fputs(newer, f);
    fclose(f);
    Progress *p = progress_new();
    ck_assert_int_eq(progress_load(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
    ck_assert_msg(strstr(msg, path) && strstr(msg, "newer aiotutor (format 2)") &&
                      strstr(msg, "will not be saved this session"),
                  "load said: %s", msg);
    ck_assert_ptr_null(progress_current(p, NULL));
    ck_assert_int_eq(count_entries(dir, "progress.corrupt-"), 0);
    save_must_refuse(p, path, newer);
    progress_free(p);
}
END_TEST

START_TEST(test_read_only_dir_reported)
{
    if (geteuid() == 0) {
        /* root writes through mode bits: use a path under a regular file,
         * which fails for everyone. */
        char file[300], sub[320], msg[512];
        snprintf(file, sizeof file, "%s/plainfile", dir);
        FILE *f = fopen(file, "w");
        fclose(f);
        snprintf(sub, sizeof sub, "%s/aiotutor", file);
        Progress *p = progress_new();
        progress_set_current(p, "x", 0);
        ck_assert_int_eq(progress_save(p, sub, msg, sizeof msg), PROGRESS_IO_ERROR);
        ck_assert_ptr_nonnull(strstr(msg, "cannot"));
        ck_assert_ptr_nonnull(strstr(msg, sub));
        progress_free(p);
        return;
    }
    char msg[512];
    ck_assert_int_eq(chmod(dir, 0500), 0);
    Progress *p = progress_new();
    progress_set_current(p, "x", 0);
    ck_assert_int_eq(progress_save(p, dir, msg, sizeof msg), PROGRESS_IO_ERROR);
    ck_assert_ptr_nonnull(strstr(msg, "Permission denied"));
    progress_free(p);
    chmod(dir, 0700);
}
END_TEST

START_TEST(test_default_dir)
{
    char buf[512];
    setenv("XDG_STATE_HOME", "/x/state", 1);
    ck_assert(progress_default_dir(buf, sizeof buf));
    ck_assert_str_eq(buf, "/x/state/aiotutor");
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/student", 1);
    ck_assert(progress_default_dir(buf, sizeof buf));
    ck_assert_str_eq(buf, "/home/student/.local/state/aiotutor");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    ck_assert(!progress_default_dir(buf, sizeof buf));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_missing_is_not_an_error);
    tcase_add_test(tc, test_atomic_replace);
    tcase_add_test(tc, test_corrupt_moved_aside);
    tcase_add_test(tc, test_unreadable_never_overwritten);
    tcase_add_test(tc, test_newer_version_left_alone);
    tcase_add_test(tc, test_read_only_dir_reported);
    tcase_add_test(tc, test_default_dir);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
