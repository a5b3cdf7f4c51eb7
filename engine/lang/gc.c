/* gc: trial-deletion cycle collection over the tracked objects (see gc.h).
 *
 * The collection works in the objects' own headers and needs no memory of
 * its own until it has found garbage:
 *  - hdr.rc holds CPython's gc_refs during a collection: the subtract pass
 *    lowers it by every reference a tracked object reports, so what is left
 *    is the count of references from outside; the add pass at the end puts
 *    the reported references back, so every count is exact again before any
 *    object is freed;
 *  - GC_REACHED, the top bit of hdr.rc (counts never get there: immortal
 *    objects start at 2^30), marks an object known to be reachable;
 *  - hdr.flags keeps the object's place in the array, so marking one
 *    reachable moves it, in O(1), to the reachable part at the front: the
 *    array itself is the work list of the mark pass (what CPython does by
 *    moving objects between linked lists).
 * Then the garbage, at the end of the array, is copied to a buffer and
 * taken out of tracking, every object in it is held (+1), each one drops
 * its references (clear), and the holds are released, which frees them.
 * Nothing in between runs lesson code: free slots do not call back into the
 * program, so a cleared object is never seen again.
 */
#include "engine/lang/gc.h"
#include "engine/lang/obj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GC_REACHED 0x80000000u

/* Bytes of growth between collections when the Mem has a limit: at least
 * 1/GC_LIMIT_STEP of the limit, so a program living close to its limit
 * does not collect at every poll. */
#define GC_LIMIT_STEP 32

static inline bool is_tracked(const Obj *o)
{
    return o->type->traverse && o->flags;
}

static void set_next(Rt *rt)
{
    Gc *gc = &rt->gc;
    Mem *m = rt->mem;
    uint32_t grow = gc->n > GC_MIN_THRESHOLD ? gc->n : GC_MIN_THRESHOLD;
    gc->next = gc->n > UINT32_MAX - grow ? UINT32_MAX : gc->n + grow;
    if (m->limit) {
        size_t room = m->used < m->limit ? (m->limit - m->used) / 2 : 0;
        if (room < m->limit / GC_LIMIT_STEP)
            room = m->limit / GC_LIMIT_STEP;
        gc->next_bytes = m->used + room;
    } else {
        gc->next_bytes = SIZE_MAX;
    }
}

void gc_init(Rt *rt)
{
    memset(&rt->gc, 0, sizeof rt->gc);
    set_next(rt);
}

void gc_fini(Rt *rt)
{
    Gc *gc = &rt->gc;
    for (uint32_t i = 0; i < gc->n; i++)
        gc->objs[i]->flags = 0;
    mem_free(rt->mem, gc->objs, (size_t)gc->cap * sizeof *gc->objs);
    memset(gc, 0, sizeof *gc);
}

bool gc_track(Rt *rt, Obj *o)
{
    Gc *gc = &rt->gc;
    if (gc->n == gc->cap) {
        if (gc->cap > UINT32_MAX / 4)
            return false;
        uint32_t ncap = gc->cap ? gc->cap * 2 : 256;
        Obj **na = mem_realloc(rt->mem, gc->objs, (size_t)gc->cap * sizeof *na,
                               (size_t)ncap * sizeof *na);
        if (!na)
            return false;
        gc->objs = na;
        gc->cap = ncap;
    }
    gc->objs[gc->n++] = o;
    o->flags = gc->n;
    return true;
}

void gc_untrack(Rt *rt, Obj *o)
{
    Gc *gc = &rt->gc;
    uint32_t i = o->flags - 1;
    Obj *last = gc->objs[--gc->n];
    gc->objs[i] = last;
    last->flags = i + 1;
    o->flags = 0;
}

/* ---- the passes --------------------------------------------------------- */

