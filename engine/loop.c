/* loop: the event loop (ready ring, timer heap, clocks, iterations). The
 * ordering rules and the clock policy are documented in loop.h. */
#include "engine/loop.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "engine/internal.h"

/* ---------------------------------------------------------------- clock */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * LOOP_NS_PER_SEC + ts.tv_nsec;
}

int64_t loop_ns_from_seconds(double s)
{
    if (!(s == s)) return 0;
    if (s >= 9.2e9) return INT64_MAX / 2;
    if (s <= -9.2e9) return -(INT64_MAX / 2);
    return (int64_t)llround(s * 1e9);
}

int64_t loop_time(Loop *L)
{
    if (L->clock != LOOP_CLOCK_REAL) return L->now;
    int64_t m = mono_ns();
    if (m <= L->real_base) return L->now; /* holding after loop_block_for */
    return L->now + (int64_t)((double)(m - L->real_base) * L->speed);
}

/* Virtual/stepped: move the clock forward to t (never back). */
static void set_now(Loop *L, int64_t t)
{
    if (t > L->now) L->now = t;
    L->busy_debt = 0;
}

void loop_set_clock(Loop *L, LoopClock clock, double speed)
{
    int64_t t = loop_time(L);
    L->now = t;
    L->clock = clock;
    L->speed = speed > 0 ? speed : 0;
    L->real_base = mono_ns();
    L->busy_debt = 0;
}

LoopClock loop_clock(const Loop *L)
{
    return L->clock;
}

void loop_set_no_block(Loop *L, bool no_block)
{
    L->no_block = no_block;
}

void loop_set_busy_ns(Loop *L, int64_t busy_ns)
{
    L->busy_ns = busy_ns > 0 ? busy_ns : 0;
}

void loop_advance(Loop *L, int64_t ns)
{
    if (ns <= 0) return;
    if (L->clock == LOOP_CLOCK_REAL)
        L->now += ns;
    else
        set_now(L, L->now + ns);
}

void loop_block_for(Loop *L, int64_t ns)
{
    if (ns < 0) ns = 0;
    int64_t t0 = loop_time(L);
    int64_t t1 = t0 + ns;
    if (L->clock == LOOP_CLOCK_REAL) {
        /* Jump now, then hold the clock at t1 until real time catches up. */
        int64_t real = L->speed > 0 ? (int64_t)((double)ns / L->speed) : 0;
        L->now = t1;
        L->real_base = mono_ns() + real;
    } else {
        set_now(L, t1);
    }
    /* The event is stamped T0 (t_ns) .. T1 (t2_ns). */
    if (L->trace)
        trace_add(L->trace, TRACE_BLOCK, t0, L->iter, L->current ? L->current->id : 0, 0,
                  TRACE_WHY_NONE, t1, NULL, 0);
}

/* ---------------------------------------------------------------- ready ring */

/* The ring and the heap give memory back once they drain: a large one
 * (more than SHRINK_MIN cells or entries) used to less than a quarter (the
 * heap) or an eighth (the ring) halves at the start of an iteration, so that
 * 100,000 first steps or timers do not keep their megabytes through a long
 * sleeping phase, and a later burst (gather's results) finds them free. The
 * gap between the two thresholds and doubling on growth keep a size that
 * goes up and down from resizing at every step. */
enum { SHRINK_MIN = 1024 };

/* Copies the ring into a block of ncap cells (>= ncells), head at 0. */
static int ring_resize(Loop *L, size_t ncap)
{
    ReadyCell *n = mem_alloc(L->mem, ncap * sizeof *n);
    if (!n) return -1;
    for (size_t i = 0; i < L->ncells; i++)
        n[i] = L->ring[(L->head + i) & (L->cap - 1)];
    mem_free(L->mem, L->ring, L->cap * sizeof *n);
    L->ring = n;
    L->cap = ncap;
    L->head = 0;
    return 0;
}

static int ring_grow(Loop *L)
{
    return ring_resize(L, L->cap ? L->cap * 2 : 64);
}

int loop_ring_grow(Loop *L)
{
    if (ring_grow(L) < 0) {
        L->nomem = true;
        return -1;
    }
    return 0;
}

