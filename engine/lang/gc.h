/* gc: the cycle collector of the lesson language.
 *
 * Reference counting frees everything except reference cycles: a list that
 * contains itself, `d['get'] = d.get`, an inner function that calls itself
 * (function -> closure -> cell -> function). CPython collects those with a
 * tracing pass over its container objects; so do we, the same way (trial
 * deletion, Modules/gcmodule.c's update_refs / subtract_refs /
 * move_unreachable):
 *
 *  1. every tracked object's count, minus the references other tracked
 *     objects hold on it, is the number of references from outside (C
 *     locals, frames, the Vm, untracked objects);
 *  2. an object with outside references is reachable, and so is everything
 *     a reachable object refers to;
 *  3. the rest is garbage: each of its objects drops its references (the
 *     kind's `clear` slot), which frees the whole group by ordinary
 *     reference counting.
 *
 * Tracking. A kind takes part by having both a `traverse` and a `clear`
 * slot in its ObjType; obj_alloc then tracks every object of that kind, and
 * obj_release untracks it. The tracked objects are a side array in the Rt
 * (8 bytes per object, no list links in the objects); an object's position
 * in it, plus 1, lives in hdr.flags, which such a kind must leave alone (0:
 * not tracked: freed, or taken out by a collection). Kinds without the slots
 * are opaque: whatever they hold counts as held from outside, which only
 * makes the collector keep more than it could.
 *
 * The rule every traverse follows: report each reference the object OWNS
 * to another object, once per reference, and nothing else. An unreported
 * reference makes the collector conservative; a reported one that is not
 * owned (borrowed pointers, stale slots) makes it free live objects.
 *
 * When. The VM polls (gc_due) at calls and backward jumps, and collects
 * when the number of tracked objects has grown past a threshold since the
 * last collection (twice what survived it, at least GC_MIN_THRESHOLD), so
 * the cost is amortized over the allocations that made the work, like the
 * memory it can keep (about twice the live tracked objects); or, when the
 * Mem has a limit, when half the room left under it after the last
 * collection is used. And from interp_free, so a run leaves nothing behind.
 * Never while an object is being freed (rt->free_depth > 0), when some
 * object may be half torn down.
 */
#ifndef AIO_LANG_GC_H
#define AIO_LANG_GC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/lang/value.h"
#include "engine/mem.h"

struct Rt;

/* Called by a traverse slot for each object it owns a reference to. */
typedef void (*GcVisit)(Obj *child, void *arg);

static inline void gc_visit_val(Value v, GcVisit visit, void *arg)
{
    if (v.tag == VAL_OBJ)
        visit(v.u.o, arg);
}
static inline void gc_visit_obj(Obj *o, GcVisit visit, void *arg)
{
    if (o)
        visit(o, arg);
}

#define GC_MIN_THRESHOLD 10000 /* tracked objects between collections, at least */

/* The collector's state, inside the Rt (gc_init zeroes it). */
typedef struct Gc {
    Obj **objs;         /* the tracked objects; objs[i]->flags == i + 1 */
    uint32_t n, cap;    /* in use, allocated */
    uint32_t next;      /* collect when n reaches this */
    size_t next_bytes;  /* ... or when the Mem's use reaches this (a limit is set) */
    uint32_t disabled;  /* > 0: no automatic collections (nesting count) */
    bool collecting;    /* a collection is running */
    uint64_t collections; /* statistics, for tests */
    uint64_t collected;   /* objects found unreachable and freed */
} Gc;

void gc_init(struct Rt *rt);
/* Frees the array. Objects still tracked are left as they are. */
void gc_fini(struct Rt *rt);

/* obj_alloc / obj_release's hooks (see above). gc_track fails (false) only
 * when the array cannot grow; obj_alloc then fails with MemoryError, so
 * every object of a tracked kind is in the array. */
bool gc_track(struct Rt *rt, Obj *o);
void gc_untrack(struct Rt *rt, Obj *o);

/* A full collection now; returns the number of objects freed. Does
 * nothing (returns 0) while an object is being freed or a collection runs.
 * Safe to call from anywhere an allocation could happen. */
size_t gc_collect(struct Rt *rt);

/* Is a collection due? The VM asks at its polling points (calls and
 * backward jumps), where running any code is safe, and then calls
 * gc_collect. Not from inside allocations: a collection frees objects, and
 * the code that allocates may be in the middle of changing some. */
static inline bool gc_due(const Gc *gc, const Mem *m)
{
    return (gc->n >= gc->next || m->used >= gc->next_bytes) && !gc->disabled;
}

#endif
