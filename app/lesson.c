/* lesson: loads lesson folders into the plain-C course model of lesson.h.
 *
 * This is the one file of app/ (with the VM's trace writer) that includes
 * cJSON. cJSON keeps no source positions, so the loader scans the same text a
 * second time, in step with the parsed tree, and records where each value
 * (and each object member's key) starts; schema errors then point at the
 * offending key or object. For syntax errors, cJSON's error pointer is
 * refined by a small strict scanner that also says what is wrong.
 *
 * Every problem becomes a diagnostic; nothing is printed. A lesson with an
 * error is freed and left out; checking goes on so that one run reports as
 * many problems as it can find.
 */
#include "config.h"
#include "app/lesson.h"
#include "app/datadir.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ name tables */

const char *const lesson_check_type_names[LESSON_CHECK_TYPE_COUNT] = {
#define X(name, str) [LESSON_CHECK_##name] = str,
    LESSON_CHECK_TYPES(X)
#undef X
};

const char *const lesson_check_op_names[LESSON_OP_COUNT] = {
#define X(name, str, type) [LESSON_OP_##name] = str,
    LESSON_CHECK_OPS(X)
#undef X
};

static const LessonCheckType op_types[LESSON_OP_COUNT] = {
#define X(name, str, type) [LESSON_OP_##name] = LESSON_CHECK_##type,
    LESSON_CHECK_OPS(X)
#undef X
};

const char *const lesson_construct_names[LESSON_CONSTRUCT_COUNT] = {
#define X(name, str, desc) [LESSON_CONSTRUCT_##name] = str,
    LESSON_CONSTRUCTS(X)
#undef X
};

const char *const lesson_construct_descriptions[LESSON_CONSTRUCT_COUNT] = {
#define X(name, str, desc) [LESSON_CONSTRUCT_##name] = desc,
    LESSON_CONSTRUCTS(X)
#undef X
};

const char *const lesson_page_kind_names[LESSON_PAGE_KIND_COUNT] = {
#define X(name, str) [LESSON_PAGE_##name] = str,
    LESSON_PAGE_KINDS(X)
#undef X
};

/* ----------------------------------------------------------------- memory */

/* The model is small and lives as long as the tutor runs; running out of
 * memory while loading a few kilobytes of JSON is not recoverable. */