/* The ring is full: grow it, then push. */
int loop_enqueue_slow(Loop *L, LoopFn fn, void *data)
{
    if (loop_ring_grow(L) < 0) return -1;
    return loop_enqueue(L, fn, data);
}

void loop_ready_arg(Loop *L, void *data, void *arg) {}
void loop_ready_arg_hold(Loop *L, void *data, void *arg) {}
void loop_ready_run(Loop *L, void *data, void *arg) {}
void loop_ready_cb0(Loop *L, void *data, void *arg) {}

/* The ring's last item is p's first step, alone or ending a run: t, the
 * task created right after p, joins it (ReadyCell). Looking backwards is
 * safe because no cell's first word is a marker unless it heads an item
 * (data words are objects, never the markers or task_step_cb), and an
 * unstarted task has no step queued but its first. */
int loop_enqueue_first_step(Loop *L, Task *t)
{
    Task *p = L->tasks_tail; /* t's predecessor on the pending-tasks list */
    if (p && !p->fut.started && L->ncells) {
        size_t m = L->cap - 1, i = (L->head + L->ncells - 1) & m;
        ReadyCell *c = &L->ring[i];
        if (L->ncells >= 2 && c->last.last == p && L->ring[(i - 1) & m].run.mark == loop_ready_run) {
            c->last.last = t;
            L->count++;
            return 0;
        }
        if (c->call.fn == task_step_cb && c->call.data == p) {
            if (L->ncells == L->cap) {
                if (loop_ring_grow(L) < 0) return -1;
                m = L->cap - 1;
                i = L->ncells - 1;
            }
            L->ring[i].run.mark = loop_ready_run;
            L->ring[i].run.first = p;
            L->ring[(i + 1) & m].last.last = t;
            L->ncells++;
            L->count++;
            return 0;
        }
    }
    return loop_enqueue(L, task_step_cb, t);
}

int loop_call_soon(Loop *L, LoopFn fn, void *data, void *arg)
{
    return arg ? loop_enqueue_arg(L, fn, data, arg, false) : loop_enqueue(L, fn, data);
}

typedef struct ReadyItem {
    LoopFn fn;
    void *data, *arg;
    Future *hold; /* released after fn ran */
} ReadyItem;

/* Takes the front item off the ring. */
static inline ReadyItem ready_pop(Loop *L)
{
    size_t m = L->cap - 1;
    ReadyCell c = L->ring[L->head];
    ReadyItem it;
    if (__builtin_expect(c.run.mark == loop_ready_run, 0)) {
        /* the run's first step; the next task (unstarted, so still on the
         * list) becomes its first before this step runs */
        Task *t = c.run.first;
        if (t == L->ring[(L->head + 1) & m].last.last) {
            L->head = (L->head + 2) & m;
            L->ncells -= 2;
        } else {
            L->ring[L->head].run.first = (Task *)t->fut.next;
        }
        L->count--;
        return (ReadyItem){task_step_cb, t, NULL, NULL};
    }
    if (c.cb0.mark == loop_ready_cb0) {
        Future *f = c.cb0.f;
        it = (ReadyItem){f->cb0.fn, f->cb0.data, f, f};
        f->cb0.fn = NULL;
        f->cb0.data = NULL;
        L->head = (L->head + 1) & m;
        L->ncells--;
    } else if (__builtin_expect(c.head.mark == loop_ready_arg || c.head.mark == loop_ready_arg_hold, 0)) {
        ReadyCell t = L->ring[(L->head + 1) & m];
        it = (ReadyItem){c.head.fn, t.tail.data, t.tail.arg,
                         c.head.mark == loop_ready_arg_hold ? t.tail.arg : NULL};
        L->head = (L->head + 2) & m;
        L->ncells -= 2;
    } else {
        it = (ReadyItem){c.call.fn, c.call.data, NULL, NULL};
        L->head = (L->head + 1) & m;
        L->ncells--;
    }
    L->count--;
    return it;
}

/* Pops and runs the front item. */
static void run_one(Loop *L)
{
    ReadyItem it = ready_pop(L);
    L->batch_left--;
    L->running = true;
    it.fn(L, it.data, it.arg);
    L->running = false;
    if (it.hold) future_release(it.hold);
}

