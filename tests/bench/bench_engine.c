/* bench_engine: the engine's C API under load (not run by make check).
 *
 *   switches  1,000 tasks each doing 1,000 bare yields (sleep(0)): 1M task
 *             switches, ns per switch and switches per second
 *   spawn     100,000 tasks created and gathered (each returns at once)
 *   timers    100,000 call_later timers with random delays, virtual clock
 *   sleepers  100,000 tasks each awaiting sleep(random) inline, gathered
 *   suspended bytes per suspended task: tasks parked on one shared future,
 *             in a native sleep (nco_sleep), and on their own timer
 *             (task_sleep_until; the heap is already grown by then)
 *   trace     the switches phase with the trace recording: ns per event
 *
 * Each phase uses a fresh Mem, so its peak is the phase's own. Run:
 *   make tests/bench/bench_engine && tests/bench/bench_engine
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "engine/coro.h"
#include "engine/future.h"
#include "engine/host.h"
#include "engine/loop.h"
#include "engine/nco.h"
#include "engine/task.h"
#include "engine/trace.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* CPU time of this process: unlike wall time, not inflated when the
 * machine is shared and the bench gets preempted. */
static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A bench coroutine: `left` bare yields, or one inline native sleep, or one
 * await of a shared future; then returns. */
typedef struct BCo {
    Loop *loop;
    Coro sub;
    Future *wait;
    int32_t left;
    bool own;         /* sleep on the task's own timer (task_sleep_until) */
    int64_t sleep_ns; /* > 0: sleep instead of yielding */
} BCo;

static CoroStatus bco_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    BCo *b = self;
    if (b->sub.vt) {
        CoroStatus st = coro_resume(b->sub, task, how, in, out);
        if (st == CORO_SUSPEND || st == CORO_YIELD) return st;
        coro_drop(b->sub);
        b->sub.vt = NULL;
        return st;
    }
    if (how == CORO_THROW) {
        *out = in;
        return CORO_RAISE;
    }
    if (b->wait) {
        Future *f = b->wait;
        b->wait = NULL;
        *out = f;
        return CORO_SUSPEND;
    }
    if (b->sleep_ns > 0 && b->own && task &&
        task_sleep_until(task, loop_time(b->loop) + b->sleep_ns) == 0) {
        b->sleep_ns = 0;
        *out = NULL;
        return CORO_SUSPEND;
    }
    if (b->sleep_ns > 0) {
        b->sub = nco_sleep(b->loop, b->sleep_ns, NULL);
        b->sleep_ns = 0;
        return bco_resume(self, task, how, in, out);
    }
    if (b->left-- > 0) return CORO_YIELD;
    *out = NULL;
    return CORO_RETURN;
}

static void bco_drop(void *self)
{
    BCo *b = self;
    coro_drop(b->sub);
    mem_free(loop_mem(b->loop), b, sizeof *b);
}

static const CoroVt bco_vt = {"bench", bco_resume, bco_drop};

static Coro bco(Loop *L, int32_t yields, int64_t sleep_ns, Future *wait)
{
    BCo *b = mem_calloc(loop_mem(L), sizeof *b);
    if (!b) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    b->loop = L;
    b->left = yields;
    b->sleep_ns = sleep_ns;
    b->wait = wait;
    return (Coro){&bco_vt, b};
}

typedef struct World {
    Mem mem;
    Host host;
    Loop *loop;
} World;

static void world_init(World *w)
{
    mem_init(&w->mem, 0);
    host_init(&w->host, &w->mem, NULL, NULL);
    w->loop = loop_new(&w->host);
}

static void world_fini(World *w)
{
    loop_free(w->loop);
    host_fini(&w->host);
    if (w->mem.used) printf("  LEAK: %zu bytes\n", w->mem.used);
}

static void report(const char *what, int64_t ns, long ops, const Mem *m)
{
    printf("%-34s %9.1f ns/op  %8.2f Mop/s  peak %7.1f MiB\n", what, (double)ns / ops,
           ops * 1e3 / (double)ns, m->peak / 1048576.0);
}

