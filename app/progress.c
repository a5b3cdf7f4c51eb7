/* progress: the student's progress store (see progress.h).
 *
 * File format, one record a line:
 *   aiotutor-progress 1
 *   current ID PAGE
 *   lesson ID STATUS PAGE          (STATUS: started | done)
 *   answer ID PAGE OK TEXT...      (OK: 0 or 1; TEXT to the end of the line)
 *   exercise ID PAGE TEXT...
 */
#include "app/progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_MAGIC "aiotutor-progress 1"
#define ID_MAX         64
#define TEXT_MAX       200

typedef enum Kind { K_LESSON, K_ANSWER, K_EXERCISE } Kind;

typedef struct Rec {
    Kind kind;
    char id[ID_MAX];
    int page;
    int status; /* K_LESSON */
    bool ok;    /* K_ANSWER */
    char text[TEXT_MAX];
} Rec;

struct Progress {
    char current[ID_MAX];
    int current_page;
    Rec *recs;
    int n, cap;
    /* The last load found a file it could not read (unreadable, or from a
     * newer aiotutor): saving would replace the student's real progress
     * with this session's, so progress_save refuses. */
    bool hands_off;
};

Progress *progress_new(void)
{
    return calloc(1, sizeof(Progress));
}

void progress_free(Progress *p)
{
    if (!p) return;
    free(p->recs);
    free(p);
}

static void clear(Progress *p)
{
    p->current[0] = 0;
    p->current_page = 0;
    p->n = 0;
}

/* Copies a word, turning white space into '_' so a record stays one line. */
static void copy_word(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < cap; i++)
        dst[i] =
            (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r') ? '_' : src[i];
    dst[i] = 0;
}

static void copy_line(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < cap; i++)
        dst[i] = (src[i] == '\n' || src[i] == '\r') ? ' ' : src[i];
    dst[i] = 0;
}

static Rec *find(const Progress *p, Kind k, const char *id, int page)
{
    for (int i = 0; i < p->n; i++) {
        Rec *r = &p->recs[i];
        if (r->kind == k && strcmp(r->id, id) == 0 && (k == K_LESSON || r->page == page)) return r;
    }
    return NULL;
}

static Rec *get(Progress *p, Kind k, const char *id, int page)
{
    char w[ID_MAX];
    copy_word(w, sizeof w, id);
    Rec *r = find(p, k, w, page);
    if (r) return r;
    if (p->n == p->cap) {
        int nc = p->cap ? p->cap * 2 : 32;
        Rec *nr = realloc(p->recs, sizeof(Rec) * (size_t)nc);
        if (!nr) return NULL;
        p->recs = nr;
        p->cap = nc;
    }
    r = &p->recs[p->n++];
    memset(r, 0, sizeof *r);
    r->kind = k;
    memcpy(r->id, w, sizeof w);
    r->page = page;
    return r;
}

bool progress_default_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    if (xdg && xdg[0] == '/') return (size_t)snprintf(buf, len, "%s/aiotutor", xdg) < len;
    const char *home = getenv("HOME");
    if (home && home[0]) return (size_t)snprintf(buf, len, "%s/.local/state/aiotutor", home) < len;
    return false;
}

const char *progress_current(const Progress *p, int *page)
{
    if (page) *page = p->current_page;
    return p->current[0] ? p->current : NULL;
}

void progress_set_current(Progress *p, const char *lesson_id, int page)
{
    copy_word(p->current, sizeof p->current, lesson_id);
    p->current_page = page;
}

ProgressStatus progress_status(const Progress *p, const char *lesson_id)
{
    char w[ID_MAX];
    copy_word(w, sizeof w, lesson_id);
    Rec *r = find(p, K_LESSON, w, 0);
    return r ? (ProgressStatus)r->status : PROGRESS_NOT_STARTED;
}

int progress_page(const Progress *p, const char *lesson_id)
{
    char w[ID_MAX];
    copy_word(w, sizeof w, lesson_id);
    Rec *r = find(p, K_LESSON, w, 0);
    return r ? r->page : 0;
}