static void visit_subtract(Obj *o, void *arg)
{
    (void)arg;
    if (!is_tracked(o))
        return;
    if ((o->rc & ~GC_REACHED) == 0) {
        /* More references reported than the object has: a traverse slot
         * reports one it does not own. Going on would free live objects. */
        fprintf(stderr, "aiotutor: gc: %s object over-reported by a traverse slot\n",
                o->type->name);
        abort();
    }
    o->rc--;
}

static void visit_add(Obj *o, void *arg)
{
    (void)arg;
    if (is_tracked(o))
        o->rc++;
}

/* Moves objs[i] to position *r, the end of the reachable part, and marks it. */
static inline void make_reachable(Obj **objs, uint32_t i, uint32_t *r)
{
    Obj *o = objs[i];
    Obj *other = objs[*r];
    objs[i] = other;
    other->flags = i + 1;
    objs[*r] = o;
    o->flags = *r + 1;
    o->rc |= GC_REACHED;
    (*r)++;
}

typedef struct MarkCtx {
    Obj **objs;
    uint32_t r; /* objs[0, r) are reachable */
} MarkCtx;

static void visit_mark(Obj *o, void *arg)
{
    MarkCtx *c = arg;
    if (is_tracked(o) && !(o->rc & GC_REACHED))
        make_reachable(c->objs, o->flags - 1, &c->r);
}

size_t gc_collect(Rt *rt)
{
    Gc *gc = &rt->gc;
    if (gc->collecting || rt->free_depth > 0)
        return 0;
    gc->collecting = true;
    Obj **objs = gc->objs;
    uint32_t n = gc->n;

    /* update_refs + subtract_refs: rc becomes the outside references. */
    for (uint32_t i = 0; i < n; i++)
        objs[i]->type->traverse(objs[i], visit_subtract, NULL);

    /* move_unreachable: the objects referenced from outside, then all that
     * they reach (the scan runs over the growing reachable part). */
    MarkCtx mc = {objs, 0};
    for (uint32_t i = 0; i < n; i++)
        if ((objs[i]->rc & ~GC_REACHED) > 0)
            make_reachable(objs, i, &mc.r);
    for (uint32_t s = 0; s < mc.r; s++)
        objs[s]->type->traverse(objs[s], visit_mark, &mc);

    /* Exact counts again, for everybody. */
    for (uint32_t i = 0; i < n; i++)
        objs[i]->rc &= ~GC_REACHED;
    for (uint32_t i = 0; i < n; i++)
        objs[i]->type->traverse(objs[i], visit_add, NULL);

    size_t ngarbage = n - mc.r;
    size_t freed = 0;
    if (ngarbage) {
        /* The buffer is the collector's working memory, given back before
         * it returns: it may go past the Mem's limit, which is usually why
         * we are collecting at all. */
        Mem *m = rt->mem;
        size_t limit = m->limit;
        m->limit = 0;
        Obj **garbage = mem_alloc(m, ngarbage * sizeof *garbage);
        m->limit = limit;
        if (garbage) {
            memcpy(garbage, objs + mc.r, ngarbage * sizeof *garbage);
            gc->n = mc.r;
            for (size_t i = 0; i < ngarbage; i++) {
                garbage[i]->flags = 0;
                garbage[i]->rc++;
            }
            for (size_t i = 0; i < ngarbage; i++)
                if (garbage[i]->type->gc_clear_first)
                    garbage[i]->type->clear(rt, garbage[i]);
            for (size_t i = 0; i < ngarbage; i++)
                if (!garbage[i]->type->gc_clear_first)
                    garbage[i]->type->clear(rt, garbage[i]);
            for (size_t i = 0; i < ngarbage; i++) {
                Obj *g = garbage[i];
                if (g->rc > 1)
                    gc_track(rt, g); /* a clear slot kept a reference: not freed now
                                      * (cannot fail: the array had room for it) */
                else
                    freed++;
                obj_decref(rt, g);
            }
            mem_free(m, garbage, ngarbage * sizeof *garbage);
        }
    }
    gc->collections++;
    gc->collected += freed;
    set_next(rt);
    gc->collecting = false;
    return freed;
}
