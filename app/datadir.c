/* datadir: see datadir.h. */
#include "config.h"
#include "app/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory of the running executable, or "" when /proc is missing. */
static const char *exe_dir(void)
{
    static char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0) return "";
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    return dir;
}

/* Where the source tree keeps `sub`: themes live under assets/. */
static void in_srcdir(char *path, size_t size, const char *sub)
{
    snprintf(path, size, "%s/%s%s", AIOTUTOR_SRCDIR, strcmp(sub, "themes") == 0 ? "assets/" : "",
             sub);
}

const char *datadir_find(const char *sub)
{
    static char path[PATH_MAX + 64];
    const char *exe = exe_dir();

    /* The build tree: the binary is BUILDDIR/app/aiotutor. */
    if (*exe && strcmp(exe, AIOTUTOR_BUILDDIR "/app") == 0) {
        in_srcdir(path, sizeof path, sub);
        if (is_dir(path)) return path;
    }
    if (*exe) {
        char rel[PATH_MAX + 64];
        snprintf(rel, sizeof rel, "%s/../share/aiotutor/%s", exe, sub);
        /* Messages name the folder without "bin/..". */
        if (is_dir(rel) && realpath(rel, path)) return path;
    }
    snprintf(path, sizeof path, "%s/%s", AIOTUTOR_DATADIR, sub);
    if (is_dir(path)) return path;
    /* A build tree whose binary was moved or run through a wrapper. */
    in_srcdir(path, sizeof path, sub);
    return is_dir(path) ? path : NULL;
}