void progress_visit(Progress *p, const char *lesson_id, int page, ProgressStatus st)
{
    Rec *r = get(p, K_LESSON, lesson_id, 0);
    if (!r) return;
    if ((int)st > r->status) r->status = st;
    if (page > r->page) r->page = page;
}

const char *progress_answer(const Progress *p, const char *lesson_id, int page, bool *correct)
{
    char w[ID_MAX];
    copy_word(w, sizeof w, lesson_id);
    Rec *r = find(p, K_ANSWER, w, page);
    if (!r) return NULL;
    if (correct) *correct = r->ok;
    return r->text;
}

void progress_set_answer(Progress *p, const char *lesson_id, int page, const char *answer,
                         bool correct)
{
    Rec *r = get(p, K_ANSWER, lesson_id, page);
    if (!r) return;
    r->ok = correct;
    copy_line(r->text, sizeof r->text, answer);
}

const char *progress_exercise(const Progress *p, const char *lesson_id, int page)
{
    char w[ID_MAX];
    copy_word(w, sizeof w, lesson_id);
    Rec *r = find(p, K_EXERCISE, w, page);
    return r ? r->text : NULL;
}

void progress_set_exercise(Progress *p, const char *lesson_id, int page, const char *result)
{
    Rec *r = get(p, K_EXERCISE, lesson_id, page);
    if (r) copy_line(r->text, sizeof r->text, result);
}

/* Parses one line; false if it is not a valid record. */
static bool parse_line(Progress *p, char *line)
{
    char kind[16], id[ID_MAX + 1];
    int page, n = 0;
    if (line[0] == 0 || line[0] == '#') return true;
    if (sscanf(line, "%15s %64s", kind, id) != 2 || strlen(id) >= ID_MAX) return false;
    if (strcmp(kind, "lesson") != 0) {
        if (sscanf(line, "%15s %64s %d%n", kind, id, &page, &n) != 3 || page < 0) return false;
    }
    char *rest = line + n;
    if (strcmp(kind, "current") == 0) {
        if (*rest) return false;
        progress_set_current(p, id, page);
        return true;
    }
    if (strcmp(kind, "lesson") == 0) {
        /* lesson ID STATUS PAGE: the page comes after the status word, so
         * re-scan. */
        char st[16];
        if (sscanf(line, "%15s %64s %15s %d%n", kind, id, st, &page, &n) != 4 || line[n] ||
            page < 0)
            return false;
        int s = strcmp(st, "started") == 0 ? PROGRESS_IN_PROGRESS
                : strcmp(st, "done") == 0  ? PROGRESS_DONE
                                           : -1;
        if (s < 0) return false;
        progress_visit(p, id, page, (ProgressStatus)s);
        return true;
    }
    if (strcmp(kind, "answer") == 0) {
        int ok;
        if (sscanf(rest, " %d%n", &ok, &n) != 1 || (ok != 0 && ok != 1) ||
            (rest[n] && rest[n] != ' '))
            return false;
        progress_set_answer(p, id, page, rest[n] ? rest + n + 1 : "", ok == 1);
        return true;
    }
    if (strcmp(kind, "exercise") == 0) {
        progress_set_exercise(p, id, page, *rest == ' ' ? rest + 1 : rest);
        return true;
    }
    return false;
}