/* ---------------------------------------------------------------- timers */

/* Heap entries carry their deadline, so that sifting compares keys in the
 * heap array itself: with 100,000 random timers a pop would otherwise touch
 * ~34 timers scattered over memory (a cache miss each). The sequence number
 * that breaks ties is read from the timer, only when deadlines are equal.
 *
 * Three kinds of timer: a LoopTimer of its own (loop_call_at), the timer
 * a sleep block keeps in its future (NcoSleep in internal.h), which spares
 * a sleeping coroutine one allocation and 48 bytes, and the timer of a task
 * in task_sleep_until, kept in the Task itself (its state in fut.sl_timer,
 * its sequence number in sleep_seq), which spares the sleep block too. A
 * heap entry tells them apart by bits 0 and 1 of its ref (every block is
 * 16-aligned); the ref_* helpers read any of them.
 *
 * Sequence numbers are compared modulo 2^32 (a task keeps 32 bits): equal
 * deadlines fire in arming order unless 2^31 timers were armed while the
 * earlier one waited, which no lesson comes near.
 *
 * A cancelled timer stays in the heap, marked (TIMER_CANCELLED_IN_HEAP), as
 * in CPython: then a timer needs no back-index into the heap, and sifting
 * never writes to a timer. Invariant: the top (heap[0]) is never a cancelled
 * timer (clean_top runs after every cancel and pop), so everything that
 * looks at the next deadline or at nheap == 0 sees only live timers. When
 * more than half of a large heap is cancelled it is rebuilt (CPython's
 * rule), so cancelled timers cannot pile up. */
#define REF_SLEEP ((uintptr_t)1)
#define REF_TASK  ((uintptr_t)2)
#define REF_TAGS  (REF_SLEEP | REF_TASK)

static inline bool ref_is_sleep(uintptr_t r)
{
    return (r & REF_SLEEP) != 0;
}

static inline bool ref_is_task(uintptr_t r)
{
    return (r & REF_TASK) != 0;
}

static inline Task *ref_task(uintptr_t r)
{
    return (Task *)(r & ~REF_TAGS);
}

static inline LoopTimer *ref_timer(uintptr_t r)
{
    return (LoopTimer *)r;
}

static inline Future *ref_block(uintptr_t r)
{
    return (Future *)(r & ~REF_SLEEP);
}

static inline uint32_t ref_seq(uintptr_t r)
{
    if (ref_is_task(r)) return ref_task(r)->sleep_seq;
    return (uint32_t)(ref_is_sleep(r) ? ref_block(r)->t_seq : ref_timer(r)->seq);
}

static inline unsigned ref_state(uintptr_t r)
{
    if (ref_is_task(r)) return ref_task(r)->fut.sl_timer;
    return ref_is_sleep(r) ? ref_block(r)->sl_timer : ref_timer(r)->state;
}

static inline void ref_set_state(uintptr_t r, unsigned st)
{
    if (ref_is_task(r))
        ref_task(r)->fut.sl_timer = st & 7;
    else if (ref_is_sleep(r))
        ref_block(r)->sl_timer = st & 7;
    else
        ref_timer(r)->state = (uint8_t)st;
}

static bool ent_less(HeapEnt a, HeapEnt b)
{
    return a.when < b.when ||
           (a.when == b.when && (int32_t)(ref_seq(a.ref) - ref_seq(b.ref)) < 0);
}

/* A 4-ary heap: half the levels of a binary one, and the four children of
 * a node are 64 contiguous bytes. */
enum { HEAP_D = 4 };

static void heap_up(Loop *L, size_t i)
{
    HeapEnt e = L->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / HEAP_D;
        if (!ent_less(e, L->heap[p])) break;
        L->heap[i] = L->heap[p];
        i = p;
    }
    L->heap[i] = e;
}

