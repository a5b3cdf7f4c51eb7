/* tlmodel: the timeline's model. Trace events in, lanes x time cells out.
 *
 * One lane per task (in creation order, named as the program named them:
 * Task-1, Task-2, ..., and labelled with the coroutine too, as asyncio's
 * repr does: "Task-2 fetch") plus lane 0 for the event loop. The main
 * program itself (module code, task 0) gets a lane of its own, "main", the
 * first time it shows in the events (a print or a time.sleep outside any
 * event loop): running, blocked in each time.sleep, waiting while an event
 * loop it started runs (TLE_LOOP_BEGIN .. TLE_LOOP_END), done at the end. Each lane is a list
 * of segments [t0, t1) in one state; a step on the virtual clock takes no
 * time, so zero-length segments are kept and count for the cell they fall
 * in. A cell is a time interval; it shows the most telling state in it
 * (a task's end > blocked > running > ready > sleeping/awaiting), plus
 * marks: a print by that task, and on the loop lane the number of task
 * switches. A task's end (done, cancelled, failed) shows in the cell where
 * it happened; the lane is empty afterwards.
 *
 * The loop lane is derived: running while any task steps, blocked while a
 * task blocks it (time.sleep), idle (shown as sleeping) while it waits for a
 * timer, and empty while no loop runs (before the first task, after
 * TLE_LOOP_END): the main program's blocks outside a loop block no loop.
 *
 * The model knows nothing of curses or of the engine: it takes its own
 * TlEvent, and tlmodel_trace.c adapts ENGINE's trace events to it. */
#ifndef AIO_TLMODEL_H
#define AIO_TLMODEL_H

#include <stdbool.h>

typedef enum TlState {
    TL_NONE = 0, /* not created yet, or finished earlier */
    TL_SLEEPING, /* suspended: awaiting a timer, a future, another task */
    TL_READY,    /* in the ready queue, waiting for the loop */
    TL_RUNNING,  /* its step is executing */
    TL_BLOCKED,  /* running a synchronous call that blocks the whole loop */
    TL_DONE,
    TL_CANCELLED,
    TL_FAILED,
    TL_STATE_COUNT
} TlState;

typedef enum TlEventKind {
    TLE_TASK_NEW,    /* task created (it is READY: scheduled) */
    TLE_STEP_BEGIN,  /* the loop resumes the task */
    TLE_STEP_END,    /* the task suspends; `state` says how it is left */
    TLE_READY,       /* woken: back in the ready queue */
    TLE_BLOCK_BEGIN, /* a synchronous call (time.sleep) starts blocking */
    TLE_BLOCK_END,
    TLE_PRINT,  /* the task printed a line */
    TLE_SLEEP,  /* the task is going to sleep until `until` */
    TLE_RENAME, /* the task's name is now `name` */
    TLE_LOOP_BEGIN, /* an event loop starts (asyncio.run): main waits on it */
    TLE_LOOP_END,   /* it has ended: the loop lane empties, main runs again */
} TlEventKind;

typedef struct TlEvent {
    TlEventKind kind;
    double t;         /* seconds since the program started (virtual clock) */
    int task;         /* the task's id, > 0; 0 = the main program itself */
    const char *name; /* TLE_TASK_NEW: its name (copied) */
    const char *coro; /* TLE_TASK_NEW: its coroutine's name ("fetch"), or NULL */
    TlState state;    /* TLE_STEP_END: SLEEPING, READY, DONE, CANCELLED, FAILED */
    double until;     /* TLE_STEP_END into SLEEPING: the timer's deadline, or < 0 */
    int line;         /* source line where the step stopped (0 unknown) */
    const char *what; /* TLE_STEP_END into SLEEPING: what it awaits ("sleep",
                         "gather", "Task-3"), copied; NULL unknown */
} TlEvent;

typedef struct TlModel TlModel;

TlModel *tlmodel_new(void); /* NULL when out of memory */
void tlmodel_free(TlModel *m);
void tlmodel_reset(TlModel *m);

/* Adds an event. Events come in time order (t never decreases). Returns
 * false when out of memory (the event is dropped). */
bool tlmodel_add(TlModel *m, const TlEvent *e);
/* The clock has reached t with no event (a live run between events): the
 * open segments extend to it, so cells up to t are drawn. */
void tlmodel_advance(TlModel *m, double t);
/* Marks the end of the run at time t: open segments stop there. */
void tlmodel_finish(TlModel *m, double t);

int tlmodel_lane_count(const TlModel *m); /* tasks + 1 (the loop) */
const char *tlmodel_lane_name(const TlModel *m, int lane);
/* The name and the coroutine, for the lane's label: "Task-2 fetch"
 * (a dotted qualified name shortened to its last part: "worker.<locals>.step"
 * gives "step"); just the name when the coroutine is unknown. */
const char *tlmodel_lane_label(const TlModel *m, int lane);
/* True once the lane has something to draw (the loop lane stays empty in a
 * program that never starts an event loop). */
bool tlmodel_lane_used(const TlModel *m, int lane);
int tlmodel_lane_task(const TlModel *m, int lane);      /* task id; 0 for lane 0 */
int tlmodel_lane_of_task(const TlModel *m, int task);   /* -1 if unknown */
TlState tlmodel_lane_state(const TlModel *m, int lane); /* its latest state */
int tlmodel_lane_line(const TlModel *m, int lane);      /* last line it stopped at */
double tlmodel_lane_until(const TlModel *m, int lane);  /* timer deadline or < 0 */
/* Order in which lanes became ready (larger = later): the ready queue is
 * the READY lanes sorted by it. */
unsigned tlmodel_lane_ready_seq(const TlModel *m, int lane);
/* What a waiting lane awaits ("" unknown or not waiting). */
const char *tlmodel_lane_awaits(const TlModel *m, int lane);

double tlmodel_end_time(const TlModel *m);  /* latest time seen */
int tlmodel_steps(const TlModel *m);        /* number of STEP_BEGIN events */
int tlmodel_running_task(const TlModel *m); /* task id in a step, or 0 */
int tlmodel_last_task(const TlModel *m);    /* task of the latest step, or 0 */

enum { TL_MARK_PRINT = 1, TL_MARK_SWITCH = 2 };

/* What lane shows over [t0, t1): the state, and marks (TL_MARK_*);
 * *switches (may be NULL) gets the number of task switches in the cell for
 * lane 0. */
TlState tlmodel_cell(const TlModel *m, int lane, double t0, double t1, int *marks, int *switches);

/* The cell states as one line of characters (tests, the text dump):
 * ' ' none, '.' sleeping, '-' ready, '#' running, 'X' blocked, 'v' done,
 * 'x' cancelled, '!' failed. buf has room for ncells + 1. */
void tlmodel_lane_string(const TlModel *m, int lane, double t0, double dt, int ncells, char *buf);

/* The view: which slice of time the pane shows. */
typedef struct TlView {
    double t0;   /* time at the left edge */
    int zoom;    /* index into the seconds-per-cell table */
    bool follow; /* keep the latest time in view while running */
} TlView;

double tlview_cell_dt(const TlView *v);
void tlview_zoom(TlView *v, int delta); /* + zooms in (less time per cell) */
/* Picks the zoom that fits `duration` into ncells; t0 = 0. */
void tlview_fit(TlView *v, double duration, int ncells);
/* Scrolls so that time t is visible in ncells (used while following). */
void tlview_show(TlView *v, double t, int ncells);

#endif
