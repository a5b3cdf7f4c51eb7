/* engine_test.h: fixtures shared by the engine's Check suites.
 *
 * TCo is a scripted coroutine: a tiny program of steps (log a line, bare
 * yield, await a native sleep inline, await a future, return, raise, catch
 * the next exception). It implements coro.h's vtable and awaits native
 * coroutines by delegating its resumes to them, the way the interpreter's
 * frames will, so the suites exercise the protocol end to end. Lines are
 * logged as "[it N] text" like asyncio-semantics.md's itc.py helper.
 */
#ifndef AIO_ENGINE_TEST_H
#define AIO_ENGINE_TEST_H

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/coro.h"
#include "engine/future.h"
#include "engine/host.h"
#include "engine/loop.h"
#include "engine/nco.h"
#include "engine/task.h"
#include "engine/trace.h"

typedef struct TLog {
    char buf[8192];
    size_t len;
} TLog;

static inline void tlog(TLog *lg, Loop *L, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void tlog(TLog *lg, Loop *L, const char *fmt, ...)
{
    va_list ap;
    if (lg->len + 256 > sizeof lg->buf) return; /* full: tests compare short logs */
    int n = snprintf(lg->buf + lg->len, sizeof lg->buf - lg->len, "[it %llu] ",
                     (unsigned long long)loop_iteration(L));
    lg->len += (size_t)n;
    va_start(ap, fmt);
    n = vsnprintf(lg->buf + lg->len, sizeof lg->buf - lg->len - 1, fmt, ap);
    va_end(ap);
    lg->len += (size_t)n < sizeof lg->buf - lg->len - 2 ? (size_t)n : sizeof lg->buf - lg->len - 2;
    lg->buf[lg->len++] = '\n';
    lg->buf[lg->len] = 0;
}

/* A test world: Mem, Host with default ops, one loop, a log. */
typedef struct TWorld {
    Mem mem;
    Host host;
    Loop *loop;
    TLog log;
} TWorld;

static inline void tw_init(TWorld *w)
{
    memset(w, 0, sizeof *w);
    mem_init(&w->mem, 0);
    host_init(&w->host, &w->mem, NULL, NULL);
    w->loop = loop_new(&w->host);
    ck_assert_ptr_nonnull(w->loop);
}

/* Frees everything and checks that no byte leaked. */
static inline void tw_fini(TWorld *w)
{
    loop_free(w->loop);
    host_fini(&w->host);
    ck_assert_uint_eq(w->mem.used, 0);
}

typedef enum TOp {
    T_LOG,         /* log s (and loop_output it, like print) */
    T_YIELD,       /* bare yield (sleep(0)) */
    T_SLEEP,       /* await nco_sleep(n ns) inline */
    T_TSLEEP,      /* sleep n ns on the task's own timer (task_sleep_until), or as T_SLEEP
                      when the task cannot */
    T_AWAIT,       /* await future f (or *pf when f is NULL) */
    T_CORO,        /* await the coroutine made by mk(w, arg) inline */
    T_RET,         /* return n */
    T_RAISE,       /* raise ValueError(s) */
    T_TRY,         /* the next await's exception is caught and logged as "s caught REPR";
                      n = 1: re-raised after logging */
    T_CANCEL_SELF, /* current task cancel() */
    T_CALL,        /* fut = call(w); when fut is not NULL await it (the reference is the
                      coroutine's); with s set, log "s REPR" of the awaited result */
    T_LOGTASK,     /* log "s <current task name>" */
    T_END          /* return n of the last T_RET ... (implicit return None) */
} TOp;

typedef struct TStep {
    TOp op;
    const char *s;
    int64_t n;
    Future *f;
    Future **pf;
    Coro (*mk)(TWorld *w, int64_t arg);
    Future *(*call)(TWorld *w);
} TStep;

/* Designated-only step constructors (mixing positional and designated
 * initializers trips -Wmissing-field-initializers). */
#define S_LOG(str)                                                                                 \
    {                                                                                              \
        .op = T_LOG, .s = (str)                                                                    \
    }
#define S_YIELD                                                                                    \
    {                                                                                              \
        .op = T_YIELD                                                                              \
    }
#define S_SLEEP(ns)                                                                                \
    {                                                                                              \
        .op = T_SLEEP, .n = (ns)                                                                   \
    }
#define S_TSLEEP(ns)                                                                               \
    {                                                                                              \
        .op = T_TSLEEP, .n = (ns)                                                                  \
    }
#define S_AWAIT(fut)                                                                               \
    {                                                                                              \
        .op = T_AWAIT, .f = (fut)                                                                  \
    }
#define S_AWAITP(pfut)                                                                             \
    {                                                                                              \
        .op = T_AWAIT, .pf = (pfut)                                                                \
    }
#define S_CORO(fn, arg)                                                                            \
    {                                                                                              \
        .op = T_CORO, .mk = (fn), .n = (arg)                                                       \
    }
#define S_RET(v)                                                                                   \
    {                                                                                              \
        .op = T_RET, .n = (v)                                                                      \
    }
#define S_RAISE(str)                                                                               \
    {                                                                                              \
        .op = T_RAISE, .s = (str)                                                                  \
    }
#define S_TRY(tag, reraise)                                                                        \
    {                                                                                              \
        .op = T_TRY, .s = (tag), .n = (reraise)                                                    \
    }
#define S_CANCEL_SELF                                                                              \
    {                                                                                              \
        .op = T_CANCEL_SELF                                                                        \
    }
#define S_CALL(fn, tag)                                                                            \
    {                                                                                              \
        .op = T_CALL, .call = (fn), .s = (tag)                                                     \
    }
#define S_LOGTASK(str)                                                                             \
    {                                                                                              \
        .op = T_LOGTASK, .s = (str)                                                                \
    }
/* T_CORO with a tag logs "tag REPR" of the returned value. */
#define S_CORO_LOG(fn, arg, tag)                                                                   \
    {                                                                                              \
        .op = T_CORO, .mk = (fn), .n = (arg), .s = (tag)                                           \
    }
#define S_END                                                                                      \
    {                                                                                              \
        .op = T_END                                                                                \
    }

typedef struct TCo {
    const TStep *prog;
    size_t pc;
    TWorld *w;
    Coro sub;   /* inline-awaited native coroutine */
    int trying; /* 0 none, 1 catch, 2 catch and re-raise */
    const char *try_tag;
    Future *awaiting;
    Task *tsleep; /* suspended in task_sleep_until (T_TSLEEP) */
} TCo;

static inline size_t t_repr(TWorld *w, void *v, bool exc, char *buf, size_t n)
{
    return w->host.ops->repr(w->host.ctx, v, exc, buf, n);
}

/* Values in tests: small ints print as numbers, 'A'..'z' as that letter,
 * HostList as [a, b]. */
static inline size_t t_value(TWorld *w, void *v, char *buf, size_t n)
{
    intptr_t i = host_to_int(v);
    if (i >= 'A' && i <= 'z') return (size_t)snprintf(buf, n, "'%c'", (char)i);
    if (i > 4096 || i < -4096) { /* a HostList or a HostExc from the defaults */
        const HostList *l = v;
        if (l->items == (void **)(l + 1)) {
            size_t len = (size_t)snprintf(buf, n, "[");
            for (size_t k = 0; k < l->n && len < n; k++) {
                if (k) len += (size_t)snprintf(buf + len, n - len, ", ");
                if (len < n) len += t_value(w, l->items[k], buf + len, n - len);
            }
            if (len < n) len += (size_t)snprintf(buf + len, n - len, "]");
            return len;
        }
        return t_repr(w, v, true, buf, n);
    }
    return t_repr(w, v, false, buf, n);
}

static inline void tco_log_value(TCo *c, const TStep *s, void *v)
{
    if (s->s && (s->op == T_CORO || s->op == T_CALL)) {
        char b[256];
        t_value(c->w, v, b, sizeof b);
        tlog(&c->w->log, c->w->loop, "%s %s", s->s, b);
    }
}

static CoroStatus tco_resume(void *self, Task *task, CoroIn how, void *in, void **out);
static void tco_drop(void *self)
{
    TCo *c = self;
    coro_drop(c->sub);
    if (c->tsleep) task_sleep_abandon(c->tsleep);
    if (c->awaiting) future_release(c->awaiting);
    mem_free(&c->w->mem, c, sizeof *c);
}
static const CoroVt tco_vt = {"tco", tco_resume, tco_drop};

static inline Coro tco(TWorld *w, const TStep *prog)
{
    TCo *c = mem_calloc(&w->mem, sizeof *c);
    if (!c) return (Coro){NULL, NULL};
    c->prog = prog;
    c->w = w;
    return (Coro){&tco_vt, c};
}

/* An exception arrived at the current await: catch it or propagate it. */
static CoroStatus tco_exc(TCo *c, void *exc, bool owned, void **out, bool *cont)
{
    Loop *L = c->w->loop;
    if (c->trying) {
        char r[128];
        t_repr(c->w, exc, true, r, sizeof r);
        HostExc *he = exc;
        if (he->cause) {
            char rc[64];
            t_repr(c->w, he->cause, true, rc, sizeof rc);
            tlog(&c->w->log, L, "%s caught %s from %s", c->try_tag, r, rc);
        } else {
            tlog(&c->w->log, L, "%s caught %s", c->try_tag, r);
        }
        int mode = c->trying;
        c->trying = 0;
        if (mode == 1) {
            if (owned) host_release(&c->w->host, exc);
            *cont = true;
            return CORO_RETURN;
        }
    }
    if (!owned) host_retain(&c->w->host, exc);
    *out = exc;
    *cont = false;
    return CORO_RAISE;
}

static CoroStatus tco_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    TCo *c = self;
    TWorld *w = c->w;
    Loop *L = w->loop;
    bool cont;
    CoroStatus st;
    if (c->sub.vt) { /* delegate, like `yield from` */
        st = coro_resume(c->sub, task, how, in, out);
        if (st == CORO_SUSPEND || st == CORO_YIELD) return st;
        coro_drop(c->sub);
        c->sub.vt = NULL;
        if (st == CORO_RAISE) {
            st = tco_exc(c, *out, true, out, &cont);
            if (!cont) return st;
        } else {
            tco_log_value(c, &c->prog[c->pc - 1], *out);
            host_release(&w->host, *out);
            c->trying = 0;
        }
    } else if (c->awaiting || c->tsleep || (c->pc > 0 && c->prog[c->pc - 1].op == T_YIELD)) {
        c->tsleep = NULL;
        if (c->awaiting) {
            future_release(c->awaiting);
            c->awaiting = NULL;
        }
        if (how == CORO_THROW) {
            st = tco_exc(c, in, false, out, &cont);
            if (!cont) return st;
        } else {
            c->trying = 0;
            tco_log_value(c, &c->prog[c->pc - 1], in);
        }
    } else if (how == CORO_THROW) { /* not started (or between steps) */
        host_retain(&w->host, in);
        *out = in;
        return CORO_RAISE;
    }
    for (;;) {
        const TStep *s = &c->prog[c->pc++];
        switch (s->op) {
        case T_LOG: /* print(): also a TRACE_OUTPUT when tracing */
            tlog(&w->log, L, "%s", s->s);
            loop_output(L, s->s, strlen(s->s));
            break;
        case T_YIELD: return CORO_YIELD;
        case T_TSLEEP:
            if (task && task_sleep_until(task, loop_time(L) + s->n) == 0) {
                c->tsleep = task;
                *out = NULL;
                return CORO_SUSPEND;
            }
            /* fall through */
        case T_SLEEP:
            c->sub = nco_sleep(L, s->n, NULL);
            if (!c->sub.vt) {
                *out = w->host.ops->memory_error(w->host.ctx);
                return CORO_RAISE;
            }
            st = coro_resume(c->sub, task, CORO_SEND, NULL, out);
            if (st == CORO_SUSPEND || st == CORO_YIELD) return st;
            coro_drop(c->sub);
            c->sub.vt = NULL;
            break;
        case T_AWAIT: {
            Future *f = s->f ? s->f : *s->pf;
            if (future_done(f)) {
                void *e = future_take_error(f);
                if (e) {
                    st = tco_exc(c, e, true, out, &cont);
                    if (!cont) return st;
                }
                break;
            }
            future_retain(f);
            c->awaiting = f;
            *out = f;
            return CORO_SUSPEND;
        }
        case T_CORO: {
            c->sub = s->mk(w, s->n);
            if (!c->sub.vt) {
                *out = w->host.ops->memory_error(w->host.ctx);
                return CORO_RAISE;
            }
            st = coro_resume(c->sub, task, CORO_SEND, NULL, out);
            if (st == CORO_SUSPEND || st == CORO_YIELD) return st;
            coro_drop(c->sub);
            c->sub.vt = NULL;
            if (st == CORO_RAISE) {
                st = tco_exc(c, *out, true, out, &cont);
                if (!cont) return st;
            } else {
                tco_log_value(c, s, *out);
                host_release(&w->host, *out);
            }
            break;
        }
        case T_CALL: {
            Future *f = s->call(w);
            if (!f) break;
            if (future_done(f)) {
                void *e = future_take_error(f);
                if (!e) tco_log_value(c, s, future_result(f));
                future_release(f);
                if (e) {
                    st = tco_exc(c, e, true, out, &cont);
                    if (!cont) return st;
                }
                break;
            }
            c->awaiting = f;
            *out = f;
            return CORO_SUSPEND;
        }
        case T_LOGTASK: {
            char nb[32];
            task_name(loop_current_task(L), nb, sizeof nb);
            tlog(&w->log, L, "%s %s", s->s, nb);
            break;
        }
        case T_RET: *out = host_int(s->n); return CORO_RETURN;
        case T_RAISE:
            *out = host_exc_new(&w->host, HOST_EXC_ERROR, s->s);
            if (!*out) *out = w->host.ops->memory_error(w->host.ctx);
            return CORO_RAISE;
        case T_TRY:
            c->trying = s->n ? 2 : 1;
            c->try_tag = s->s;
            break;
        case T_CANCEL_SELF: task_cancel(loop_current_task(L), NULL); break;
        case T_END: *out = NULL; return CORO_RETURN;
        }
    }
}

/* main() for a suite of one TCase: ENGINE_SUITE_MAIN("loop", test_a, test_b) */
#define ENGINE_SUITE_MAIN(name, ...)                                                               \
    int main(void)                                                                                 \
    {                                                                                              \
        Suite *s_ = suite_create(name);                                                            \
        TCase *tc_ = tcase_create("core");                                                         \
        const TTest *tests_[] = {__VA_ARGS__};                                                     \
        for (size_t i_ = 0; i_ < sizeof tests_ / sizeof tests_[0]; i_++)                           \
            tcase_add_test(tc_, tests_[i_]);                                                       \
        suite_add_tcase(s_, tc_);                                                                  \
        SRunner *sr_ = srunner_create(s_);                                                         \
        srunner_run_all(sr_, CK_NORMAL);                                                           \
        int failed_ = srunner_ntests_failed(sr_);                                                  \
        srunner_free(sr_);                                                                         \
        return failed_ ? 1 : 0;                                                                    \
    }

#endif
