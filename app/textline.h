/* textline: the text timeline `aiotutor run --timeline` prints after a run:
 * a lane per task, a time axis, what each task was doing over time
 * (running, ready, sleeping/awaiting, blocked, done), where control
 * switched and where output was printed. Unicode block characters under a
 * UTF-8 locale, ASCII otherwise. */
#ifndef AIO_APP_TEXTLINE_H
#define AIO_APP_TEXTLINE_H

#include <stdint.h>
#include <stdio.h>

#include "engine/trace.h"

/* The coroutine name of a task for its lane label ("main"), or NULL. */
typedef const char *(*TextlineNameFn)(void *ctx, uint64_t task_id);

/* Prints the timeline of `tr` to `out`, at most `width` columns wide. */
void textline_print(const Trace *tr, FILE *out, int width, TextlineNameFn coro_name, void *ctx);

#endif
