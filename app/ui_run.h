/* ui_run: one lesson program running under the tutor's control.
 *
 * Wraps the interpreter (engine/lang/interp.h) for the UI: the program runs
 * on the STEPPED clock and this module decides when time moves, so that a
 * live run follows the real clock at a chosen speed (0.25x to 8x) and can be
 * paused, resumed and restarted, and a stepped run advances one task step
 * at a time. Stepping back replays the program from the start to the step
 * before (the engine is deterministic: the same steps at the same times).
 *
 * It turns the engine's trace into the timeline model (tlmodel) and the
 * program's output into lines stamped with their virtual time and task.
 * Plain C, no curses. Times passed in (`now`) are monotonic real seconds. */
#ifndef AIO_UI_RUN_H
#define AIO_UI_RUN_H

#include "app/tlmodel.h"
#include "engine/lang/interp.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum UiRunState {
    UI_RUN_IDLE,   /* not started */
    UI_RUN_LIVE,   /* running on the real clock */
    UI_RUN_PAUSED, /* live run paused, or step mode between steps */
    UI_RUN_FINISHED,
} UiRunState;

typedef struct UiRunLine {
    double t;      /* virtual seconds when it was printed */
    char task[32]; /* "Task-2", "main" (outside any task), "stderr" */
    bool err;      /* stderr: tracebacks, warnings */
    char *text;    /* one line, no newline; owned by the run */
} UiRunLine;

typedef struct UiRun UiRun;

/* A run of src (copied); nothing runs until ui_run_start or ui_run_step.
 * NULL when out of memory. */
UiRun *ui_run_new(const char *src, size_t len, const char *filename);
void ui_run_free(UiRun *r);

/* The simulated network the program sees (a lesson's URL table); applies
 * from the next (re)start. NULL fn: the documented defaults. */
void ui_run_set_net(UiRun *r, InterpNetFn fn, void *host);

/* (Re)starts from the beginning, live at `speed`. False with a message
 * when the program cannot be loaded (its SyntaxError is in the output). */
bool ui_run_start(UiRun *r, double now, double speed);
void ui_run_pause(UiRun *r, double now);
void ui_run_resume(UiRun *r, double now);
void ui_run_set_speed(UiRun *r, double now, double speed);
double ui_run_speed(const UiRun *r);

/* Does the work that is due by `now`; returns the milliseconds until it
 * next needs to be called (-1: nothing to do until a key). Never blocks
 * for long: a step that runs away is cut by the interpreter's budget. */
int ui_run_tick(UiRun *r, double now);

/* Step mode: runs one task step (from a resume to the next suspension),
 * starting the program again (in step mode) when it has finished,
 * moving the clock to the next timer when only timers are left. Starts the
 * program if needed; pauses a live run. False when finished. */
bool ui_run_step(UiRun *r);
/* Replays to the previous step. False at step 0. */
bool ui_run_step_back(UiRun *r);

UiRunState ui_run_state(const UiRun *r);
const TlModel *ui_run_timeline(const UiRun *r);
/* The virtual time the run has reached (the timeline's cursor). */
double ui_run_now(const UiRun *r);
int ui_run_steps(const UiRun *r);
int ui_run_exit_status(const UiRun *r); /* -1 while not finished */

int ui_run_line_count(const UiRun *r);
const UiRunLine *ui_run_line(const UiRun *r, int i);

/* A ready-queue entry / timer for the loop-internals panel (derived from
 * the trace). Returns the number written (up to max). */
typedef struct UiRunTimer {
    char task[32];
    double deadline;
} UiRunTimer;
int ui_run_ready_queue(const UiRun *r, char names[][32], int max);
int ui_run_timers(const UiRun *r, UiRunTimer *out, int max);

#endif
