/* value: the one value type of the lesson language.
 *
 * A Value is a small tagged union passed by value (16 bytes): None, bool,
 * 64-bit int and float live inline, with no allocation and no reference
 * count; everything else is a pointer to a refcounted heap object (Obj, see
 * obj.h). Arithmetic on the inline kinds never touches the heap, which is
 * what keeps fib(27) well ahead of CPython.
 *
 * Ownership (the rule every function of engine/lang follows):
 *  - A Value argument is BORROWED: the callee does not consume it, and takes
 *    its own reference (val_incref) if it keeps it.
 *  - A Value written through an out-parameter (`Value *out`) or returned by a
 *    `*_new` function is a NEW reference: the caller owns it and must
 *    val_decref it exactly once.
 *  - Functions whose name contains `take` adopt (steal) the reference they
 *    are given, even when they fail.
 *  - Struct fields holding a Value own a reference, unless the field's
 *    comment says "borrowed".
 * Inline kinds ignore incref/decref, so the rule can be applied blindly.
 *
 * VAL_UNDEF is never visible to a program: it marks an unbound local, an
 * empty table slot or "no value" (the zero Value, so calloc'ed frames start
 * out unbound).
 */
#ifndef AIO_LANG_VALUE_H
#define AIO_LANG_VALUE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum ValTag {
    VAL_UNDEF = 0, /* not a value: unbound / empty / absent */
    VAL_NONE,
    VAL_BOOL,
    VAL_INT,   /* int64_t; results that do not fit raise OverflowError */
    VAL_FLOAT, /* IEEE double */
    VAL_OBJ,   /* pointer to a refcounted Obj (never NULL) */
} ValTag;

struct Obj;

typedef struct Value {
    ValTag tag;
    union {
        bool b;
        int64_t i;
        double f;
        struct Obj *o;
    } u;
} Value;

/* Constructors: plain compound literals, no allocation. */
#define VAL_UNDEF_V ((Value){.tag = VAL_UNDEF})
#define VAL_NONE_V  ((Value){.tag = VAL_NONE})
static inline Value val_bool(bool b)
{
    return (Value){.tag = VAL_BOOL, .u.b = b};
}
static inline Value val_int(int64_t i)
{
    return (Value){.tag = VAL_INT, .u.i = i};
}
static inline Value val_float(double f)
{
    return (Value){.tag = VAL_FLOAT, .u.f = f};
}
/* Wraps a pointer without touching its reference count. */
static inline Value val_obj(struct Obj *o)
{
    return (Value){.tag = VAL_OBJ, .u.o = o};
}

static inline bool val_is_undef(Value v)
{
    return v.tag == VAL_UNDEF;
}
static inline bool val_is_none(Value v)
{
    return v.tag == VAL_NONE;
}
static inline bool val_is_bool(Value v)
{
    return v.tag == VAL_BOOL;
}
static inline bool val_is_int(Value v)
{
    return v.tag == VAL_INT;
}
static inline bool val_is_float(Value v)
{
    return v.tag == VAL_FLOAT;
}
static inline bool val_is_obj(Value v)
{
    return v.tag == VAL_OBJ;
}

/* Identity, as Python's `is`: same tag and same payload (for floats, the
 * same bits; for objects, the same pointer). */
bool val_is(Value a, Value b);

/* The header every heap object starts with (the object kinds are in obj.h).
 * `rc` counts owning references; an object whose count reaches zero is freed
 * at once through its type's free slot (deterministic, like CPython: a
 * coroutine dropped unawaited warns right there). Reference cycles (a list
 * that contains itself, an inner function that calls itself) are found and
 * freed by the cycle collector, gc.h, which also owns `flags` in the
 * objects of the kinds it tracks. */
typedef struct Obj {
    uint32_t rc;    /* owning references; OBJ_IMMORTAL never drops */
    uint32_t flags; /* per-kind bits; for kinds the collector tracks, its index */
    const struct ObjType *type;
} Obj;

#define OBJ_IMMORTAL 0x40000000u /* statics and interned names start here */

struct Rt;
/* Frees `o` (count already zero): calls o->type->free. Not for direct use. */
void obj_dealloc(struct Rt *rt, Obj *o);

/* Reference counting; both accept any Value (inline kinds are ignored).
 * val_decref needs the runtime because freeing goes through its Mem. */
static inline Value val_incref(Value v)
{
    if (v.tag == VAL_OBJ)
        v.u.o->rc++;
    return v;
}
static inline void val_decref(struct Rt *rt, Value v)
{
    if (v.tag == VAL_OBJ && --v.u.o->rc == 0)
        obj_dealloc(rt, v.u.o);
}
/* Same for a raw object pointer (NULL allowed). */
static inline void obj_incref(Obj *o)
{
    if (o)
        o->rc++;
}
static inline void obj_decref(struct Rt *rt, Obj *o)
{
    if (o && --o->rc == 0)
        obj_dealloc(rt, o);
}

#endif