static void heap_down(Loop *L, size_t i)
{
    HeapEnt e = L->heap[i];
    size_t n = L->nheap;
    for (;;) {
        size_t c = HEAP_D * i + 1;
        if (c >= n) break;
        size_t end = c + HEAP_D < n ? c + HEAP_D : n;
        size_t m = c;
        for (size_t k = c + 1; k < end; k++)
            if (ent_less(L->heap[k], L->heap[m])) m = k;
        if (!ent_less(L->heap[m], e)) break;
        L->heap[i] = L->heap[m];
        i = m;
    }
    L->heap[i] = e;
}

static uintptr_t heap_pop(Loop *L)
{
    uintptr_t r = L->heap[0].ref;
    L->nheap--;
    if (L->nheap) {
        L->heap[0] = L->heap[L->nheap];
        heap_down(L, 0);
    }
    return r;
}

static void heap_push(Loop *L, int64_t when, uintptr_t r)
{
    L->heap[L->nheap] = (HeapEnt){when, r};
    L->nheap++;
    heap_up(L, L->nheap - 1);
}

static void timer_done(Loop *L, uintptr_t r);

static void clean_top(Loop *L)
{
    while (L->ncancelled && L->nheap && ref_state(L->heap[0].ref) == TIMER_CANCELLED_IN_HEAP) {
        timer_done(L, heap_pop(L));
        L->ncancelled--;
    }
}

/* Drop every cancelled timer and re-heapify (Floyd). */
static void heap_compact(Loop *L)
{
    size_t j = 0;
    for (size_t i = 0; i < L->nheap; i++) {
        if (ref_state(L->heap[i].ref) == TIMER_CANCELLED_IN_HEAP)
            timer_done(L, L->heap[i].ref);
        else
            L->heap[j++] = L->heap[i];
    }
    L->nheap = j;
    L->ncancelled = 0;
    for (size_t i = j / HEAP_D + 1; i-- > 0;)
        if (i < j) heap_down(L, i);
}

/* A sleep block's timer goes idle: its link slots are links again, and the
 * block joins the all-futures list (its reference is still the loop's). */
static void sleep_idle(Future *f)
{
    f->sl_timer = TIMER_IDLE;
    future_link(f);
}

/* The loop is done with the timer r. No pool of its own: mem's size
 * classes recycle timers as well. A sleep block's timer goes idle and the
 * loop's reference on the block is released (which may free it). */
static void timer_done(Loop *L, uintptr_t r)
{
    if (ref_is_task(r)) {
        Task *t = ref_task(r);
        t->fut.sl_timer = TIMER_IDLE;
        if (t->fut.zombie) mem_free(L->mem, t, sizeof *t);
        return;
    }
    if (ref_is_sleep(r)) {
        Future *f = ref_block(r);
        sleep_idle(f);
        future_release(f);
        return;
    }
    mem_free(L->mem, ref_timer(r), sizeof(LoopTimer));
}

static void heap_shrink(Loop *L)
{
    size_t ncap = L->capheap / 2;
    HeapEnt *n = mem_realloc(L->mem, L->heap, L->capheap * sizeof *n, ncap * sizeof *n);
    if (n) {
        L->heap = n;
        L->capheap = ncap;
    }
}

static int heap_reserve(Loop *L)
{
    if (L->nheap == L->capheap) {
        size_t ncap = L->capheap ? L->capheap * 2 : 64;
        HeapEnt *n = mem_realloc(L->mem, L->heap, L->capheap * sizeof *n, ncap * sizeof *n);
        if (!n) return -1;
        L->heap = n;
        L->capheap = ncap;
    }
    return 0;
}

int loop_sleep_arm(Loop *L, Future *f, int64_t when)
{
    if (heap_reserve(L) < 0) return -1;
    future_retain(f);
    f->t_when = when;
    f->t_seq = L->timer_seq++;
    f->sl_timer = TIMER_IN_HEAP;
    heap_push(L, when, (uintptr_t)f | REF_SLEEP);
    return 0;
}

int loop_task_sleep_arm(Loop *L, Task *t, int64_t when)
{
    if (heap_reserve(L) < 0) return -1;
    t->sleep_seq = (uint32_t)L->timer_seq++;
    t->fut.sl_timer = TIMER_IN_HEAP;
    heap_push(L, when, (uintptr_t)t | REF_TASK);
    return 0;
}

