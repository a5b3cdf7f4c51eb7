/* chrometrace: a run's trace as a Chrome trace event file, the JSON that
 * Perfetto (ui.perfetto.dev) and chrome://tracing open; `aiotutor run
 * --trace=FILE` writes it.
 *
 * One track (tid) per task, named as the timeline names its lane ("Task-2
 * function1"); a slice per step ("step", its end says why it stopped), a
 * slice per wait between steps ("sleeping", "awaiting gather", "awaiting
 * Task-3"), a slice per time.sleep that blocked the loop, an instant per
 * print, cancel request, result, exception and cancellation. asyncio.run's
 * own shutdown tasks are left out, as on the timeline. Times are the run's
 * loop clock in microseconds (virtual or real). */
#ifndef AIO_CHROMETRACE_H
#define AIO_CHROMETRACE_H

#include <stdint.h>
#include <stdio.h>

#include "app/textline.h"
#include "engine/trace.h"

/* Writes the whole file to f. coro_name (may be NULL) names a task's
 * coroutine. Returns 0, or -1 with errno set when memory or the write
 * failed (the file is then incomplete). */
int chrometrace_write(const Trace *tr, FILE *f, TextlineNameFn coro_name, void *ctx);

#endif