static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("aiotutor: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("aiotutor: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fputs("aiotutor: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    if (n > 0 && dir[n - 1] == '/') return xprintf("%s%s", dir, name);
    return xprintf("%s/%s", dir, name);
}

/* The largest lesson file read: a lesson's prose, programs and JSON are
 * a few KiB; a file past this is a mistake (a log or a data set named by
 * accident) that would otherwise be read whole into memory. */
#define LESSON_FILE_MAX (16u << 20)

/* Reads a whole regular file; NULL with errno set when it cannot: EISDIR,
 * EINVAL for anything else that is not a regular file (a FIFO would block
 * the tutor forever), EFBIG past LESSON_FILE_MAX. read_error says it in
 * words. */
static char *read_file(const char *path)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!S_ISREG(st.st_mode))
        err = EINVAL;
    else if (st.st_size > (off_t)LESSON_FILE_MAX)
        err = EFBIG;
    if (err) {
        close(fd);
        errno = err;
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len + 1 == cap) {
            if (len >= LESSON_FILE_MAX) { /* it grew while read */
                err = EFBIG;
                break;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - len - 1);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) err = errno;
        if (got <= 0) break;
        len += (size_t)got;
    }
    close(fd);
    if (err) {
        free(buf);
        errno = err;
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

/* Why read_file failed, in words for an instructor. */
static const char *read_error(int err)
{
    switch (err) {
    case EINVAL: return "not a regular file";
    case EFBIG: return "larger than 16 MiB, the most a lesson file may hold";
    default: return strerror(err);
    }
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ----------------------------------------------------------- diagnostics */

void lesson_diags_fini(LessonDiags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    d->items = NULL;
    d->count = d->cap = 0;
}

static void diags_vadd(LessonDiags *d, LessonSeverity sev, const char *file, int line, int col,
                       const char *fmt, va_list ap)
{
    if (d->count == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 8;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *msg = xmalloc((size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    d->items[d->count++] = (LessonDiag){sev, xstrdup(file), line, col, msg};
}

void lesson_diags_add(LessonDiags *d, LessonSeverity sev, const char *file, int line, int col,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(d, sev, file, line, col, fmt, ap);
    va_end(ap);
}

size_t lesson_diags_errors(const LessonDiags *d)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        n += d->items[i].severity == LESSON_ERROR;
    return n;
}

/* ------------------------------------------------------- source positions */

/* Where each JSON value starts, and for object members where the key does.
 * Offsets are bytes into the text; -1 = unknown. */
typedef struct Pos {
    const cJSON *node;
    long key_off, val_off;
} Pos;

typedef struct PosIndex {
    const char *text;
    Pos *v;
    size_t n, cap;
} PosIndex;

static void pos_put(PosIndex *ix, const cJSON *node, long key_off, long val_off)
{
    if (ix->n == ix->cap) {
        ix->cap = ix->cap ? 2 * ix->cap : 64;
        ix->v = xrealloc(ix->v, ix->cap * sizeof *ix->v);
    }
    ix->v[ix->n++] = (Pos){node, key_off, val_off};
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *skip_string(const char *p)
{
    /* p at the opening quote; returns past the closing one */
    p++;
    while (*p && *p != '"') {
        if (*p == '\\' && p[1]) p++;
        p++;
    }
    return *p ? p + 1 : p;
}

/* Walks the text in step with `node` (which cJSON parsed from it). */
static const char *pos_scan(PosIndex *ix, const char *p, const cJSON *node, long key_off)
{
    p = skip_ws(p);
    pos_put(ix, node, key_off, p - ix->text);
    if (cJSON_IsObject(node)) {
        p = skip_ws(p + 1); /* '{' */
        for (const cJSON *c = node->child; c; c = c->next) {
            p = skip_ws(p);
            long k = p - ix->text;
            p = skip_ws(skip_string(p));
            if (*p == ':') p++;
            p = skip_ws(pos_scan(ix, p, c, k));
            if (*p == ',') p++;
        }
        p = skip_ws(p);
        return *p == '}' ? p + 1 : p;
    }
    if (cJSON_IsArray(node)) {
        p = skip_ws(p + 1); /* '[' */
        for (const cJSON *c = node->child; c; c = c->next) {
            p = skip_ws(pos_scan(ix, p, c, -1));
            if (*p == ',') p++;
        }
        p = skip_ws(p);
        return *p == ']' ? p + 1 : p;
    }
    if (cJSON_IsString(node)) return skip_string(p);
    while (*p && !strchr(",]} \t\r\n", *p))
        p++;
    return p;
}

static const Pos *pos_find(const PosIndex *ix, const cJSON *node)
{
    for (size_t i = 0; i < ix->n; i++)
        if (ix->v[i].node == node) return &ix->v[i];
    return NULL;
}

/* Line and column (1-based; columns count characters, not UTF-8 bytes). */
static void offset_to_linecol(const char *text, long off, int *line, int *col)
{
    int l = 1, c = 1;
    for (long i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* ------------------------------------------------- JSON syntax messages */

/* A strict JSON scanner used only when cJSON has failed: it finds the first
 * error and says in words what is wrong. Returns false with *err_at and
 * *msg set at the first error. */
typedef struct Syn {
    const char *text, *at;
    const char *msg;
} Syn;

static bool syn_value(Syn *s, const char *p, const char **out, int depth);

static bool syn_fail(Syn *s, const char *at, const char *msg)
{
    s->at = at;
    s->msg = msg;
    return false;
}

static bool syn_string(Syn *s, const char *p, const char **out)
{
    if (*p != '"') {
        if (*p == '\'')
            return syn_fail(s, p,
                            "JSON strings and keys use double quotes (\"), not single quotes");
        if (isalpha((unsigned char)*p) || *p == '_')
            return syn_fail(s, p, "a key must be in double quotes, like \"title\"");
        return syn_fail(s, p, "expected a key in double quotes");
    }
    const char *q = p + 1;
    while (*q && *q != '"') {
        if (*q == '\\') {
            q++;
            if (!*q || !strchr("\"\\/bfnrtu", *q))
                return syn_fail(s, q - 1,
                                "unknown escape in a string: write \\\\ for a backslash, \\n for a "
                                "new line, \\\" for a quote");
        }
        q++;
    }
    if (!*q) return syn_fail(s, p, "this string is never closed: add the closing \"");
    *out = q + 1;
    return true;
}

static bool syn_value(Syn *s, const char *p, const char **out, int depth)
{
    p = skip_ws(p);
    if (depth > 200) return syn_fail(s, p, "the JSON is nested too deeply");
    if (*p == '\0')
        return syn_fail(s, p,
                        "the file ends in the middle of the JSON: a closing '}', ']' or '\"' is "
                        "missing");
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        bool obj = *p == '{';
        const char *open = p;
        p = skip_ws(p + 1);
        if (*p == close) {
            *out = p + 1;
            return true;
        }
        for (;;) {
            p = skip_ws(p);
            if (*p == '\0')
                return syn_fail(s, open,
                                obj ? "this '{' is never closed: add the matching '}'"
                                    : "this '[' is never closed: add the matching ']'");
            if (*p == close)
                return syn_fail(s, p,
                                "a ',' before this closing bracket: JSON does not allow a "
                                "trailing comma, remove it");
            if (obj) {
                if (!syn_string(s, p, &p)) return false;
                p = skip_ws(p);
                if (*p != ':') return syn_fail(s, p, "expected ':' after the key");
                p++;
            }
            if (!syn_value(s, p, &p, depth + 1)) return false;
            p = skip_ws(p);
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p == close) {
                *out = p + 1;
                return true;
            }
            if (*p == '\0')
                return syn_fail(s, open,
                                obj ? "this '{' is never closed: add the matching '}'"
                                    : "this '[' is never closed: add the matching ']'");
            if (*p == '}' || *p == ']')
                return syn_fail(s, open,
                                obj ? "this '{' is never closed: add the matching '}' before the "
                                      "']' that follows"
                                    : "this '[' is never closed: add the matching ']' before the "
                                      "'}' that follows");
            if (*p == '"' || *p == '{' || *p == '[' || isalnum((unsigned char)*p))
                return syn_fail(s, p, "a ',' is missing before this item");
            return syn_fail(s, p,
                            obj ? "expected ',' or '}' after this member"
                                : "expected ',' or ']' after this item");
        }
    }
    if (*p == '"' || *p == '\'') return syn_string(s, p, out);
    if (*p == '-' || isdigit((unsigned char)*p)) {
        const char *q = p;
        if (*q == '-') q++;
        if (!isdigit((unsigned char)*q))
            return syn_fail(s, p, "a number must have digits, like 1 or -0.5");
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == '.') {
            q++;
            if (!isdigit((unsigned char)*q))
                return syn_fail(s, p, "a number needs a digit after the '.', like 1.0");
            while (isdigit((unsigned char)*q))
                q++;
        }
        if (*q == 'e' || *q == 'E') {
            q++;
            if (*q == '+' || *q == '-') q++;
            while (isdigit((unsigned char)*q))
                q++;
        }
        *out = q;
        return true;
    }
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (strncmp(p, words[i], n) == 0 && !isalnum((unsigned char)p[n])) {
            *out = p + n;
            return true;
        }
    }
    if (strncmp(p, "True", 4) == 0 || strncmp(p, "False", 5) == 0 || strncmp(p, "None", 4) == 0)
        return syn_fail(s, p,
                        "JSON writes true, false and null in lower case (this is not Python)");
    return syn_fail(s, p,
                    "expected a value here: a \"string\", a number, true, false, null, an object "
                    "{...} or a list [...]");
}

/* Finds the first syntax error of `text`; `cjson_at` is cJSON's error
 * pointer, used when the scanner finds nothing (cJSON is laxer in places). */
static void syntax_error(const char *text, const char *cjson_at, long *off, const char **msg)
{
    Syn s = {text, NULL, NULL};
    const char *p = text;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    const char *end;
    if (!syn_value(&s, p, &end, 0)) {
        *off = s.at - text;
        *msg = s.msg;
        return;
    }
    end = skip_ws(end);
    if (*end) {
        *off = end - text;
        *msg = "text after the end of the JSON object: remove it, or the '}' that closes the "
               "object too early";
        return;
    }
    *off = cjson_at ? cjson_at - text : 0;
    *msg = "the JSON is not valid here";
}

/* ----------------------------------------------------- the loading context */

typedef struct Ctx {
    const char *dir;  /* the lesson folder */
    const char *name; /* its base name, for messages */
    char *file;       /* lesson.json's path */
    const char *text;
    PosIndex ix;
    LessonDiags *diags;
    size_t errors; /* errors added for this lesson */
} Ctx;

static void at_off(const Ctx *cx, long off, int *line, int *col)
{
    if (off < 0) {
        *line = *col = 0;
        return;
    }
    offset_to_linecol(cx->text, off, line, col);
}

/* Position of a node: its key when it is an object member, else its value. */
static void node_pos(const Ctx *cx, const cJSON *node, int *line, int *col)
{
    const Pos *p = node ? pos_find(&cx->ix, node) : NULL;
    if (!p) {
        *line = *col = 0;
        return;
    }
    at_off(cx, p->key_off >= 0 ? p->key_off : p->val_off, line, col);
}

/* Position of a node's value (for "the file named here does not exist"). */
static void value_pos(const Ctx *cx, const cJSON *node, int *line, int *col)
{
    const Pos *p = node ? pos_find(&cx->ix, node) : NULL;
    if (!p) {
        *line = *col = 0;
        return;
    }
    at_off(cx, p->val_off, line, col);
}

static void err_at(Ctx *cx, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err_at(Ctx *cx, const cJSON *node, const char *fmt, ...)
{
    int line, col;
    node_pos(cx, node, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(cx->diags, LESSON_ERROR, cx->file, line, col, fmt, ap);
    va_end(ap);
    cx->errors++;
}

static void err_at_value(Ctx *cx, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err_at_value(Ctx *cx, const cJSON *node, const char *fmt, ...)
{
    int line, col;
    value_pos(cx, node, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(cx->diags, LESSON_ERROR, cx->file, line, col, fmt, ap);
    va_end(ap);
    cx->errors++;
}

static void warn_at(Ctx *cx, const cJSON *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn_at(Ctx *cx, const cJSON *node, const char *fmt, ...)
{
    int line, col;
    node_pos(cx, node, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(cx->diags, LESSON_WARNING, cx->file, line, col, fmt, ap);
    va_end(ap);
}

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "true/false";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "a list";
    if (cJSON_IsObject(v)) return "an object";
    return "something else";
}

/* Edit distance, for "did you mean". */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

static const char *closest(const char *word, const char *const *list)
{
    const char *best = NULL;
    size_t bd = 3; /* at most 2 edits away */
    for (size_t i = 0; list[i]; i++) {
        size_t d = edit_distance(word, list[i]);
        if (d < bd) {
            bd = d;
            best = list[i];
        }
    }
    return best;
}

/* Warns about keys of `obj` not in `known` (NULL-terminated) and duplicates. */
static void check_keys(Ctx *cx, const cJSON *obj, const char *what, const char *const *known)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool ok = false;
        for (size_t i = 0; known[i]; i++)
            if (strcmp(c->string, known[i]) == 0) ok = true;
        if (!ok) {
            const char *sugg = closest(c->string, known);
            if (sugg)
                warn_at(cx, c, "unknown key \"%s\" in %s: did you mean \"%s\"?", c->string, what,
                        sugg);
            else
                warn_at(cx, c, "unknown key \"%s\" in %s: it is ignored (remove it)", c->string,
                        what);
        }
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0) {
                err_at(cx, c, "\"%s\" appears twice in %s: keep one", c->string, what);
                break;
            }
    }
}

/* Field getters: `what` names the enclosing object in messages ("page 3"). */

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static char *get_string(Ctx *cx, const cJSON *obj, const char *key, bool required, const char *what,
                        const char *example)
{
    const cJSON *v = get(obj, key);
    if (!v) {
        if (required) err_at(cx, obj, "%s has no \"%s\": add \"%s\": %s", what, key, key, example);
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        err_at(cx, v, "\"%s\" in %s must be a string in double quotes, not %s", key, what,
               json_type_name(v));
        return NULL;
    }
    if (required && v->valuestring[0] == '\0') {
        err_at(cx, v, "\"%s\" in %s is empty: write it", key, what);
        return NULL;
    }
    return xstrdup(v->valuestring);
}

/* Reads a number of seconds into ns; returns false (with an error when the
 * value is there but wrong) when absent or bad. */
static bool get_seconds(Ctx *cx, const cJSON *obj, const char *key, bool required, const char *what,
                        int64_t *out)
{
    const cJSON *v = get(obj, key);
    if (!v) {
        if (required)
            err_at(cx, obj, "%s has no \"%s\": add \"%s\": 1.5 (seconds of virtual time)", what,
                   key, key);
        return false;
    }
    if (!cJSON_IsNumber(v)) {
        err_at(cx, v, "\"%s\" in %s must be a number of seconds like 1.5, not %s", key, what,
               json_type_name(v));
        return false;
    }
    if (v->valuedouble < 0 || v->valuedouble > 1e6 || isnan(v->valuedouble)) {
        err_at(cx, v, "\"%s\" in %s must be between 0 and 1000000 seconds", key, what);
        return false;
    }
    *out = (int64_t)llround(v->valuedouble * 1e9);
    return true;
}

static bool get_int(Ctx *cx, const cJSON *obj, const char *key, bool required, const char *what,
                    long lo, long hi, long *out)
{
    const cJSON *v = get(obj, key);
    if (!v) {
        if (required) err_at(cx, obj, "%s has no \"%s\": add \"%s\": %ld", what, key, key, lo);
        return false;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
        err_at(cx, v, "\"%s\" in %s must be a whole number, not %s", key, what,
               cJSON_IsNumber(v) ? "a fraction" : json_type_name(v));
        return false;
    }
    if (v->valuedouble < (double)lo || v->valuedouble > (double)hi) {
        err_at(cx, v, "\"%s\" in %s must be between %ld and %ld", key, what, lo, hi);
        return false;
    }
    *out = (long)v->valuedouble;
    return true;
}

static bool get_bool(Ctx *cx, const cJSON *obj, const char *key, const char *what, bool dflt)
{
    const cJSON *v = get(obj, key);
    if (!v) return dflt;
    if (!cJSON_IsBool(v)) {
        err_at(cx, v, "\"%s\" in %s must be true or false, not %s", key, what, json_type_name(v));
        return dflt;
    }
    return cJSON_IsTrue(v);
}

/* A list of non-empty strings. */
static char **get_strings(Ctx *cx, const cJSON *obj, const char *key, bool required,
                          const char *what, size_t *n)
{
    *n = 0;
    const cJSON *v = get(obj, key);
    if (!v) {
        if (required)
            err_at(cx, obj, "%s has no \"%s\": add \"%s\": [\"...\", \"...\"]", what, key, key);
        return NULL;
    }
    if (!cJSON_IsArray(v)) {
        err_at(cx, v, "\"%s\" in %s must be a list of strings [\"...\"], not %s", key, what,
               json_type_name(v));
        return NULL;
    }
    size_t count = (size_t)cJSON_GetArraySize(v);
    if (count == 0 && required) {
        err_at(cx, v, "\"%s\" in %s is an empty list: give at least one", key, what);
        return NULL;
    }
    char **out = xcalloc(count, sizeof *out);
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (!cJSON_IsString(c)) {
            err_at(cx, c, "item %zu of \"%s\" in %s must be a string, not %s", i + 1, key, what,
                   json_type_name(c));
            out[i++] = xstrdup("");
        } else {
            out[i++] = xstrdup(c->valuestring);
        }
    }
    *n = i;
    return out;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A file name in the lesson folder: no directories, no "..". */
static bool file_name_ok(Ctx *cx, const cJSON *v, const char *name, const char *ext)
{
    if (name[0] == '\0' || strchr(name, '/') || strcmp(name, "..") == 0 || name[0] == '.') {
        err_at_value(cx, v,
                     "\"%s\" is not a file name in the lesson folder: write just the name, "
                     "like \"demo%s\"",
                     name, ext);
        return false;
    }
    size_t n = strlen(name), e = strlen(ext);
    if (n <= e || strcmp(name + n - e, ext) != 0) {
        err_at_value(cx, v, "\"%s\" should be a %s file: rename it to end in %s", name, ext, ext);
        return false;
    }
    return true;
}

/* Reads a .md or .py file named by obj[key] into *text (and its name). */
static bool get_file(Ctx *cx, const cJSON *obj, const char *key, bool required, const char *what,
                     const char *ext, char **name_out, char **path_out, char **text_out, int *line,
                     int *col)
{
    const cJSON *v = get(obj, key);
    if (!v) {
        if (required)
            err_at(cx, obj, "%s has no \"%s\": add \"%s\": \"%s%s\" and create that file", what,
                   key, key, strcmp(ext, ".py") == 0 ? "demo" : "intro", ext);
        return false;
    }
    if (!cJSON_IsString(v)) {
        err_at(cx, v, "\"%s\" in %s must be a file name in double quotes, like \"demo%s\", not %s",
               key, what, ext, json_type_name(v));
        return false;
    }
    if (!file_name_ok(cx, v, v->valuestring, ext)) return false;
    char *path = path_join(cx->dir, v->valuestring);
    char *text = read_file(path);
    if (!text) {
        if (errno == ENOENT || errno == ENOTDIR)
            err_at_value(cx, v,
                         "%s: no such file in the lesson folder %s: create it or fix the name",
                         v->valuestring, cx->name);
        else
            err_at_value(cx, v, "%s: cannot read it (%s)", v->valuestring, read_error(errno));
        free(path);
        return false;
    }
    if (line) value_pos(cx, v, line, col);
    if (name_out) *name_out = xstrdup(v->valuestring);
    if (path_out)
        *path_out = path;
    else
        free(path);
    *text_out = text;
    return true;
}

static bool get_code(Ctx *cx, const cJSON *obj, const char *key, bool required, const char *what,
                     LessonCode *code)
{
    return get_file(cx, obj, key, required, what, ".py", &code->file, &code->path, &code->source,
                    &code->line, &code->col);
}

static void code_fini(LessonCode *c)
{
    free(c->file);
    free(c->path);
    free(c->source);
}

/* ------------------------------------------------------------------ checks */

static const char *const check_keys_known[] = {"type",      "op",     "expected",  "seconds",
                                               "tolerance", "tasks",  "construct", "message",
                                               "points",    "hidden", "robust",    NULL};

static void parse_check(Ctx *cx, const cJSON *o, const char *ex_what, size_t idx, LessonCheck *ck)
{
    char what[160];
    snprintf(what, sizeof what, "check %zu of %s", idx + 1, ex_what);
    int line, col;
    node_pos(cx, o, &line, &col);
    ck->line = line;
    ck->col = col;
    ck->points = 1;
    ck->tolerance_ns = 50000000; /* 0.05 s */
    if (!cJSON_IsObject(o)) {
        err_at(cx, o, "%s must be an object {\"type\": ..., \"message\": ...}, not %s", what,
               json_type_name(o));
        return;
    }
    check_keys(cx, o, what, check_keys_known);

    char *type = get_string(cx, o, "type", true, what, "\"output\"");
    if (!type) return;
    int t = -1;
    for (int i = 0; i < LESSON_CHECK_TYPE_COUNT; i++)
        if (strcmp(type, lesson_check_type_names[i]) == 0) t = i;
    if (t < 0) {
        const char *const types[] = {"output",       "time",       "concurrency", "structure",
                                     "no_exception", "no_warning", NULL};
        const char *s = closest(type, types);
        err_at_value(cx, get(o, "type"),
                     "unknown check type \"%s\"%s%s%s: use output, time, concurrency, structure, "
                     "no_exception or no_warning",
                     type, s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        free(type);
        return;
    }
    free(type);
    ck->type = (LessonCheckType)t;

    if (ck->type != LESSON_CHECK_NO_EXCEPTION && ck->type != LESSON_CHECK_NO_WARNING) {
        char *op = get_string(cx, o, "op", false, what, "");
        const cJSON *opv = get(o, "op");
        if (!opv) {
            static const char *const ex[] = {
                [LESSON_CHECK_OUTPUT] = "\"exact\" (or contains, regex, lines_any_order)",
                [LESSON_CHECK_TIME] = "\"at_most\" (or at_least, about)",
                [LESSON_CHECK_CONCURRENCY] = "\"min_waiting\" (or longest_not_sum)",
                [LESSON_CHECK_STRUCTURE] = "\"uses\" (or avoids)",
            };
            err_at(cx, o, "%s has no \"op\": add \"op\": %s", what, ex[ck->type]);
            return;
        }
        if (!op) return;
        int found = -1;
        for (int i = 1; i < LESSON_OP_COUNT; i++)
            if (strcmp(op, lesson_check_op_names[i]) == 0 && op_types[i] == ck->type) found = i;
        if (found < 0) {
            char list[160] = "";
            for (int i = 1; i < LESSON_OP_COUNT; i++)
                if (op_types[i] == ck->type) {
                    if (list[0]) strcat(list, ", ");
                    strcat(list, lesson_check_op_names[i]);
                }
            err_at_value(cx, opv, "\"%s\" is not an op of a %s check: use one of %s", op,
                         lesson_check_type_names[ck->type], list);
            free(op);
            return;
        }
        free(op);
        ck->op = (LessonCheckOp)found;
    }

    switch (ck->type) {
    case LESSON_CHECK_OUTPUT:
        ck->expected = get_string(cx, o, "expected", false, what, "");
        if (!get(o, "expected")) {
            err_at(cx, o, "%s has no \"expected\": add \"expected\": \"the text\\n\"", what);
        } else if (ck->expected && ck->op == LESSON_OP_REGEX) {
            regex_t re;
            int rc = regcomp(&re, ck->expected, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
            if (rc != 0) {
                char buf[128];
                regerror(rc, &re, buf, sizeof buf);
                err_at_value(cx, get(o, "expected"),
                             "the regex of %s does not compile (%s): it is a POSIX extended "
                             "regular expression",
                             what, buf);
            } else {
                regfree(&re);
            }
        }
        break;
    case LESSON_CHECK_TIME:
        get_seconds(cx, o, "seconds", true, what, &ck->time_ns);
        get_seconds(cx, o, "tolerance", false, what, &ck->tolerance_ns);
        break;
    case LESSON_CHECK_CONCURRENCY:
        if (ck->op == LESSON_OP_MIN_WAITING) {
            long n = 0;
            if (get_int(cx, o, "tasks", true, what, 2, 100000, &n)) ck->tasks = (int)n;
        } else {
            get_seconds(cx, o, "tolerance", false, what, &ck->tolerance_ns);
        }
        break;
    case LESSON_CHECK_STRUCTURE: {
        char *c = get_string(cx, o, "construct", true, what, "\"gather\"");
        if (!c) break;
        int found = -1;
        for (int i = 1; i < LESSON_CONSTRUCT_COUNT; i++)
            if (strcmp(c, lesson_construct_names[i]) == 0) found = i;
        if (found < 0) {
            const char *names[LESSON_CONSTRUCT_COUNT];
            for (int i = 1; i < LESSON_CONSTRUCT_COUNT; i++)
                names[i - 1] = lesson_construct_names[i];
            names[LESSON_CONSTRUCT_COUNT - 1] = NULL;
            const char *s = closest(c, names);
            err_at_value(cx, get(o, "construct"),
                         "unknown construct \"%s\"%s%s%s: see the list in lessons/README.md", c,
                         s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        } else {
            ck->construct = (LessonConstruct)found;
        }
        free(c);
        break;
    }
    default: break;
    }

    ck->message = get_string(cx, o, "message", true, what, "\"what the student should change\"");
    long pts = 1;
    if (get_int(cx, o, "points", false, what, 0, 1000, &pts)) ck->points = (int)pts;
    ck->hidden = get_bool(cx, o, "hidden", what, false);
    ck->robust = get_bool(cx, o, "robust", what, false);
}

/* ---------------------------------------------------------------- verdicts */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of `s` (a final newline ends the last line, it does not start
 * an empty one), as pointers into a copy; *n lines. */
static char **split_lines(const char *s, char **copy, size_t *n)
{
    *copy = xstrdup(s);
    size_t len = strlen(*copy), cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += (*copy)[i] == '\n';
    char **v = xcalloc(cap, sizeof *v);
    *n = 0;
    char *p = *copy;
    while (*p) {
        v[(*n)++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        *nl = '\0';
        p = nl + 1;
    }
    return v;
}

bool lesson_check_output_passes(const LessonCheck *ck, const char *out)
{
    const char *want = ck->expected ? ck->expected : "";
    switch (ck->op) {
    case LESSON_OP_EXACT: return strcmp(out, want) == 0;
    case LESSON_OP_CONTAINS: return strstr(out, want) != NULL;
    case LESSON_OP_REGEX: {
        regex_t re;
        if (regcomp(&re, want, REG_EXTENDED | REG_NEWLINE | REG_NOSUB) != 0) return false;
        bool ok = regexec(&re, out, 0, NULL, 0) == 0;
        regfree(&re);
        return ok;
    }
    case LESSON_OP_LINES_ANY_ORDER: {
        char *ca, *cb;
        size_t na, nb;
        char **a = split_lines(out, &ca, &na), **b = split_lines(want, &cb, &nb);
        bool ok = na == nb;
        if (ok) {
            qsort(a, na, sizeof *a, str_cmp);
            qsort(b, nb, sizeof *b, str_cmp);
            for (size_t i = 0; i < na && ok; i++)
                ok = strcmp(a[i], b[i]) == 0;
        }
        free(a);
        free(b);
        free(ca);
        free(cb);
        return ok;
    }
    default: return false;
    }
}

bool lesson_check_time_passes(const LessonCheck *ck, int64_t elapsed_ns)
{
    switch (ck->op) {
    case LESSON_OP_AT_MOST: return elapsed_ns <= ck->time_ns;
    case LESSON_OP_AT_LEAST: return elapsed_ns >= ck->time_ns;
    case LESSON_OP_ABOUT: {
        int64_t d = elapsed_ns - ck->time_ns;
        return (d < 0 ? -d : d) <= ck->tolerance_ns;
    }
    default: return false;
    }
}

/* ------------------------------------------------------------------- pages */

static const char *const page_keys[LESSON_PAGE_KIND_COUNT][16] = {
    [LESSON_PAGE_TEXT] = {"kind", "title", "text", NULL},
    [LESSON_PAGE_DEMO] = {"kind", "title", "text", "code", "compare", "speed", "output",
                          "compare_output", "time", "compare_time", "stderr", NULL},
    [LESSON_PAGE_QUESTION] = {"kind", "title", "text", "question", "prompt", "code", "choices",
                              "correct", "answer", "tolerance", "explanation", NULL},
    [LESSON_PAGE_EXERCISE] = {"kind", "title", "text", "id", "starter", "solution", "hints",
                              "checks", NULL},
    [LESSON_PAGE_WALKTHROUGH] = {"kind", "title", "text", "code", "notes", "output", "time", NULL},
};

static const char *const default_titles[LESSON_PAGE_KIND_COUNT] = {
    [LESSON_PAGE_TEXT] = "Reading",
    [LESSON_PAGE_DEMO] = "Demo",
    [LESSON_PAGE_QUESTION] = "Question",
    [LESSON_PAGE_EXERCISE] = "Exercise",
    [LESSON_PAGE_WALKTHROUGH] = "Walkthrough",
};

static void page_demo(Ctx *cx, const cJSON *o, const char *what, LessonDemo *d)
{
    d->time_ns = d->compare_time_ns = -1;
    d->speed = 1.0;
    get_code(cx, o, "code", true, what, &d->code);
    get_code(cx, o, "compare", false, what, &d->compare);
    const cJSON *sp = get(o, "speed");
    if (sp) {
        if (!cJSON_IsNumber(sp))
            err_at(cx, sp, "\"speed\" in %s must be a number between 0.25 and 8, not %s", what,
                   json_type_name(sp));
        else if (sp->valuedouble < 0.25 || sp->valuedouble > 8)
            err_at(cx, sp, "\"speed\" in %s must be between 0.25 and 8 (1 = real time)", what);
        else
            d->speed = sp->valuedouble;
    }
    d->output = get_string(cx, o, "output", false, what, "");
    if (!get(o, "output"))
        err_at(cx, o,
               "%s has no \"output\": add \"output\": \"...\" with what the program prints "
               "(run it with the oracle)",
               what);
    get_seconds(cx, o, "time", false, what, &d->time_ns);
    d->stderr_lines = get_strings(cx, o, "stderr", false, what, &d->nstderr_lines);
    if (d->compare.file || get(o, "compare")) {
        d->compare_output = get_string(cx, o, "compare_output", false, what, "");
        if (!get(o, "compare_output"))
            err_at(cx, o,
                   "%s has a \"compare\" program but no \"compare_output\": add what it prints",
                   what);
        get_seconds(cx, o, "compare_time", false, what, &d->compare_time_ns);
    } else if (get(o, "compare_output") || get(o, "compare_time")) {
        err_at(cx, get(o, "compare_output") ? get(o, "compare_output") : get(o, "compare_time"),
               "%s states what a second program prints but has no \"compare\": add \"compare\": "
               "\"other.py\" or remove it",
               what);
    }
}

static void page_question(Ctx *cx, const cJSON *o, const char *what, LessonQuestion *q)
{
    q->correct = -1;
    q->answer_ns = -1;
    q->tolerance_ns = 50000000;
    char *kind = get_string(cx, o, "question", true, what, "\"choice\" (or \"output\", \"time\")");
    if (kind) {
        if (strcmp(kind, "choice") == 0)
            q->kind = LESSON_Q_CHOICE;
        else if (strcmp(kind, "output") == 0)
            q->kind = LESSON_Q_OUTPUT;
        else if (strcmp(kind, "time") == 0)
            q->kind = LESSON_Q_TIME;
        else
            err_at_value(cx, get(o, "question"),
                         "unknown question \"%s\": use \"choice\" (multiple choice), \"output\" "
                         "(predict the output) or \"time\" (predict the elapsed time)",
                         kind);
        free(kind);
    }
    q->prompt = get_string(cx, o, "prompt", true, what, "\"What does this program print?\"");
    q->explanation = get_string(cx, o, "explanation", true, what, "\"why the answer is right\"");
    get_code(cx, o, "code", q->kind != LESSON_Q_CHOICE, what, &q->code);
    q->choices = get_strings(cx, o, "choices", q->kind == LESSON_Q_CHOICE, what, &q->nchoices);
    if (q->choices) {
        if (q->nchoices < 2)
            err_at(cx, get(o, "choices"), "\"choices\" in %s needs at least two choices", what);
        long c = 0;
        if (get_int(cx, o, "correct", true, what, 0, 1000, &c)) {
            if ((size_t)c >= q->nchoices)
                err_at(cx, get(o, "correct"),
                       "\"correct\" in %s is %ld but there are %zu choices: it counts from 0", what,
                       c, q->nchoices);
            else
                q->correct = (int)c;
        }
    } else if (get(o, "correct")) {
        err_at(cx, get(o, "correct"), "%s has \"correct\" but no \"choices\"", what);
    }
    const cJSON *ans = get(o, "answer");
    switch (q->kind) {
    case LESSON_Q_CHOICE:
        if (ans)
            err_at(cx, ans,
                   "a choice question's answer is \"correct\" (the index of the right choice): "
                   "remove \"answer\"");
        break;
    case LESSON_Q_OUTPUT:
        if (!ans && q->correct >= 0) {
            q->answer = xstrdup(q->choices[q->correct]);
        } else {
            q->answer = get_string(cx, o, "answer", true, what, "\"what the code prints\\n\"");
            if (q->answer && q->correct >= 0 && strcmp(q->answer, q->choices[q->correct]) != 0)
                err_at(cx, ans, "\"answer\" in %s differs from choice %d, the \"correct\" one",
                       what, q->correct);
        }
        break;
    case LESSON_Q_TIME:
        if (get_seconds(cx, o, "answer", true, what, &q->answer_ns) && q->correct >= 0) {
            /* a numeric right choice ("3.5", "3.5 s") must say the answer */
            const char *c = q->choices[q->correct];
            char *end;
            double v = strtod(c, &end);
            while (*end == ' ')
                end++;
            if (end != c && (*end == '\0' || strcmp(end, "s") == 0) &&
                llround(v * 1e9) != q->answer_ns)
                err_at(cx, get(o, "correct"),
                       "choice %d (\"%s\") of %s is marked correct, but \"answer\" says %.9g s",
                       q->correct, c, what, (double)q->answer_ns / 1e9);
        }
        get_seconds(cx, o, "tolerance", false, what, &q->tolerance_ns);
        break;
    }
}

static void page_exercise(Ctx *cx, const cJSON *o, const char *what, LessonExercise *e)
{
    e->id = get_string(cx, o, "id", true, what, "\"gather-three\"");
    if (e->id) {
        for (const char *p = e->id; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-')) {
                err_at_value(cx, get(o, "id"),
                             "exercise id \"%s\" may use only a-z, 0-9 and '-' (it names a file)",
                             e->id);
                break;
            }
    }
    get_code(cx, o, "starter", true, what, &e->starter);
    get_code(cx, o, "solution", true, what, &e->solution);
    e->hints = get_strings(cx, o, "hints", true, what, &e->nhints);
    const cJSON *checks = get(o, "checks");
    if (!checks) {
        err_at(cx, o, "%s has no \"checks\": add \"checks\": [{\"type\": \"output\", ...}]", what);
        return;
    }
    if (!cJSON_IsArray(checks) || cJSON_GetArraySize(checks) == 0) {
        err_at(cx, checks, "\"checks\" in %s must be a non-empty list of check objects, not %s",
               what, cJSON_IsArray(checks) ? "an empty list" : json_type_name(checks));
        return;
    }
    e->nchecks = (size_t)cJSON_GetArraySize(checks);
    e->checks = xcalloc(e->nchecks, sizeof *e->checks);
    size_t i = 0;
    char ex_what[96];
    snprintf(ex_what, sizeof ex_what, "exercise \"%s\"", e->id ? e->id : "?");
    for (const cJSON *c = checks->child; c; c = c->next, i++)
        parse_check(cx, c, ex_what, i, &e->checks[i]);
}

static int note_cmp(const void *a, const void *b)
{
    const LessonStepNote *x = a, *y = b;
    return (x->step > y->step) - (x->step < y->step);
}

static void page_walkthrough(Ctx *cx, const cJSON *o, const char *what, LessonWalkthrough *w)
{
    get_code(cx, o, "code", true, what, &w->code);
    w->time_ns = -1;
    w->output = get_string(cx, o, "output", false, what, "");
    get_seconds(cx, o, "time", false, what, &w->time_ns);
    const cJSON *notes = get(o, "notes");
    if (!notes) {
        err_at(cx, o, "%s has no \"notes\": add \"notes\": [{\"step\": 1, \"text\": \"...\"}]",
               what);
        return;
    }
    if (!cJSON_IsArray(notes)) {
        err_at(cx, notes, "\"notes\" in %s must be a list of {\"step\": N, \"text\": ...}, not %s",
               what, json_type_name(notes));
        return;
    }
    w->notes = xcalloc((size_t)cJSON_GetArraySize(notes), sizeof *w->notes);
    size_t i = 0;
    for (const cJSON *n = notes->child; n; n = n->next, i++) {
        char nw[160];
        snprintf(nw, sizeof nw, "note %zu of %s", i + 1, what);
        if (!cJSON_IsObject(n)) {
            err_at(cx, n, "%s must be an object {\"step\": N, \"text\": \"...\"}, not %s", nw,
                   json_type_name(n));
            continue;
        }
        static const char *const known[] = {"step", "text", NULL};
        check_keys(cx, n, nw, known);
        long step = 0;
        get_int(cx, n, "step", true, nw, 1, 1000000, &step);
        char *text = get_string(cx, n, "text", true, nw, "\"what happens at this step\"");
        w->notes[w->nnotes++] = (LessonStepNote){(int)step, text};
    }
    qsort(w->notes, w->nnotes, sizeof *w->notes, note_cmp);
}

static void page_fini(LessonPage *p)
{
    free(p->title);
    free(p->text);
    free(p->text_file);
    code_fini(&p->demo.code);
    code_fini(&p->demo.compare);
    free(p->demo.output);
    free(p->demo.compare_output);
    free_strings(p->demo.stderr_lines, p->demo.nstderr_lines);
    free(p->walk.output);
    free(p->question.prompt);
    code_fini(&p->question.code);
    free_strings(p->question.choices, p->question.nchoices);
    free(p->question.answer);
    free(p->question.explanation);
    free(p->exercise.id);
    code_fini(&p->exercise.starter);
    code_fini(&p->exercise.solution);
    free_strings(p->exercise.hints, p->exercise.nhints);
    for (size_t i = 0; i < p->exercise.nchecks; i++) {
        free(p->exercise.checks[i].expected);
        free(p->exercise.checks[i].message);
    }
    free(p->exercise.checks);
    code_fini(&p->walk.code);
    for (size_t i = 0; i < p->walk.nnotes; i++)
        free(p->walk.notes[i].text);
    free(p->walk.notes);
}

static void parse_page(Ctx *cx, const cJSON *o, size_t idx, LessonPage *pg)
{
    char what[64];
    snprintf(what, sizeof what, "page %zu", idx + 1);
    int line, col;
    node_pos(cx, o, &line, &col);
    pg->line = line;
    pg->col = col;
    if (!cJSON_IsObject(o)) {
        err_at(cx, o, "%s must be an object {\"kind\": ..., ...}, not %s", what, json_type_name(o));
        pg->title = xstrdup("?");
        return;
    }
    char *kind = get_string(cx, o, "kind", true, what, "\"text\"");
    int k = -1;
    if (kind) {
        for (int i = 0; i < LESSON_PAGE_KIND_COUNT; i++)
            if (strcmp(kind, lesson_page_kind_names[i]) == 0) k = i;
        if (k < 0) {
            const char *const kinds[] = {"text",     "demo",        "question",
                                         "exercise", "walkthrough", NULL};
            const char *s = closest(kind, kinds);
            err_at_value(cx, get(o, "kind"),
                         "unknown page kind \"%s\"%s%s%s: use text, demo, question, exercise or "
                         "walkthrough",
                         kind, s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        }
        free(kind);
    }
    if (k < 0) {
        pg->title = xstrdup("?");
        return;
    }
    pg->kind = (LessonPageKind)k;
    snprintf(what, sizeof what, "page %zu (%s)", idx + 1, lesson_page_kind_names[k]);
    check_keys(cx, o, what, page_keys[k]);
    pg->title = get_string(cx, o, "title", false, what, "");
    if (!pg->title) pg->title = xstrdup(default_titles[k]);
    bool need_text = k == LESSON_PAGE_TEXT || k == LESSON_PAGE_EXERCISE;
    get_file(cx, o, "text", need_text, what, ".md", &pg->text_file, NULL, &pg->text, NULL, NULL);
    switch (pg->kind) {
    case LESSON_PAGE_TEXT: break;
    case LESSON_PAGE_DEMO: page_demo(cx, o, what, &pg->demo); break;
    case LESSON_PAGE_QUESTION: page_question(cx, o, what, &pg->question); break;
    case LESSON_PAGE_EXERCISE: page_exercise(cx, o, what, &pg->exercise); break;
    case LESSON_PAGE_WALKTHROUGH: page_walkthrough(cx, o, what, &pg->walk); break;
    default: break;
    }
}

/* --------------------------------------------------------------- network */

static void parse_network(Ctx *cx, const cJSON *net, Lesson *l)
{
    if (!cJSON_IsObject(net)) {
        err_at(cx, net,
               "\"network\" must be an object {\"https://...\": {\"latency\": 1.0}}, not %s",
               json_type_name(net));
        return;
    }
    l->urls = xcalloc((size_t)cJSON_GetArraySize(net), sizeof *l->urls);
    for (const cJSON *u = net->child; u; u = u->next) {
        char what[300];
        snprintf(what, sizeof what, "the network entry \"%.200s\"", u->string);
        if (!cJSON_IsObject(u)) {
            err_at(cx, u, "%s must be an object {\"latency\": 1.0, ...}, not %s", what,
                   json_type_name(u));
            continue;
        }
        static const char *const known[] = {"latency", "size", "status", "body", NULL};
        check_keys(cx, u, what, known);
        LessonUrl *e = &l->urls[l->nurls++];
        e->url = xstrdup(u->string);
        e->latency_ns = LESSON_NET_DEFAULT_LATENCY_NS;
        get_seconds(cx, u, "latency", false, what, &e->latency_ns);
        long st = LESSON_NET_DEFAULT_STATUS;
        get_int(cx, u, "status", false, what, 100, 599, &st);
        e->status = (int)st;
        e->body = get_string(cx, u, "body", false, what, "");
        long size = -1;
        get_int(cx, u, "size", false, what, 0, 1L << 24, &size);
        if (!e->body) {
            char *unit = xprintf("<content of %s>", e->url);
            if (size >= 0) {
                size_t k = strlen(unit);
                e->body = xmalloc((size_t)size + 1);
                for (long i = 0; i < size; i++)
                    e->body[i] = unit[(size_t)i % k];
                e->body[size] = '\0';
                free(unit);
            } else {
                e->body = unit;
            }
        }
        e->size = size >= 0 ? size : (long)strlen(e->body);
    }
}

void lesson_net_lookup(const Lesson *l, const char *url, LessonUrl *out, char *buf, size_t bufsize)
{
    if (l)
        for (size_t i = 0; i < l->nurls; i++)
            if (strcmp(l->urls[i].url, url) == 0) {
                *out = l->urls[i];
                return;
            }
    snprintf(buf, bufsize, "<content of %s>", url);
    *out = (LessonUrl){(char *)url, LESSON_NET_DEFAULT_LATENCY_NS, (long)strlen(buf),
                       LESSON_NET_DEFAULT_STATUS, buf};
}

/* ------------------------------------------------------------------ lesson */

void lesson_free(Lesson *l)
{
    if (!l) return;
    free(l->id);
    free(l->dir);
    free(l->title);
    free(l->summary);
    for (size_t i = 0; i < l->nterms; i++) {
        free(l->terms[i].term);
        free(l->terms[i].meaning);
    }
    free(l->terms);
    for (size_t i = 0; i < l->npages; i++)
        page_fini(&l->pages[i]);
    free(l->pages);
    for (size_t i = 0; i < l->nurls; i++) {
        free(l->urls[i].url);
        free(l->urls[i].body);
    }
    free(l->urls);
    free(l);
}

static void parse_terms(Ctx *cx, const cJSON *root, Lesson *l)
{
    const cJSON *terms = get(root, "terms");
    if (!terms) {
        err_at(cx, root,
               "the lesson has no \"terms\": add \"terms\": [{\"term\": \"await\", \"meaning\": "
               "\"...\"}], the key-terms summary that ends the lesson");
        return;
    }
    if (!cJSON_IsArray(terms) || cJSON_GetArraySize(terms) == 0) {
        err_at(cx, terms, "\"terms\" must be a non-empty list of {\"term\", \"meaning\"}, not %s",
               cJSON_IsArray(terms) ? "an empty list" : json_type_name(terms));
        return;
    }
    l->terms = xcalloc((size_t)cJSON_GetArraySize(terms), sizeof *l->terms);
    size_t i = 0;
    for (const cJSON *t = terms->child; t; t = t->next, i++) {
        char what[48];
        snprintf(what, sizeof what, "term %zu", i + 1);
        if (!cJSON_IsObject(t)) {
            err_at(cx, t, "%s must be an object {\"term\": ..., \"meaning\": ...}, not %s", what,
                   json_type_name(t));
            continue;
        }
        static const char *const known[] = {"term", "meaning", NULL};
        check_keys(cx, t, what, known);
        char *term = get_string(cx, t, "term", true, what, "\"await\"");
        char *meaning = get_string(cx, t, "meaning", true, what, "\"what it means\"");
        if (term && meaning) {
            l->terms[l->nterms++] = (LessonTerm){term, meaning};
        } else {
            free(term);
            free(meaning);
        }
    }
}

/* Appends the "Key terms" page built from l->terms. */
static void add_terms_page(Lesson *l)
{
    size_t n = 32;
    for (size_t i = 0; i < l->nterms; i++)
        n += strlen(l->terms[i].term) + strlen(l->terms[i].meaning) + 16;
    char *md = xmalloc(n);
    size_t len = (size_t)sprintf(md, "# Key terms\n\n");
    for (size_t i = 0; i < l->nterms; i++)
        len += (size_t)sprintf(md + len, "- **%s**: %s\n", l->terms[i].term, l->terms[i].meaning);
    l->pages = xrealloc(l->pages, (l->npages + 1) * sizeof *l->pages);
    LessonPage *pg = &l->pages[l->npages++];
    memset(pg, 0, sizeof *pg);
    pg->kind = LESSON_PAGE_TEXT;
    pg->title = xstrdup("Key terms");
    pg->text = md;
}

static const char *base_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    const char *end = path + n;
    const char *p = end;
    while (p > path && p[-1] != '/')
        p--;
    return p;
}

/* Reads and parses cx->file (cx->text set, positions indexed); NULL with
 * an error diagnostic ("cannot read the WHAT (why)HINT"), and cx->file
 * freed, on failure. */
static cJSON *open_json(Ctx *cx, const char *what, const char *hint)
{
    char *text = read_file(cx->file);
    if (!text) {
        lesson_diags_add(cx->diags, LESSON_ERROR, cx->file, 0, 0, "cannot read the %s (%s)%s", what,
                         read_error(errno), hint);
        free(cx->file);
        return NULL;
    }
    cx->text = text;
    cx->ix.text = text;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        long off;
        const char *msg;
        syntax_error(text, end ? end : cJSON_GetErrorPtr(), &off, &msg);
        int line, col;
        offset_to_linecol(text, off, &line, &col);
        lesson_diags_add(cx->diags, LESSON_ERROR, cx->file, line, col, "%s", msg);
        free(text);
        free(cx->file);
        return NULL;
    }
    const char *start = text;
    if ((unsigned char)start[0] == 0xEF && (unsigned char)start[1] == 0xBB &&
        (unsigned char)start[2] == 0xBF)
        start += 3;
    pos_scan(&cx->ix, start, root, -1);
    return root;
}

static void close_json(Ctx *cx, cJSON *root)
{
    cJSON_Delete(root);
    free(cx->ix.v);
    free((char *)cx->text);
    free(cx->file);
}

Lesson *lesson_net_load(const char *path, LessonDiags *diags)
{
    Ctx cx = {.dir = ".", .name = base_name(path), .diags = diags};
    cx.file = xstrdup(path);
    cJSON *root = open_json(&cx, "network file", "");
    if (!root)
        return NULL;
    Lesson *l = xcalloc(1, sizeof *l);
    if (!cJSON_IsObject(root)) {
        err_at(&cx, root, "the network file must hold one object {\"https://...\": {\"latency\": 1.0}}, not %s",
               json_type_name(root));
    } else {
        const cJSON *net = get(root, "network");
        parse_network(&cx, net ? net : root, l);
    }
    close_json(&cx, root);
    if (cx.errors) {
        lesson_free(l);
        return NULL;
    }
    return l;
}

Lesson *lesson_load(const char *dir, LessonDiags *diags)
{
    Ctx cx = {.dir = dir, .name = base_name(dir), .diags = diags};
    cx.file = path_join(dir, "lesson.json");
    cJSON *root = open_json(&cx, "lesson file", ": a lesson folder needs a lesson.json");
    if (!root)
        return NULL;

    Lesson *l = xcalloc(1, sizeof *l);
    l->dir = xstrdup(dir);
    if (!cJSON_IsObject(root)) {
        err_at(&cx, root,
               "lesson.json must hold one object {\"id\": ..., \"pages\": [...]}, not %s",
               json_type_name(root));
        goto done;
    }
    static const char *const known[] = {"id",    "title",   "summary", "terms",
                                        "pages", "network", NULL};
    check_keys(&cx, root, "the lesson", known);
    l->id = get_string(&cx, root, "id", true, "the lesson", "\"coroutines\"");
    if (l->id)
        for (const char *p = l->id; *p; p++)
            if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-')) {
                err_at_value(&cx, get(root, "id"), "lesson id \"%s\" may use only a-z, 0-9 and '-'",
                             l->id);
                break;
            }
    l->title = get_string(&cx, root, "title", true, "the lesson", "\"Coroutines\"");
    l->summary = get_string(&cx, root, "summary", true, "the lesson",
                            "\"one or two sentences for the table of contents\"");
    parse_terms(&cx, root, l);
    const cJSON *net = get(root, "network");
    if (net) parse_network(&cx, net, l);
    const cJSON *pages = get(root, "pages");
    if (!pages) {
        err_at(&cx, root,
               "the lesson has no \"pages\": add \"pages\": [{\"kind\": \"text\", "
               "\"text\": \"intro.md\"}]");
    } else if (!cJSON_IsArray(pages) || cJSON_GetArraySize(pages) == 0) {
        err_at(&cx, pages, "\"pages\" must be a non-empty list of page objects, not %s",
               cJSON_IsArray(pages) ? "an empty list" : json_type_name(pages));
    } else {
        size_t n = (size_t)cJSON_GetArraySize(pages);
        l->pages = xcalloc(n + 1, sizeof *l->pages);
        for (const cJSON *p = pages->child; p; p = p->next)
            parse_page(&cx, p, l->npages, &l->pages[l->npages]), l->npages++;
        /* exercise ids unique within the lesson (the course checks across) */
        for (size_t i = 0; i < l->npages; i++)
            for (size_t j = 0; j < i; j++)
                if (l->pages[i].kind == LESSON_PAGE_EXERCISE &&
                    l->pages[j].kind == LESSON_PAGE_EXERCISE && l->pages[i].exercise.id &&
                    l->pages[j].exercise.id &&
                    strcmp(l->pages[i].exercise.id, l->pages[j].exercise.id) == 0) {
                    lesson_diags_add(diags, LESSON_ERROR, cx.file, l->pages[i].line,
                                     l->pages[i].col,
                                     "exercise id \"%s\" is used twice in this lesson: rename one",
                                     l->pages[i].exercise.id);
                    cx.errors++;
                }
    }
    if (cx.errors == 0) add_terms_page(l);
done:
    close_json(&cx, root);
    if (cx.errors) {
        lesson_free(l);
        return NULL;
    }
    return l;
}

/* ------------------------------------------------------------------ course */

void lesson_course_free(LessonCourse *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nlessons; i++)
        lesson_free(c->lessons[i]);
    free(c->lessons);
    free(c->dir);
    free(c->title);
    lesson_diags_fini(&c->diags);
    free(c);
}

/* Folder names from DIR/course.json; returns false when there is none. */
static bool course_index(LessonCourse *c, char ***names, size_t *n)
{
    char *file = path_join(c->dir, "course.json");
    char *text = read_file(file);
    if (!text) {
        if (errno == ENOENT || errno == ENOTDIR) { /* no index: the folders' order */
            free(file);
            return false;
        }
        /* There but unreadable: guessing the lessons from the folders
         * could open a course the instructor did not mean. */
        lesson_diags_add(&c->diags, LESSON_ERROR, file, 0, 0, "cannot read course.json (%s)",
                         read_error(errno));
        free(file);
        *names = NULL;
        *n = 0;
        return true;
    }
    *names = NULL;
    *n = 0;
    Ctx cx = {.dir = c->dir, .name = "course.json", .file = file, .text = text, .diags = &c->diags};
    cx.ix.text = text;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        long off;
        const char *msg;
        syntax_error(text, end ? end : cJSON_GetErrorPtr(), &off, &msg);
        int line, col;
        offset_to_linecol(text, off, &line, &col);
        lesson_diags_add(&c->diags, LESSON_ERROR, file, line, col, "%s", msg);
        goto out;
    }
    pos_scan(&cx.ix, text, root, -1);
    if (!cJSON_IsObject(root)) {
        err_at(&cx, root, "course.json must hold one object {\"title\": ..., \"lessons\": [...]}");
        goto out;
    }
    static const char *const known[] = {"title", "lessons", NULL};
    check_keys(&cx, root, "course.json", known);
    char *title = get_string(&cx, root, "title", false, "course.json", "");
    if (title) {
        free(c->title);
        c->title = title;
    }
    char **v = get_strings(&cx, root, "lessons", true, "course.json", n);
    const cJSON *arr = get(root, "lessons");
    size_t i = 0;
    for (const cJSON *e = arr && cJSON_IsArray(arr) ? arr->child : NULL; e && v; e = e->next, i++) {
        char *p = path_join(c->dir, v[i]);
        if (v[i][0] == '\0' || strchr(v[i], '/') || !is_dir(p))
            err_at_value(&cx, e, "\"%s\" is not a lesson folder in %s: create it or fix the name",
                         v[i], c->dir);
        free(p);
    }
    *names = v;
out:
    cJSON_Delete(root);
    free(cx.ix.v);
    free(text);
    free(file);
    return true;
}

static void course_scan(LessonCourse *c, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(c->dir);
    if (!d) {
        lesson_diags_add(&c->diags, LESSON_ERROR, c->dir, 0, 0,
                         "cannot open the lesson directory (%s): give a folder of lesson folders",
                         strerror(errno));
        return;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *p = path_join(c->dir, e->d_name);
        char *j = path_join(p, "lesson.json");
        if (is_dir(p) && (is_file(j) || isdigit((unsigned char)e->d_name[0]))) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 16;
                *names = xrealloc(*names, cap * sizeof **names);
            }
            (*names)[(*n)++] = xstrdup(e->d_name);
        }
        free(p);
        free(j);
    }
    closedir(d);
    if (*n) qsort(*names, *n, sizeof **names, str_cmp);
}

LessonCourse *lesson_course_load(const char *dir)
{
    LessonCourse *c = xcalloc(1, sizeof *c);
    c->dir = xstrdup(dir);
    c->title = xstrdup("Introduction to asyncio");
    char **names;
    size_t n;
    char *own = path_join(dir, "lesson.json");
    bool single = is_file(own);
    free(own);
    if (single) {
        /* DIR is itself a lesson folder: a course of one lesson */
        Lesson *l = lesson_load(dir, &c->diags);
        c->lessons = xcalloc(1, sizeof *c->lessons);
        if (l) {
            l->number = 1;
            c->lessons[c->nlessons++] = l;
        }
        return c;
    }
    if (!course_index(c, &names, &n)) course_scan(c, &names, &n);
    if (n == 0 && lesson_diags_errors(&c->diags) == 0)
        lesson_diags_add(&c->diags, LESSON_ERROR, dir, 0, 0,
                         "no lessons here: a course is a folder of lesson folders, each with a "
                         "lesson.json");
    c->lessons = xcalloc(n, sizeof *c->lessons);
    for (size_t i = 0; i < n; i++) {
        char *p = path_join(dir, names[i]);
        if (!is_dir(p)) { /* course.json named it; already reported */
            free(p);
            continue;
        }
        Lesson *l = lesson_load(p, &c->diags);
        char *json = path_join(p, "lesson.json");
        free(p);
        if (l) {
            const char *dup = NULL;
            for (size_t k = 0; k < c->nlessons && !dup; k++) {
                if (strcmp(c->lessons[k]->id, l->id) == 0) dup = l->id;
                for (size_t a = 0; a < l->npages && !dup; a++)
                    for (size_t b = 0; b < c->lessons[k]->npages && !dup; b++) {
                        const LessonPage *x = &l->pages[a], *y = &c->lessons[k]->pages[b];
                        if (x->kind == LESSON_PAGE_EXERCISE && y->kind == LESSON_PAGE_EXERCISE &&
                            strcmp(x->exercise.id, y->exercise.id) == 0) {
                            dup = x->exercise.id;
                            lesson_diags_add(&c->diags, LESSON_ERROR, json, x->line, x->col,
                                             "exercise id \"%s\" is already used in %s: exercise "
                                             "ids must be unique in the course",
                                             dup, c->lessons[k]->dir);
                        }
                    }
                if (dup == l->id)
                    lesson_diags_add(&c->diags, LESSON_ERROR, json, 0, 0,
                                     "lesson id \"%s\" is already used by %s: lesson ids must be "
                                     "unique",
                                     l->id, c->lessons[k]->dir);
            }
            if (dup) {
                lesson_free(l);
            } else {
                l->number = (int)c->nlessons + 1;
                c->lessons[c->nlessons++] = l;
            }
        }
        free(json);
    }
    free_strings(names, n);
    return c;
}

const Lesson *lesson_course_find(const LessonCourse *c, const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s && *end == '\0') return n >= 1 && (size_t)n <= c->nlessons ? c->lessons[n - 1] : NULL;
    for (size_t i = 0; i < c->nlessons; i++)
        if (strcmp(c->lessons[i]->id, s) == 0) return c->lessons[i];
    return NULL;
}

const LessonExercise *lesson_course_find_exercise(const LessonCourse *c, const char *id,
                                                  const Lesson **lesson_out)
{
    for (size_t i = 0; i < c->nlessons; i++)
        for (size_t k = 0; k < c->lessons[i]->npages; k++) {
            const LessonPage *p = &c->lessons[i]->pages[k];
            if (p->kind == LESSON_PAGE_EXERCISE && strcmp(p->exercise.id, id) == 0) {
                if (lesson_out) *lesson_out = c->lessons[i];
                return &p->exercise;
            }
        }
    return NULL;
}

const char *lesson_default_dir(void)
{
    const char *env = getenv("AIOTUTOR_LESSONS");
    if (env && *env) return env;
    const char *dir = datadir_find("lessons");
    return dir ? dir : "lessons";
}
