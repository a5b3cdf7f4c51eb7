/* ui_run_none: ui_run for a build without the interpreter (see ui_run.h).
 *
 * Linked instead of ui_run.c while engine/lang has no interp_* functions
 * yet: the tutor still shows every page and says plainly that programs
 * cannot run, instead of failing to build. ui.mk picks one of the two. */
#include "app/ui_run.h"

#include <stdlib.h>

struct UiRun {
    TlModel *tl;
};

bool ui_run_available(void)
{
    return false;
}

UiRun *ui_run_new(const char *src, size_t len, const char *filename)
{
    (void)src;
    (void)len;
    (void)filename;
    return NULL;
}

void ui_run_free(UiRun *r)
{
    free(r);
}

bool ui_run_start(UiRun *r, double now, double speed)
{
    (void)r;
    (void)now;
    (void)speed;
    return false;
}

void ui_run_pause(UiRun *r, double now)
{
    (void)r;
    (void)now;
}
void ui_run_resume(UiRun *r, double now)
{
    (void)r;
    (void)now;
}
void ui_run_set_speed(UiRun *r, double now, double speed)
{
    (void)r;
    (void)now;
    (void)speed;
}
double ui_run_speed(const UiRun *r)
{
    (void)r;
    return 1;
}
int ui_run_tick(UiRun *r, double now)
{
    (void)r;
    (void)now;
    return -1;
}
bool ui_run_step(UiRun *r)
{
    (void)r;
    return false;
}
bool ui_run_step_back(UiRun *r)
{
    (void)r;
    return false;
}
UiRunState ui_run_state(const UiRun *r)
{
    (void)r;
    return UI_RUN_UNAVAILABLE;
}
const TlModel *ui_run_timeline(const UiRun *r)
{
    return r ? r->tl : NULL;
}
double ui_run_now(const UiRun *r)
{
    (void)r;
    return 0;
}
int ui_run_steps(const UiRun *r)
{
    (void)r;
    return 0;
}
int ui_run_exit_status(const UiRun *r)
{
    (void)r;
    return -1;
}
int ui_run_line_count(const UiRun *r)
{
    (void)r;
    return 0;
}
const UiRunLine *ui_run_line(const UiRun *r, int i)
{
    (void)r;
    (void)i;
    return NULL;
}
int ui_run_ready_queue(const UiRun *r, char names[][32], int max)
{
    (void)r;
    (void)names;
    (void)max;
    return 0;
}
int ui_run_timers(const UiRun *r, UiRunTimer *out, int max)
{
    (void)r;
    (void)out;
    (void)max;
    return 0;
}