LoopTimer *loop_call_at(Loop *L, int64_t when, LoopFn fn, void *data, void *arg)
{
    if (heap_reserve(L) < 0) return NULL;
    LoopTimer *t = mem_alloc(L->mem, sizeof *t);
    if (!t) return NULL;
    t->when = when;
    t->seq = L->timer_seq++;
    t->fn = fn;
    t->data = data;
    t->arg = arg;
    t->state = TIMER_IN_HEAP;
    heap_push(L, when, (uintptr_t)t);
    return t;
}

LoopTimer *loop_call_later(Loop *L, int64_t delay, LoopFn fn, void *data, void *arg)
{
    return loop_call_at(L, loop_time(L) + delay, fn, data, arg);
}

int64_t loop_timer_when(const LoopTimer *t)
{
    return t->when;
}

static void cancel_ref(Loop *L, uintptr_t r)
{
    unsigned st = ref_state(r);
    if (st == TIMER_IN_HEAP) {
        ref_set_state(r, TIMER_CANCELLED_IN_HEAP);
        L->ncancelled++;
        if (L->ncancelled > 100 && 2 * L->ncancelled > L->nheap)
            heap_compact(L);
        else
            clean_top(L);
    } else if (st == TIMER_IN_READY) {
        ref_set_state(r, TIMER_CANCELLED); /* skipped, still counted (§2) */
    }
}

void loop_timer_cancel(Loop *L, LoopTimer *t)
{
    if (t) cancel_ref(L, (uintptr_t)t);
}

void loop_sleep_cancel(Loop *L, Future *f)
{
    cancel_ref(L, (uintptr_t)f | REF_SLEEP);
}

void loop_task_sleep_cancel(Loop *L, Task *t)
{
    cancel_ref(L, (uintptr_t)t | REF_TASK);
}

/* Ready-queue trampoline of a due timer. The handle dies before fn runs. */
static void timer_run(Loop *L, void *data, void *arg)
{
    LoopTimer *t = data;
    bool live = t->state == TIMER_IN_READY;
    LoopFn fn = t->fn;
    void *d = t->data, *a = t->arg;
    timer_done(L, (uintptr_t)t);
    if (live) fn(L, d, a);
}

/* ... of a due sleep block: the block outlives the completion (the loop's
 * reference goes after it). */
static void sleep_run(Loop *L, void *data, void *arg)
{
    Future *f = data;
    bool live = f->sl_timer == TIMER_IN_READY;
    sleep_idle(f);
    if (live) future_resolve_held(f);
    future_release(f);
}

/* ---------------------------------------------------------------- lifetime */

Loop *loop_new(Host *host)
{
    Loop *L = mem_calloc(host->mem, sizeof *L);
    if (!L) return NULL;
    L->host = host;
    L->mem = host->mem;
    L->clock = LOOP_CLOCK_VIRTUAL;
    L->speed = 1.0;
    L->now = host->now_ns;
    L->busy_ns = LOOP_BUSY_NS;
    if (ring_grow(L) < 0) {
        mem_free(host->mem, L, sizeof *L);
        return NULL;
    }
    return L;
}

/* Drop every queued callback without running it; due timers among them go
 * back to the free list. */
static void drain_ready(Loop *L)
{
    while (L->count) {
        ReadyItem it = ready_pop(L);
        if (it.fn == timer_run) {
            LoopTimer *t = it.data;
            if (t->state == TIMER_IN_READY) loop_drop_callback(L->host, t->fn, t->data);
            timer_done(L, (uintptr_t)t);
        } else if (it.fn == sleep_run) {
            timer_done(L, (uintptr_t)it.data | REF_SLEEP); /* the engine's own */
        } else if (it.fn == task_sleep_run) {
            timer_done(L, (uintptr_t)it.data | REF_TASK);
        } else {
            loop_drop_callback(L->host, it.fn, it.data);
        }
        if (it.hold) future_release(it.hold);
    }
    L->batch_left = 0;
}

/* loop_free: pending tasks move from their list to the all-futures list,
 * the loop's reference on each becoming the pin loop_free holds on every
 * future it detaches. */
