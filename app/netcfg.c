/* netcfg: URL tables of the simulated network (see netcfg.h). */
#include "config.h"

#include "app/netcfg.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/lesson.h"

typedef struct NetEntry {
    char *url;
    InterpNetReply r;
    char *body; /* owned (r.body points here) */
} NetEntry;

struct NetCfg {
    NetEntry *v;
    size_t n;
};

void netcfg_free(NetCfg *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].url);
        free(c->v[i].body);
    }
    free(c->v);
    free(c);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 4096;
    char *s = malloc(cap);
    size_t k;
    while (s && (k = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += k;
        if (cap - len < 2) {
            char *t = realloc(s, cap * 2);
            if (!t) {
                free(s);
                s = NULL;
                break;
            }
            s = t;
            cap *= 2;
        }
    }
    fclose(f);
    if (s)
        s[len] = 0;
    return s;
}

NetCfg *netcfg_load(const char *path, char *err, size_t errsize)
{
    char *text = read_file(path);
    if (!text) {
        snprintf(err, errsize, "%s: cannot read the file", path);
        return NULL;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errsize, "%s: not a JSON object", path);
        cJSON_Delete(root);
        return NULL;
    }
    cJSON *net = cJSON_GetObjectItemCaseSensitive(root, "network");
    if (!net)
        net = root;
    NetCfg *c = calloc(1, sizeof *c);
    size_t n = (size_t)cJSON_GetArraySize(net);
    if (!c || !cJSON_IsObject(net) || !(c->v = calloc(n ? n : 1, sizeof *c->v))) {
        snprintf(err, errsize, "%s: \"network\" must be an object of URLs", path);
        goto fail;
    }
    for (cJSON *e = net->child; e; e = e->next) {
        NetEntry *ne = &c->v[c->n];
        if (!cJSON_IsObject(e)) {
            snprintf(err, errsize, "%s: the entry of \"%s\" must be an object", path, e->string);
            goto fail;
        }
        ne->url = strdup(e->string);
        c->n++;
        ne->r = (InterpNetReply){-1, 0, NULL, -1};
        cJSON *lat = cJSON_GetObjectItemCaseSensitive(e, "latency");
        cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
        cJSON *body = cJSON_GetObjectItemCaseSensitive(e, "body");
        cJSON *size = cJSON_GetObjectItemCaseSensitive(e, "size");
        if ((lat && (!cJSON_IsNumber(lat) || lat->valuedouble < 0 || lat->valuedouble > 1e6)) ||
            (st && (!cJSON_IsNumber(st) || st->valuedouble < 100 || st->valuedouble > 999)) ||
            (body && !cJSON_IsString(body)) ||
            (size && (!cJSON_IsNumber(size) || size->valuedouble < 0 || size->valuedouble > 1e8))) {
            snprintf(err, errsize,
                     "%s: \"%s\": latency (seconds >= 0), status (100-999), body (text), size (>= 0)",
                     path, e->string);
            goto fail;
        }
        if (lat)
            ne->r.latency_ns = llround(lat->valuedouble * 1e9);
        if (st)
            ne->r.status = (int)st->valuedouble;
        if (body)
            ne->r.body = ne->body = strdup(body->valuestring);
        if (size)
            ne->r.size = (long)size->valuedouble;
        if (!ne->url || (body && !ne->body)) {
            snprintf(err, errsize, "%s: out of memory", path);
            goto fail;
        }
    }
    cJSON_Delete(root);
    return c;
fail:
    cJSON_Delete(root);
    netcfg_free(c);
    return NULL;
}

void netcfg_reply(void *netcfg, const char *url, InterpNetReply *reply)
{
    const NetCfg *c = netcfg;
    for (size_t i = 0; c && i < c->n; i++)
        if (strcmp(c->v[i].url, url) == 0) {
            *reply = c->v[i].r;
            return;
        }
}

void netcfg_lesson_reply(void *lesson, const char *url, InterpNetReply *reply)
{
    const Lesson *l = lesson;
    for (size_t i = 0; l && i < l->nurls; i++)
        if (strcmp(l->urls[i].url, url) == 0) {
            reply->latency_ns = l->urls[i].latency_ns;
            reply->status = l->urls[i].status;
            reply->body = l->urls[i].body;
            reply->size = -1;
            return;
        }
}