/* Runs n tasks made by mk(i) to completion, gathered; returns elapsed ns. */
static int64_t spawn_gather(World *w, long n, Coro (*mk)(Loop *, long))
{
    Task **t = malloc((size_t)n * sizeof *t);
    Future **f = malloc((size_t)n * sizeof *f);
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        t[i] = task_new(w->loop, mk(w->loop, i), NULL);
        f[i] = task_future(t[i]);
    }
    Future *g = nco_gather(w->loop, f, (size_t)n, false);
    loop_run_until_complete(w->loop, g);
    int64_t ns = now_ns() - t0;
    if (!future_done(g)) printf("  gather did not finish\n");
    future_release(g);
    for (long i = 0; i < n; i++)
        task_release(t[i]);
    free(t);
    free(f);
    return ns;
}

static Coro mk_return(Loop *L, long i)
{
    return bco(L, 0, 0, NULL);
}

static Coro mk_sleeper(Loop *L, long i)
{
    return bco(L, 0, 1 + (int64_t)(rnd() % 10000000000ull), NULL);
}

static long fired;
static void count_cb(Loop *L, void *data, void *arg)
{
    fired++;
}

int main(int argc, char **argv)
{
    World w;
    /* optional argument: run only phase N (1-5), for profiling */
    int only = argc > 1 ? atoi(argv[1]) : 0;
#define PHASE(k) if (!only || only == (k))

    /* 1. 1M task switches over 1,000 tasks */
    PHASE(1)
    {
        /* best of 5 rounds: the machine is shared, take the quietest */
        enum { NT = 1000, NY = 1000 };
        static Task *t[NT];
        int64_t best = INT64_MAX, best_cpu = INT64_MAX;
        long steps = 0;
        for (int round = 0; round < 5; round++) {
            world_init(&w);
            for (int i = 0; i < NT; i++)
                t[i] = task_new(w.loop, bco(w.loop, NY - 1, 0, NULL), NULL);
            int64_t t0 = now_ns(), c0 = cpu_ns();
            loop_run_forever(w.loop);
            int64_t ns = now_ns() - t0, cns = cpu_ns() - c0;
            if (ns < best) best = ns;
            if (cns < best_cpu) best_cpu = cns;
            steps = (long)loop_steps(w.loop);
            for (int i = 0; i < NT; i++)
                task_release(t[i]);
            if (round == 4) {
                report("switches (1k x 1k yields, best of 5)", best, steps, &w.mem);
                report("  same, CPU time", best_cpu, steps, &w.mem);
            }
            world_fini(&w);
        }
    }

    /* 2. 100k spawned tasks gathered */
    PHASE(2)
    {
        world_init(&w);
        report("spawn+gather (100k tasks)", spawn_gather(&w, 100000, mk_return), 100000, &w.mem);
        world_fini(&w);
    }

    /* 3. 100k random-delay timers, virtual clock */
    PHASE(3)
    {
        world_init(&w);
        {
            enum { N = 100000 };
            fired = 0;
            int64_t t0 = now_ns();
            for (long i = 0; i < N; i++)
                loop_call_later(w.loop, 1 + (int64_t)(rnd() % 10000000000ull), count_cb, NULL,
                                NULL);
            loop_run_forever(w.loop);
            int64_t ns = now_ns() - t0;
            report("timers (100k random call_later)", ns, N, &w.mem);
            if (fired != N) printf("  only %ld timers fired\n", fired);
        }
        world_fini(&w);
    }

    /* 4. 100k tasks sleeping random delays, gathered */
    PHASE(4)
    {
        world_init(&w);
        report("sleepers (100k sleep(rand), gather)", spawn_gather(&w, 100000, mk_sleeper), 100000,
               &w.mem);
        world_fini(&w);
    }

    /* 5. bytes per suspended task */
    PHASE(5)
    {
        world_init(&w);
        {
            enum { N = 100000 };
            static Task *t[N];
            Future *shared = future_new(w.loop);
            /* grow the ready ring first so that it is not counted per task */
            for (long i = 0; i < N; i++)
                loop_call_soon(w.loop, count_cb, NULL, NULL);
            loop_run_once(w.loop);
            size_t base = w.mem.used;
            for (long i = 0; i < N; i++) {
                future_retain(shared);
                t[i] = task_new(w.loop, bco(w.loop, 0, 0, shared), NULL);
            }
            loop_run_once(w.loop);
            size_t parked = w.mem.used - base;
            printf("%-34s %9.1f bytes (task + coroutine + waiter slot)\n", "suspended on a future",
                   (double)parked / N);
            future_set_result(shared, NULL);
            loop_run_forever(w.loop);
            for (long i = 0; i < N; i++)
                task_release(t[i]);
            /* the coroutines kept one reference each to `shared` */
            for (long i = 0; i < N; i++)
                future_release(shared);
            future_release(shared);

            base = w.mem.used;
            for (long i = 0; i < N; i++)
                t[i] =
                    task_new(w.loop, bco(w.loop, 0, 1 + (int64_t)(rnd() % 1000000000), NULL), NULL);
            loop_run_once(w.loop);
            parked = w.mem.used - base;
            printf("%-34s %9.1f bytes (+ sleep state, future, timer)\n", "suspended in sleep(d)",
                   (double)parked / N);
            loop_run_forever(w.loop);
            for (long i = 0; i < N; i++)
                task_release(t[i]);

            base = w.mem.used;
            for (long i = 0; i < N; i++) {
                Coro c = bco(w.loop, 0, 1 + (int64_t)(rnd() % 1000000000), NULL);
                ((BCo *)c.self)->own = true;
                t[i] = task_new(w.loop, c, NULL);
            }
            loop_run_once(w.loop);
            parked = w.mem.used - base;
            printf("%-34s %9.1f bytes (task + coroutine + heap entry)\n",
                   "suspended in task_sleep_until", (double)parked / N);
            loop_run_forever(w.loop);
            for (long i = 0; i < N; i++)
                task_release(t[i]);
        }
        world_fini(&w);
    }

    /* 6. the switch phase with the trace on: what recording costs. Round 0
     * writes into fresh memory (page faults dominate on a VM); rounds 1-2
     * reuse the cleared trace's buffers, the steady state of a host that
     * clears the trace between runs. */
    PHASE(6)
    {
        enum { NT = 1000, NY = 1000 };
        static Task *t[NT];
        Mem tmem;
        mem_init(&tmem, 0);
        Trace *tr = trace_new(&tmem);
        int64_t cold = 0, warm = INT64_MAX, off = INT64_MAX;
        size_t events = 0;
        for (int round = 0; round < 6; round++) {
            bool on = round < 3; /* rounds 3-5: the same with the trace off */
            world_init(&w);
            trace_clear(tr);
            loop_set_trace(w.loop, on ? tr : NULL);
            for (int i = 0; i < NT; i++)
                t[i] = task_new(w.loop, bco(w.loop, NY - 1, 0, NULL), NULL);
            int64_t t0 = cpu_ns();
            loop_run_forever(w.loop);
            int64_t ns = cpu_ns() - t0;
            if (round == 0)
                cold = ns;
            else if (on && ns < warm)
                warm = ns;
            else if (!on && ns < off)
                off = ns;
            if (on) events = trace_count(tr);
            for (int i = 0; i < NT; i++)
                task_release(t[i]);
            world_fini(&w);
        }
        printf("%-34s %9.1f ns/op  (trace %.1f MiB, %zu events)\n", "switches, trace on, cold (CPU)",
               (double)cold / 1e6, tmem.peak / 1048576.0, events);
        printf("%-34s %9.1f ns/op  = %.1f ns per event over trace off (%.1f ns/op)\n",
               "switches, trace on, reused (CPU)", (double)warm / 1e6,
               (double)(warm - off) / (double)events, (double)off / 1e6);
        /* the recording itself, buffer in cache (cleared every 4096 events) */
        int64_t t0 = cpu_ns();
        for (int i = 0; i < 10000000; i++) {
            if ((i & 4095) == 0) trace_clear(tr);
            trace_add(tr, TRACE_STEP_BEGIN, i, (uint64_t)i, 3, 0, TRACE_WHY_NONE, 0, NULL, 0);
        }
        printf("%-34s %9.1f ns/event\n", "trace_add, buffer in cache (CPU)", (cpu_ns() - t0) / 1e7);
        trace_free(tr);
    }
    return 0;
}
