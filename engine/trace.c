/* trace: an append-only event log plus a text arena. See trace.h.
 *
 * Events live in fixed-size chunks (TRACE_CHUNK events each) reached through
 * a small array of chunk pointers: appending never copies what was recorded
 * (a doubling array moved hundreds of MiB on long runs), trace_clear keeps
 * the chunks for the next run, and the append itself is a bounds check and
 * a store into the current chunk. */
#include "engine/trace.h"

#include <stdio.h>
#include <string.h>

enum { TRACE_CHUNK_SHIFT = 12, TRACE_CHUNK = 1 << TRACE_CHUNK_SHIFT };

struct Trace {
    Mem *mem;
    TraceEvent **chunks; /* chunks[0 .. nchunks) allocated, TRACE_CHUNK events each */
    size_t nchunks, capchunks;
    TraceEvent *cur; /* next free slot in the current chunk */
    size_t left;     /* free slots left at cur */
    size_t n;
    char *text;
    size_t tlen, tcap;
    uint64_t seq;
    bool truncated;
};

static const char *const kind_names[] = {
#define X(k, s) s,
    TRACE_KINDS(X)
#undef X
};

static const char *const why_names[] = {
#define X(k, s) s,
    TRACE_WHYS(X)
#undef X
};

Trace *trace_new(Mem *mem)
{
    Trace *tr = mem_calloc(mem, sizeof *tr);
    if (tr) tr->mem = mem;
    return tr;
}

void trace_free(Trace *tr)
{
    if (!tr) return;
    for (size_t i = 0; i < tr->nchunks; i++)
        mem_free(tr->mem, tr->chunks[i], TRACE_CHUNK * sizeof(TraceEvent));
    mem_free(tr->mem, tr->chunks, tr->capchunks * sizeof *tr->chunks);
    mem_free(tr->mem, tr->text, tr->tcap);
    mem_free(tr->mem, tr, sizeof *tr);
}

void trace_clear(Trace *tr)
{
    tr->n = 0;
    tr->cur = NULL;
    tr->left = 0;
    tr->tlen = 0;
    tr->truncated = false;
}

size_t trace_count(const Trace *tr)
{
    return tr->n;
}

const TraceEvent *trace_at(const Trace *tr, size_t i)
{
    return i < tr->n ? &tr->chunks[i >> TRACE_CHUNK_SHIFT][i & (TRACE_CHUNK - 1)] : NULL;
}

const char *trace_text(const Trace *tr, const TraceEvent *ev)
{
    return ev->text_len ? tr->text + ev->text : "";
}

bool trace_truncated(const Trace *tr)
{
    return tr->truncated;
}

const char *trace_kind_name(TraceKind k)
{
    return k < TRACE_KIND_COUNT ? kind_names[k] : "?";
}

const char *trace_why_name(TraceWhy w)
{
    return w < TRACE_WHY_COUNT ? why_names[w] : "?";
}

/* The current chunk is full (or there is none yet): move to the next one,
 * reusing a chunk kept by trace_clear or allocating one. 0, or -1 on ENOMEM. */
static int next_chunk(Trace *tr)
{
    size_t idx = tr->n >> TRACE_CHUNK_SHIFT; /* n is a multiple of TRACE_CHUNK here */
    if (idx == tr->nchunks) {
        if (tr->nchunks == tr->capchunks) {
            size_t ncap = tr->capchunks ? tr->capchunks * 2 : 16;
            TraceEvent **c = mem_realloc(tr->mem, tr->chunks, tr->capchunks * sizeof *c,
                                         ncap * sizeof *c);
            if (!c) return -1;
            tr->chunks = c;
            tr->capchunks = ncap;
        }
        TraceEvent *ch = mem_alloc(tr->mem, TRACE_CHUNK * sizeof *ch);
        if (!ch) return -1;
        tr->chunks[tr->nchunks++] = ch;
    }
    tr->cur = tr->chunks[idx];
    tr->left = TRACE_CHUNK;
    return 0;
}