static void move_tasks_to_futs(Loop *L)
{
    while (L->tasks_head) {
        Task *t = L->tasks_head;
        task_unlink_pending(L, t);
        future_link(&t->fut);
    }
}

/* ... and so do the sleep blocks armed in the heap (the others are freed
 * with the heap itself); tasks' timers go idle (a zombie's block is freed). */
static void move_sleeps_to_futs(Loop *L)
{
    size_t j = 0;
    for (size_t i = 0; i < L->nheap; i++) {
        uintptr_t r = L->heap[i].ref;
        if (ref_is_task(r)) {
            if (ref_state(r) == TIMER_CANCELLED_IN_HEAP) L->ncancelled--;
            timer_done(L, r);
        } else if (ref_is_sleep(r)) {
            if (ref_state(r) == TIMER_CANCELLED_IN_HEAP) L->ncancelled--;
            sleep_idle(ref_block(r));
        } else {
            L->heap[j++] = L->heap[i];
        }
    }
    L->nheap = j; /* no longer a heap: only freed from here on */
}

void loop_free(Loop *L)
{
    if (!L) return;
    L->host->now_ns = loop_time(L);
    /* Break every tie from futures to the loop: pin them first so that
     * nothing is freed while the list is walked, detach them (tasks drop
     * their coroutines, gathers their children, callbacks are cleared), then
     * drop the pins. Futures the host still references stay alive, detached
     * (loop NULL). A coroutine drop should not create futures or schedule
     * work, but if it does, the new futures (always inserted at the head of
     * the list) get the same treatment in another round, and what they
     * queued is drained. */
    Future *done = NULL; /* the list from `done` on is pinned and detached */
    for (;;) {
        drain_ready(L);
        for (Future *f = L->futs; f != done; f = f->next)
            f->refs++;
        move_tasks_to_futs(L); /* pinned by the loop's reference */
        move_sleeps_to_futs(L);
        if (L->futs == done) break;
        Future *start = L->futs;
        for (Future *f = start; f != done; f = f->next)
            future_detach(f);
        done = start;
    }
    for (Future *f = L->futs; f; f = f->next)
        f->loop = NULL;
    while (L->futs) {
        Future *f = L->futs;
        L->futs = f->next;
        f->prev = f->next = NULL;
        future_release(f);
    }
    for (size_t i = 0; i < L->nheap; i++) {
        LoopTimer *t = ref_timer(L->heap[i].ref);
        if (t->state == TIMER_IN_HEAP) loop_drop_callback(L->host, t->fn, t->data);
        timer_done(L, (uintptr_t)t);
    }
    mem_free(L->mem, L->heap, L->capheap * sizeof *L->heap);
    mem_free(L->mem, L->ring, L->cap * sizeof *L->ring);
    mem_free(L->mem, L, sizeof *L);
}

void loop_drop_callback(Host *h, LoopFn fn, void *data)
{
    if (fn == nco_release_waiter_cb)
        future_release(data);
    else if (h->ops->callback_dropped)
        h->ops->callback_dropped(h->ctx, fn, data);
}

Host *loop_host(const Loop *L)
{
    return L->host;
}

Mem *loop_mem(const Loop *L)
{
    return L->mem;
}

/* ---------------------------------------------------------------- iterations */

enum { PREP_GO = -1 };

/* Decide whether an iteration can start now, moving or waiting for the
 * clock as the clock mode says. Waits at most until loop time `limit` (real
 * clock). Returns PREP_GO or a LoopStatus. */
