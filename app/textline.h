/* textline: the text timeline `aiotutor run --timeline` prints after a run:
 * a lane per task, a time axis, what each task was doing over time
 * (running, ready, sleeping/awaiting, blocked, done), where control
 * switched and where output was printed. Unicode block characters under a
 * UTF-8 locale, ASCII otherwise. */
#ifndef AIO_APP_TEXTLINE_H
#define AIO_APP_TEXTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/trace.h"

/* The coroutine name of a task for its lane label ("main"), or NULL. */
typedef const char *(*TextlineNameFn)(void *ctx, uint64_t task_id);

/* A task's lane label, "Task-2 function1": the name from its
 * TRACE_TASK_CREATED/RENAMED event (name_len bytes, cut to at most max_name
 * without splitting a character) and its coroutine's name (coro may be
 * NULL). The timeline and the Chrome trace's tracks use it. */
void textline_lane_label(char *buf, size_t size, const char *name, size_t name_len, size_t max_name,
                         const char *coro);

/* Prints the timeline of `tr` to `out`, at most `width` columns wide. */
void textline_print(const Trace *tr, FILE *out, int width, TextlineNameFn coro_name, void *ctx);

/* The main program's own lane, "main", drawn as the tutor draws it
 * (app/ui_run.c, app/tlmodel.h): the engine's trace only covers event
 * loops, so the module code is followed from outside. It is seen running
 * when it prints, when it starts an event loop and when it ends; time that
 * passed between two such moments outside a loop went by in time.sleep
 * (blocked); while a loop it started runs it waits in asyncio.run. The lane
 * appears the first time it prints or blocks, so a program whose module
 * code only calls asyncio.run gets no main lane (as in the tutor). */
typedef struct TextlineMain TextlineMain;
TextlineMain *textline_main_new(void); /* NULL when out of memory */
void textline_main_free(TextlineMain *m);
/* The module code wrote to stdout (print: a new line of output) or stderr
 * (print false) at t_ns, when `tr` held the events it holds now. Call it
 * only when no event loop is running (interp_in_loop). */
void textline_main_seen(TextlineMain *m, const Trace *tr, int64_t t_ns, bool print);
/* The program ended at t_ns. */
void textline_main_end(TextlineMain *m, int64_t t_ns);
/* textline_print with the main program's lane (main may be NULL). */
void textline_print_main(const Trace *tr, const TextlineMain *main, FILE *out, int width,
                         TextlineNameFn coro_name, void *ctx);

#endif