int trace_add(Trace *tr, TraceKind kind, int64_t t_ns, uint64_t iter, uint64_t task, uint64_t other,
              TraceWhy why, int64_t t2_ns, const char *text, size_t text_len)
{
    if (__builtin_expect(tr->left == 0, 0) && next_chunk(tr) < 0) {
        tr->truncated = true;
        return -1;
    }
    uint32_t off = 0;
    if (text_len) {
        if (text_len > UINT32_MAX / 2) text_len = UINT32_MAX / 2;
        if (tr->tlen + text_len > tr->tcap) {
            size_t ncap = tr->tcap ? tr->tcap : 4096;
            while (ncap < tr->tlen + text_len)
                ncap *= 2;
            char *n = ncap <= UINT32_MAX ? mem_realloc(tr->mem, tr->text, tr->tcap, ncap) : NULL;
            if (!n) {
                tr->truncated = true;
                return -1;
            }
            tr->text = n;
            tr->tcap = ncap;
        }
        off = (uint32_t)tr->tlen;
        memcpy(tr->text + off, text, text_len);
        tr->tlen += text_len;
    }
    TraceEvent *e = tr->cur++;
    tr->left--;
    tr->n++;
    e->seq = tr->seq++;
    e->t_ns = t_ns;
    e->t2_ns = t2_ns;
    e->iter = iter;
    e->task = task;
    e->other = other;
    e->text = off;
    e->text_len = (uint32_t)text_len;
    e->kind = (uint8_t)kind;
    e->why = (uint8_t)why;
    return 0;
}

size_t trace_format(const Trace *tr, const TraceEvent *ev, char *buf, size_t size)
{
    int n = snprintf(buf, size, "t=%lld.%09lld it=%llu task=%llu %s",
                     (long long)(ev->t_ns / 1000000000), (long long)(ev->t_ns % 1000000000),
                     (unsigned long long)ev->iter, (unsigned long long)ev->task,
                     trace_kind_name(ev->kind));
    if (n < 0) return 0;
    size_t len = (size_t)n;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        int k_ =                                                                                   \
            snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, __VA_ARGS__);     \
        if (k_ > 0) len += (size_t)k_;                                                             \
    } while (0)
    if (ev->why) APPEND(" %s", trace_why_name(ev->why));
    if (ev->other) APPEND(" other=%llu", (unsigned long long)ev->other);
    if (ev->kind == TRACE_SLEEP || ev->kind == TRACE_BLOCK)
        APPEND(" until=%lld.%09lld", (long long)(ev->t2_ns / 1000000000),
               (long long)(ev->t2_ns % 1000000000));
    if (ev->text_len) APPEND(" %.*s", (int)ev->text_len, trace_text(tr, ev));
#undef APPEND
    return len;
}

/* Sweep: +1 at a SLEEP, -1 when that task next begins a step or ends. Events
 * are in time order already, so a running count suffices; a task counts once
 * however many SLEEPs it records before waking. */
size_t trace_max_sleeping(const Trace *tr)
{
    /* Track sleeping tasks in a small open-addressing set keyed by task id. */
    size_t cap = 64, used = 0, cur = 0, best = 0;
    uint64_t *set = mem_calloc(tr->mem, cap * sizeof *set);
    if (!set) return 0;
    for (size_t i = 0; i < tr->n; i++) {
        const TraceEvent *e = trace_at(tr, i);
        if (!e->task) continue;
        bool add = e->kind == TRACE_SLEEP;
        bool del = e->kind == TRACE_STEP_BEGIN || e->kind == TRACE_RESULT ||
                   e->kind == TRACE_EXCEPTION || e->kind == TRACE_CANCELLED;
        if (!add && !del) continue;
        size_t h = (size_t)(e->task * 0x9E3779B97F4A7C15ull) & (cap - 1);
        while (set[h] && set[h] != e->task)
            h = (h + 1) & (cap - 1);
        if (add && !set[h]) {
            set[h] = e->task;
            used++;
            cur++;
            if (cur > best) best = cur;
            if (used * 2 > cap) { /* rehash, keeping only live members */
                size_t ncap = cap * 2;
                uint64_t *n = mem_calloc(tr->mem, ncap * sizeof *n);
                if (!n) break;
                for (size_t j = 0; j < cap; j++) {
                    if (set[j] && set[j] != UINT64_MAX) {
                        size_t k = (size_t)(set[j] * 0x9E3779B97F4A7C15ull) & (ncap - 1);
                        while (n[k])
                            k = (k + 1) & (ncap - 1);
                        n[k] = set[j];
                    }
                }
                mem_free(tr->mem, set, cap * sizeof *set);
                set = n;
                cap = ncap;
                used = cur;
            }
        } else if (del && set[h] == e->task) {
            set[h] = UINT64_MAX; /* tombstone */
            cur--;
        }
    }
    mem_free(tr->mem, set, cap * sizeof *set);
    return best;
}