static int prepare(Loop *L, int64_t limit)
{
    if (L->stopping) return PREP_GO;
    switch (L->clock) {
    case LOOP_CLOCK_VIRTUAL:
        if (L->count) {
            if (L->busy_ns && L->nheap) { /* the busy charge, loop.h */
                L->busy_debt += L->busy_ns;
                if (L->now + L->busy_debt >= L->heap[0].when) set_now(L, L->heap[0].when);
            }
            return PREP_GO;
        }
        if (!L->nheap) return LOOP_IDLE;
        if (L->heap[0].when > limit) return LOOP_WAITING;
        set_now(L, L->heap[0].when);
        return PREP_GO;
    case LOOP_CLOCK_STEPPED:
        if (L->count) return PREP_GO;
        if (!L->nheap) return LOOP_IDLE;
        return L->heap[0].when <= L->now ? PREP_GO : LOOP_WAITING;
    case LOOP_CLOCK_REAL:
        for (;;) {
            int64_t m = mono_ns();
            int64_t wait_real; /* real ns to wait, or -1 for none needed */
            if (m < L->real_base) {
                wait_real = L->real_base - m; /* blocked by loop_block_for */
            } else {
                if (L->count) return PREP_GO;
                if (!L->nheap) return LOOP_IDLE;
                int64_t now = loop_time(L);
                int64_t when = L->heap[0].when;
                if (when <= now) return PREP_GO;
                if (now >= limit) return LOOP_WAITING;
                if (L->speed <= 0) return LOOP_WAITING; /* paused: only the host can help */
                int64_t until = when < limit ? when : limit;
                wait_real = (int64_t)ceil((double)(until - now) / L->speed);
            }
            if (L->no_block) return LOOP_WAITING;
            /* There are no descriptors to watch, so the wait is a sleep to an
             * absolute monotonic time (ns precision, unlike poll's ms). */
            int64_t until_real = mono_ns() + wait_real;
            struct timespec ts = {.tv_sec = until_real / LOOP_NS_PER_SEC,
                                  .tv_nsec = until_real % LOOP_NS_PER_SEC};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        }
    }
    return LOOP_IDLE;
}

static void start_iteration(Loop *L)
{
    L->iter++;
    if (L->nheap) {
        int64_t now = loop_time(L);
        while (L->nheap && L->heap[0].when <= now) {
            int64_t when = L->heap[0].when;
            uintptr_t r = heap_pop(L);
            clean_top(L);
            ref_set_state(r, TIMER_IN_READY);
            int err = ref_is_task(r)    ? loop_enqueue(L, task_sleep_run, ref_task(r))
                      : ref_is_sleep(r) ? loop_enqueue(L, sleep_run, ref_block(r))
                                        : loop_enqueue(L, timer_run, ref_timer(r));
            if (err < 0) {
                /* Keep it: back into the heap, fires next time. */
                ref_set_state(r, TIMER_IN_HEAP);
                heap_push(L, when, r);
                break;
            }
        }
    }
    L->batch_left = L->count;
    if (__builtin_expect(L->capheap > SHRINK_MIN && L->nheap < L->capheap / 4, 0)) heap_shrink(L);
    if (__builtin_expect(L->cap > SHRINK_MIN && L->ncells < L->cap / 8, 0))
        ring_resize(L, L->cap / 2); /* on ENOMEM it stays as it is */
}

static LoopStatus end_check(Loop *L)
{
    if (L->nomem) {
        L->nomem = false;
        return LOOP_ENOMEM;
    }
    if (L->batch_left == 0 && L->stopping) {
        L->stopping = false;
        return LOOP_STOPPED;
    }
    return LOOP_RAN;
}

static LoopStatus once(Loop *L, int64_t limit)
{
    if (L->batch_left == 0) {
        int p = prepare(L, limit);
        if (p != PREP_GO) return (LoopStatus)p;
        start_iteration(L);
    }
    while (L->batch_left)
        run_one(L);
    return end_check(L);
}

LoopStatus loop_run_once(Loop *L)
{
    return once(L, INT64_MAX);
}

LoopStatus loop_run_step(Loop *L)
{
    uint64_t s0 = L->steps;
    for (;;) {
        if (L->batch_left == 0) {
            int p = prepare(L, INT64_MAX);
            if (p != PREP_GO) return (LoopStatus)p;
            start_iteration(L);
        }
        if (L->batch_left) run_one(L);
        LoopStatus st = end_check(L);
        if (st != LOOP_RAN) return st;
        if (L->steps != s0) return LOOP_RAN;
    }
}

