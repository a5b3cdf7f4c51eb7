/* netcfg: the simulated network's URL table for `aiotutor run --net=FILE`,
 * and the adapters that hand a table to the interpreter (InterpNetFn,
 * engine/lang/interp.h).
 *
 * FILE is JSON in the format of a lesson's "network" (lessons/README.md):
 * either a whole lesson.json-like object with a "network" member, or that
 * member alone: {"URL": {"latency": 0.8, "status": 404, "body": "...",
 * "size": 15086}, ...}. Every key is optional; what is left out takes the
 * defaults of lessons/README.md. The file is read by lesson_net_load
 * (app/lesson.c), with the checks and messages of a lesson's "network".
 */
#ifndef AIO_APP_NETCFG_H
#define AIO_APP_NETCFG_H

#include <stddef.h>

#include "engine/lang/interp.h"

typedef struct NetCfg NetCfg;

/* Loads FILE; NULL with a message in err (path: problem) on failure. */
NetCfg *netcfg_load(const char *path, char *err, size_t errsize);
void netcfg_free(NetCfg *c);

/* InterpNetFn over a NetCfg (net_host = the NetCfg). */
void netcfg_reply(void *netcfg, const char *url, InterpNetReply *reply);

/* InterpNetFn over a lesson's table (net_host = a const Lesson *, app/lesson.h):
 * set cfg.net = netcfg_lesson_reply, cfg.net_host = (void *)lesson to run a
 * lesson's program on its network. */
void netcfg_lesson_reply(void *lesson, const char *url, InterpNetReply *reply);

#endif
