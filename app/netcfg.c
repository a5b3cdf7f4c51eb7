/* netcfg: URL tables of the simulated network (see netcfg.h). */
#include "config.h"

#include "app/netcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/lesson.h"

/* The table is read by lesson.c's loader (the one file of app/ that reads
 * JSON), with a lesson's rules for "network" entries: same keys, defaults
 * and messages. */
struct NetCfg {
    Lesson *net; /* urls/nurls only */
};

void netcfg_free(NetCfg *c)
{
    if (!c)
        return;
    lesson_free(c->net);
    free(c);
}

NetCfg *netcfg_load(const char *path, char *err, size_t errsize)
{
    LessonDiags d = {0};
    Lesson *net = lesson_net_load(path, &d);
    if (!net) {
        /* the first error, where it is */
        snprintf(err, errsize, "%s: cannot be read", path);
        for (size_t i = 0; i < d.count; i++) {
            const LessonDiag *e = &d.items[i];
            if (e->severity != LESSON_ERROR)
                continue;
            if (e->line)
                snprintf(err, errsize, "%s:%d:%d: %s", e->file, e->line, e->col, e->message);
            else
                snprintf(err, errsize, "%s: %s", e->file, e->message);
            break;
        }
        lesson_diags_fini(&d);
        return NULL;
    }
    lesson_diags_fini(&d);
    NetCfg *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errsize, "%s: out of memory", path);
        lesson_free(net);
        return NULL;
    }
    c->net = net;
    return c;
}

void netcfg_reply(void *netcfg, const char *url, InterpNetReply *reply)
{
    const NetCfg *c = netcfg;
    netcfg_lesson_reply(c ? c->net : NULL, url, reply);
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