ProgressResult progress_load(Progress *p, const char *dir, char *msg, size_t msglen)
{
    char path[4096];
    msg[0] = 0;
    clear(p);
    snprintf(path, sizeof path, "%s/progress", dir);
    p->hands_off = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR) return PROGRESS_MISSING; /* nothing there */
        p->hands_off = true;
        /* The reason and what follows first: a status line may cut the path. */
        snprintf(msg, msglen,
                 "cannot read progress (%s), so it will not be saved this session: %s",
                 strerror(errno), path);
        return PROGRESS_IO_ERROR;
    }
    char line[512];
    int lineno = 0;
    bool bad = false;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strlen(line);
        if (l == sizeof line - 1 && line[l - 1] != '\n') {
            bad = true;
            break;
        }
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = 0;
        if (lineno == 1) {
            int version, n = 0;
            if (sscanf(line, "aiotutor-progress %d%n", &version, &n) == 1 && !line[n] &&
                version > 1) {
                /* Not damaged: a later aiotutor's format, which this one
                 * must neither move aside nor overwrite. */
                fclose(f);
                p->hands_off = true;
                snprintf(msg, msglen,
                         "progress is from a newer aiotutor (format %d), so it will not be saved "
                         "this session: %s",
                         version, path);
                return PROGRESS_IO_ERROR;
            }
            if (strcmp(line, PROGRESS_MAGIC) != 0) {
                bad = true;
                break;
            }
            continue;
        }
        if (!parse_line(p, line)) {
            bad = true;
            break;
        }
    }
    int read_err = ferror(f) ? errno : 0;
    fclose(f);
    if (read_err) {
        clear(p);
        p->hands_off = true;
        snprintf(msg, msglen,
                 "cannot read progress (%s), so it will not be saved this session: %s",
                 strerror(read_err), path);
        return PROGRESS_IO_ERROR;
    }
    if (lineno == 0) bad = true; /* an empty file is a truncated one */
    if (!bad) return PROGRESS_OK;
    clear(p);
    char aside[4200], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(aside, sizeof aside, "%s.corrupt-%s", path, stamp);
    if (rename(path, aside) != 0) {
        snprintf(msg, msglen,
                 "progress file %s is damaged (line %d) and could not be moved aside: %s", path,
                 lineno, strerror(errno));
        return PROGRESS_CORRUPT;
    }
    snprintf(msg, msglen, "progress file was damaged (line %d); kept it as %s and started afresh",
             lineno, aside);
    return PROGRESS_CORRUPT;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *s = tmp + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
            *s = '/';
        }
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) return -1;
    return 0;
}

static const char *status_word(int s)
{
    return s == PROGRESS_DONE ? "done" : "started";
}

ProgressResult progress_save(const Progress *p, const char *dir, char *msg, size_t msglen)
{
    char path[4096], tmp[4200];
    msg[0] = 0;
    if (p->hands_off) {
        snprintf(msg, msglen,
                 "progress not saved: %s/progress could not be read, and saving would replace it",
                 dir);
        return PROGRESS_IO_ERROR;
    }
    if (make_dirs(dir) != 0) {
        snprintf(msg, msglen, "cannot save progress: cannot create %s: %s", dir, strerror(errno));
        return PROGRESS_IO_ERROR;
    }
    snprintf(path, sizeof path, "%s/progress", dir);
    snprintf(tmp, sizeof tmp, "%s/.progress.%ld.tmp", dir, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        snprintf(msg, msglen, "cannot save progress in %s: %s", dir, strerror(errno));
        return PROGRESS_IO_ERROR;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        snprintf(msg, msglen, "cannot save progress: %s", strerror(errno));
        return PROGRESS_IO_ERROR;
    }
    fprintf(f, "%s\n", PROGRESS_MAGIC);
    if (p->current[0]) fprintf(f, "current %s %d\n", p->current, p->current_page);
    for (int i = 0; i < p->n; i++) {
        const Rec *r = &p->recs[i];
        switch (r->kind) {
        case K_LESSON:
            if (r->status != PROGRESS_NOT_STARTED)
                fprintf(f, "lesson %s %s %d\n", r->id, status_word(r->status), r->page);
            break;
        case K_ANSWER:
            fprintf(f, "answer %s %d %d %s\n", r->id, r->page, r->ok ? 1 : 0, r->text);
            break;
        case K_EXERCISE: fprintf(f, "exercise %s %d %s\n", r->id, r->page, r->text); break;
        }
    }
    int err = 0;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) err = errno;
    if (fclose(f) != 0 && !err) err = errno;
    if (!err && rename(tmp, path) != 0) err = errno;
    if (err) {
        unlink(tmp);
        snprintf(msg, msglen, "cannot save progress to %s: %s", path, strerror(err));
        return PROGRESS_IO_ERROR;
    }
    /* The rename is durable only once the directory is on disk too. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return PROGRESS_OK;
}