LoopStatus loop_run_until(Loop *L, int64_t t)
{
    if (L->clock == LOOP_CLOCK_REAL) {
        for (;;) {
            if (L->batch_left == 0 && loop_time(L) >= t) return LOOP_RAN;
            LoopStatus st = once(L, t);
            if (st == LOOP_STOPPED || st == LOOP_ENOMEM || st == LOOP_IDLE) return st;
            if (st == LOOP_WAITING && (L->no_block || L->speed <= 0)) return st;
        }
    }
    /* Iterations that start with callbacks ready are charged busy_ns each
     * against the span, so a sleep(0) loop cannot keep us here forever; when
     * the span is used up that way we return without moving the clock (it
     * only moves when nothing is ready, loop.h). */
    int64_t spent = 0;
    for (;;) {
        if (L->batch_left == 0 && !L->stopping) {
            if (L->count) {
                spent += L->busy_ns;
                if (L->busy_ns && L->now + spent > t) return LOOP_RAN;
            } else if (L->nheap && L->heap[0].when <= t) {
                if (L->clock == LOOP_CLOCK_STEPPED) set_now(L, L->heap[0].when);
            } else {
                break;
            }
        }
        LoopStatus st = once(L, t);
        if (st == LOOP_STOPPED || st == LOOP_ENOMEM) return st;
        if (st != LOOP_RAN) break;
    }
    bool idle = !L->count && !L->nheap;
    set_now(L, t);
    return idle ? LOOP_IDLE : LOOP_RAN;
}

LoopStatus loop_run_forever(Loop *L)
{
    for (;;) {
        LoopStatus st = loop_run_once(L);
        if (st == LOOP_STOPPED) return LOOP_RAN;
        if (st != LOOP_RAN) return st;
    }
}

static void stop_cb(Loop *L, void *data, void *arg)
{
    L->stopping = true;
}

LoopStatus loop_run_until_complete(Loop *L, Future *fut)
{
    if (future_add_callback(fut, stop_cb, NULL) < 0) return LOOP_ENOMEM;
    LoopStatus st = loop_run_forever(L);
    future_remove_callback(fut, stop_cb, NULL);
    if (st == LOOP_RAN && !future_done(fut)) return LOOP_IDLE;
    return st;
}

void loop_stop(Loop *L)
{
    L->stopping = true;
}

int64_t loop_wait_hint(Loop *L)
{
    if (L->clock == LOOP_CLOCK_REAL) {
        int64_t m = mono_ns();
        if (m < L->real_base) return L->real_base - m;
    }
    if (L->count || L->stopping) return 0;
    if (!L->nheap) return -1;
    int64_t d = L->heap[0].when - loop_time(L);
    if (d <= 0) return 0;
    if (L->clock != LOOP_CLOCK_REAL) return L->clock == LOOP_CLOCK_VIRTUAL ? 0 : d;
    if (L->speed <= 0) return -1;
    return (int64_t)ceil((double)d / L->speed);
}

/* ---------------------------------------------------------------- queries */

size_t loop_ready_count(const Loop *L)
{
    return L->count;
}

size_t loop_timer_count(const Loop *L)
{
    return L->nheap - L->ncancelled;
}

uint64_t loop_iteration(const Loop *L)
{
    return L->iter;
}

uint64_t loop_steps(const Loop *L)
{
    return L->steps;
}

bool loop_is_running(const Loop *L)
{
    return L->running;
}

Task *loop_current_task(const Loop *L)
{
    return L->current;
}

Task *loop_first_task(const Loop *L)
{
    return L->tasks_head;
}

size_t loop_task_count(const Loop *L)
{
    return L->ntasks;
}

/* ---------------------------------------------------------------- trace */

void loop_set_trace(Loop *L, Trace *trace)
{
    L->trace = trace;
}

Trace *loop_trace(const Loop *L)
{
    return L->trace;
}

void loop_trace_event(Loop *L, TraceKind kind, uint64_t task, uint64_t other, TraceWhy why,
                      int64_t t2, const char *text, size_t len)
{
    trace_add(L->trace, kind, loop_time(L), L->iter, task, other, why, t2, text, len);
}

void loop_output(Loop *L, const char *text, size_t len)
{
    LOOP_TRACE(L, TRACE_OUTPUT, L->current ? L->current->id : 0, 0, TRACE_WHY_NONE, 0, text, len);
}
