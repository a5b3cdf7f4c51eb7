/* obj_list: list, tuple, range and slice objects, their iterators, and the
 * stable sort behind list.sort and sorted().
 *
 * A list owns a growable array of Values; a tuple owns a fixed array in the
 * same allocation. Slicing follows CPython's PySlice_GetIndicesEx, so
 * negative and out-of-range bounds clamp as in Python.
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <string.h>

/* ---- index helpers ------------------------------------------------------ */

RtStatus seq_index(Rt *rt, Value key, size_t len, const char *what, size_t *out)
{
    int64_t i;
    if (key.tag == VAL_INT)
        i = key.u.i;
    else if (key.tag == VAL_BOOL)
        i = key.u.b;
    else
        return rt_raise_id(rt, CLS_TypeError, "%s indices must be integers or slices, not %s",
                           what, obj_type_name(rt, key));
    if (i < 0)
        i += (int64_t)len;
    if (i < 0 || i >= (int64_t)len)
        return rt_raise_id(rt, CLS_IndexError, "%s index out of range", what);
    *out = (size_t)i;
    return RT_OK;
}

static RtStatus slice_bound(Rt *rt, Value v, bool *given, int64_t *out)
{
    *given = false;
    if (val_is_undef(v) || val_is_none(v))
        return RT_OK;
    if (v.tag != VAL_INT && v.tag != VAL_BOOL)
        return rt_raise_id(rt, CLS_TypeError,
                           "slice indices must be integers or None or have an __index__ method");
    *given = true;
    *out = v.tag == VAL_INT ? v.u.i : v.u.b;
    return RT_OK;
}

RtStatus slice_indices(Rt *rt, Value vstart, Value vstop, Value vstep, int64_t len,
                       int64_t *pstart, int64_t *pstep, int64_t *pcount)
{
    bool has_start, has_stop, has_step;
    int64_t start = 0, stop = 0, step = 1;
    if (slice_bound(rt, vstep, &has_step, &step) != RT_OK)
        return RT_ERR;
    if (!has_step)
        step = 1;
    if (step == 0)
        return rt_raise_id(rt, CLS_ValueError, "slice step cannot be zero");
    if (step < -INT64_MAX)
        step = -INT64_MAX;
    if (slice_bound(rt, vstart, &has_start, &start) != RT_OK ||
        slice_bound(rt, vstop, &has_stop, &stop) != RT_OK)
        return RT_ERR;
    if (step > 0) {
        if (!has_start)
            start = 0;
        if (!has_stop)
            stop = len;
        if (start < 0 && (start += len) < 0)
            start = 0;
        else if (start > len)
            start = len;
        if (stop < 0 && (stop += len) < 0)
            stop = 0;
        else if (stop > len)
            stop = len;
        *pcount = stop > start ? (stop - start - 1) / step + 1 : 0;
    } else {
        if (!has_start)
            start = len - 1;
        if (!has_stop)
            stop = -1;
        else if (stop < 0 && (stop += len) < 0)
            stop = -1;
        else if (stop >= len)
            stop = len - 1;
        if (has_start) {
            if (start < 0 && (start += len) < 0)
                start = -1;
            else if (start >= len)
                start = len - 1;
        }
        *pcount = start > stop ? (start - stop - 1) / (-step) + 1 : 0;
    }
    *pstart = start;
    *pstep = step;
    return RT_OK;
}

/* ---- shared sequence code ----------------------------------------------- */

static RtStatus seq_repr(Rt *rt, Obj *o, const Value *items, size_t n, const char *open,
                         const char *close, StrBuf *sb)
{
    bool failed;
    if (obj_repr_enter(rt, o, &failed)) {
        sb_puts(sb, open);
        sb_puts(sb, "...");
        sb_puts(sb, close);
        return sb_status(sb);
    }
    if (failed)
        return RT_ERR;
    sb_puts(sb, open);
    RtStatus st = RT_OK;
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, ", ");
        if ((st = obj_repr_sb(rt, items[i], sb)) != RT_OK)
            break;
        /* a list may shrink while an item's repr runs (not in the subset,
         * but cheap to guard). */
        if (o->type == &obj_list_type && i + 1 >= ((List *)o)->len)
            break;
    }
    if (st == RT_OK && n == 1 && o->type == &obj_tuple_type)
        sb_putc(sb, ',');
    sb_puts(sb, close);
    obj_repr_leave(rt, o);
    return st == RT_OK ? sb_status(sb) : st;
}

static void seq_parts(Value v, Value **items, size_t *n)
{
    if (val_is_list(v)) {
        *items = val_list(v)->items;
        *n = val_list(v)->len;
    } else {
        *items = val_tuple(v)->items;
        *n = val_tuple(v)->len;
    }
}

static RtStatus seq_compare_impl(Rt *rt, CmpOp op, Value a, Value b, bool *out);

RtStatus seq_compare(Rt *rt, CmpOp op, Value a, Value b, bool *out)
{
    if (rt->cmp_depth >= RT_MAX_NEST)
        return rt_raise_id(rt, CLS_RecursionError, "maximum recursion depth exceeded in comparison");
    rt->cmp_depth++;
    RtStatus st = seq_compare_impl(rt, op, a, b, out);
    rt->cmp_depth--;
    return st;
}

static RtStatus seq_compare_impl(Rt *rt, CmpOp op, Value a, Value b, bool *out)
{
    Value *ia, *ib;
    size_t na, nb;
    seq_parts(a, &ia, &na);
    seq_parts(b, &ib, &nb);
    if ((op == CMP_EQ || op == CMP_NE) && na != nb) {
        *out = op == CMP_NE;
        return RT_OK;
    }
    size_t i = 0;
    for (i = 0; i < na && i < nb; i++) {
        bool eq;
        if (val_is(ia[i], ib[i]) && !(ia[i].tag == VAL_FLOAT && ia[i].u.f != ia[i].u.f))
            continue;
        if (obj_eq(rt, ia[i], ib[i], &eq) != RT_OK)
            return RT_ERR;
        seq_parts(a, &ia, &na); /* == may have run code; reread */
        seq_parts(b, &ib, &nb);
        if (!eq)
            break;
    }
    if (i >= na || i >= nb) {
        int c = (na > nb) - (na < nb);
        switch (op) {
        case CMP_LT: *out = c < 0; break;
        case CMP_LE: *out = c <= 0; break;
        case CMP_EQ: *out = c == 0; break;
        case CMP_NE: *out = c != 0; break;
        case CMP_GT: *out = c > 0; break;
        case CMP_GE: *out = c >= 0; break;
        }
        return RT_OK;
    }
    if (op == CMP_EQ || op == CMP_NE) {
        *out = op == CMP_NE;
        return RT_OK;
    }
    Value x = val_incref(ia[i]), y = val_incref(ib[i]);
    RtStatus st = obj_compare(rt, op, x, y, out);
    val_decref(rt, x);
    val_decref(rt, y);
    return st;
}

static RtStatus seq_eq_slot(Rt *rt, Obj *a, Value b, bool *out)
{
    if (b.tag != VAL_OBJ || b.u.o->type != a->type) {
        *out = false;
        return RT_OK;
    }
    return seq_compare(rt, CMP_EQ, val_obj(a), b, out);
}

/* ---- list --------------------------------------------------------------- */

static void list_free(Rt *rt, Obj *o)
{
    List *l = (List *)o;
    /* Last item first, as CPython's list_dealloc: the order in which what
     * the items held goes (never-awaited warnings, unretrieved task
     * exceptions) is CPython's. */
    for (size_t i = l->len; i > 0; i--)
        val_decref(rt, l->items[i - 1]);
    mem_free(rt->mem, l->items, l->cap * sizeof(Value));
    obj_release(rt, o, sizeof(List));
}

static void list_traverse(Obj *o, GcVisit visit, void *arg)
{
    List *l = (List *)o;
    for (size_t i = 0; i < l->len; i++)
        gc_visit_val(l->items[i], visit, arg);
}

/* The items array stays (list_free gives it back); it just holds nothing. */
static void list_clear(Rt *rt, Obj *o)
{
    List *l = (List *)o;
    size_t n = l->len;
    l->len = 0;
    for (size_t i = n; i > 0; i--) { /* backwards, as _list_clear */
        Value v = l->items[i - 1];
        l->items[i - 1] = VAL_UNDEF_V;
        val_decref(rt, v);
    }
}

static RtStatus list_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    List *l = (List *)o;
    return seq_repr(rt, o, l->items, l->len, "[", "]", sb);
}

static RtStatus list_len_slot(Rt *rt, Obj *o, int64_t *out)
{
    *out = (int64_t)((List *)o)->len;
    return RT_OK;
}

typedef struct SeqIter {
    Obj hdr;
    Obj *seq;
    size_t i;
} SeqIter;

static void seq_iter_free(Rt *rt, Obj *o)
{
    obj_decref(rt, ((SeqIter *)o)->seq);
    obj_release(rt, o, sizeof(SeqIter));
}

static void seq_iter_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_obj(((SeqIter *)o)->seq, visit, arg);
}

/* An iterator cleared by the collector is never called again (nothing
 * reaches it), so its next slot need not expect a NULL sequence. */
static void seq_iter_clear(Rt *rt, Obj *o)
{
    SeqIter *it = (SeqIter *)o;
    Obj *seq = it->seq;
    it->seq = NULL;
    obj_decref(rt, seq);
}

static RtStatus list_iter_next(Rt *rt, Obj *o, Value *out)
{
    SeqIter *it = (SeqIter *)o;
    List *l = (List *)it->seq;
    if (it->i >= l->len)
        return RT_STOP;
    *out = val_incref(l->items[it->i++]);
    return RT_OK;
}

static RtStatus tuple_iter_next(Rt *rt, Obj *o, Value *out)
{
    SeqIter *it = (SeqIter *)o;
    Tuple *t = (Tuple *)it->seq;
    if (it->i >= t->len)
        return RT_STOP;
    *out = val_incref(t->items[it->i++]);
    return RT_OK;
}

static const ObjType list_iter_type = {
    .name = "list_iterator",
    .free = seq_iter_free,
    .next = list_iter_next,
    .traverse = seq_iter_traverse,
    .clear = seq_iter_clear,
};

static const ObjType tuple_iter_type = {
    .name = "tuple_iterator",
    .free = seq_iter_free,
    .next = tuple_iter_next,
    .traverse = seq_iter_traverse,
    .clear = seq_iter_clear,
};

static RtStatus seq_iter_new(Rt *rt, const ObjType *t, Obj *seq, Value *out)
{
    SeqIter *it = (SeqIter *)obj_alloc(rt, t, sizeof(SeqIter));
    if (!it)
        return RT_ERR;
    it->seq = seq;
    obj_incref(seq);
    *out = val_obj(&it->hdr);
    return RT_OK;
}

static RtStatus list_iter(Rt *rt, Obj *o, Value *out)
{
    return seq_iter_new(rt, &list_iter_type, o, out);
}

static RtStatus tuple_iter(Rt *rt, Obj *o, Value *out)
{
    return seq_iter_new(rt, &tuple_iter_type, o, out);
}

const ObjType obj_list_type = {
    .name = "list",
    .free = list_free,
    .traverse = list_traverse,
    .clear = list_clear,
    .repr = list_repr,
    .eq = seq_eq_slot,
    .iter = list_iter,
    .len = list_len_slot,
    .methods = list_methods,
    .unhashable = true,
    .builtin_class = CLS_list + 1,
};

List *list_new(Rt *rt, size_t cap)
{
    List *l = (List *)obj_alloc(rt, &obj_list_type, sizeof(List));
    if (!l)
        return NULL;
    if (cap) {
        l->items = mem_alloc(rt->mem, cap * sizeof(Value));
        if (!l->items) {
            obj_release(rt, &l->hdr, sizeof(List));
            rt_no_memory(rt);
            return NULL;
        }
        l->cap = cap;
    }
    return l;
}

static RtStatus list_reserve(Rt *rt, List *l, size_t extra)
{
    if (l->len + extra <= l->cap)
        return RT_OK;
    size_t ncap = l->cap < 4 ? 4 : l->cap + l->cap / 2;
    if (ncap < l->len + extra)
        ncap = l->len + extra;
    if (ncap > ((size_t)1 << 40) / sizeof(Value))
        return rt_no_memory(rt);
    Value *ni = mem_realloc(rt->mem, l->items, l->cap * sizeof(Value), ncap * sizeof(Value));
    if (!ni)
        return rt_no_memory(rt);
    l->items = ni;
    l->cap = ncap;
    return RT_OK;
}

RtStatus list_append_take(Rt *rt, List *l, Value v)
{
    if (l->len == l->cap && list_reserve(rt, l, 1) != RT_OK) {
        val_decref(rt, v);
        return RT_ERR;
    }
    l->items[l->len++] = v;
    return RT_OK;
}

RtStatus list_append(Rt *rt, List *l, Value v)
{
    return list_append_take(rt, l, val_incref(v));
}

RtStatus list_extend(Rt *rt, List *l, Value iterable)
{
    if (val_is_list(iterable) || val_is_tuple(iterable)) {
        Value *items;
        size_t n;
        seq_parts(iterable, &items, &n);
        if (list_reserve(rt, l, n) != RT_OK)
            return RT_ERR;
        seq_parts(iterable, &items, &n); /* l may be the iterable */
        for (size_t i = 0; i < n; i++)
            l->items[l->len + i] = val_incref(items[i]);
        l->len += n;
        return RT_OK;
    }
    Value it, x;
    if (obj_iter(rt, iterable, &it) != RT_OK)
        return RT_ERR;
    RtStatus st;
    while ((st = obj_next(rt, it, &x)) == RT_OK)
        if (list_append_take(rt, l, x) != RT_OK) {
            st = RT_ERR;
            break;
        }
    val_decref(rt, it);
    return st == RT_ERR ? RT_ERR : RT_OK;
}

static RtStatus list_slice(Rt *rt, const Value *items, size_t len, Slice *sl, bool as_tuple,
                           Value *out)
{
    int64_t start, step, count;
    if (slice_indices(rt, sl->start, sl->stop, sl->step, (int64_t)len, &start, &step, &count) !=
        RT_OK)
        return RT_ERR;
    if (as_tuple) {
        Tuple *t = tuple_new(rt, (size_t)count);
        if (!t)
            return RT_ERR;
        for (int64_t i = 0, k = start; i < count; i++, k += step)
            t->items[i] = val_incref(items[k]);
        *out = val_obj(&t->hdr);
        return RT_OK;
    }
    List *l = list_new(rt, (size_t)count);
    if (!l)
        return RT_ERR;
    for (int64_t i = 0, k = start; i < count; i++, k += step)
        l->items[i] = val_incref(items[k]);
    l->len = (size_t)count;
    *out = val_obj(&l->hdr);
    return RT_OK;
}

RtStatus list_getitem(Rt *rt, List *l, Value key, Value *out)
{
    if (key.tag == VAL_INT) {
        int64_t i = key.u.i < 0 ? key.u.i + (int64_t)l->len : key.u.i;
        if (i < 0 || i >= (int64_t)l->len)
            return rt_raise_id(rt, CLS_IndexError, "list index out of range");
        *out = val_incref(l->items[i]);
        return RT_OK;
    }
    if (val_is_type(key, &obj_slice_type))
        return list_slice(rt, l->items, l->len, (Slice *)key.u.o, false, out);
    size_t i = 0;
    if (seq_index(rt, key, l->len, "list", &i) != RT_OK)
        return RT_ERR;
    *out = val_incref(l->items[i]);
    return RT_OK;
}

/* Replace items [lo, hi) by the n values of `src` (borrowed; copied). */
static RtStatus list_splice(Rt *rt, List *l, size_t lo, size_t hi, const Value *src, size_t n)
{
    size_t old = hi - lo;
    if (n > old && list_reserve(rt, l, n - old) != RT_OK)
        return RT_ERR;
    /* Keep the removed values until the list is consistent again. */
    Value small[16];
    Value *gone = old <= 16 ? small : mem_alloc(rt->mem, old * sizeof(Value));
    if (!gone)
        return rt_no_memory(rt);
    memcpy(gone, l->items + lo, old * sizeof(Value));
    memmove(l->items + lo + n, l->items + hi, (l->len - hi) * sizeof(Value));
    for (size_t i = 0; i < n; i++)
        l->items[lo + i] = val_incref(src[i]);
    l->len = l->len - old + n;
    for (size_t i = 0; i < old; i++)
        val_decref(rt, gone[i]);
    if (gone != small)
        mem_free(rt->mem, gone, old * sizeof(Value));
    return RT_OK;
}

RtStatus list_setitem(Rt *rt, List *l, Value key, Value v)
{
    if (val_is_type(key, &obj_slice_type)) {
        Slice *sl = (Slice *)key.u.o;
        int64_t start, step, count;
        if (slice_indices(rt, sl->start, sl->stop, sl->step, (int64_t)l->len, &start, &step,
                          &count) != RT_OK)
            return RT_ERR;
        /* Copy the source first: it may be the list itself. */
        Value src;
        if (val_is_list(v) || val_is_tuple(v) || v.tag == VAL_OBJ) {
            if (v.tag != VAL_OBJ || (!v.u.o->type->iter && !v.u.o->type->next))
                return rt_raise_id(rt, CLS_TypeError, step == 1 ? "can only assign an iterable"
                                                                : "must assign iterable to "
                                                                  "extended slice");
            if (obj_to_list(rt, v, &src) != RT_OK)
                return RT_ERR;
        } else {
            return rt_raise_id(rt, CLS_TypeError, step == 1 ? "can only assign an iterable"
                                                            : "must assign iterable to extended "
                                                              "slice");
        }
        List *s = val_list(src);
        RtStatus st = RT_OK;
        if (step == 1) {
            size_t lo = (size_t)start, hi = (size_t)(start + count);
            if (hi < lo)
                hi = lo;
            st = list_splice(rt, l, lo, hi, s->items, s->len);
        } else if ((int64_t)s->len != count) {
            st = rt_raise_id(rt, CLS_ValueError,
                             "attempt to assign sequence of size %zu to extended slice of size "
                             "%lld",
                             s->len, (long long)count);
        } else {
            for (int64_t i = 0, k = start; i < count; i++, k += step) {
                Value old = l->items[k];
                l->items[k] = val_incref(s->items[i]);
                val_decref(rt, old);
            }
        }
        val_decref(rt, src);
        return st;
    }
    size_t i = 0;
    if (seq_index(rt, key, l->len, "list", &i) != RT_OK) {
        if (rt_exc_matches(rt, rt->cls[CLS_IndexError])) {
            rt_clear_exc(rt);
            return rt_raise_id(rt, CLS_IndexError, "list assignment index out of range");
        }
        return RT_ERR;
    }
    Value old = l->items[i];
    l->items[i] = val_incref(v);
    val_decref(rt, old);
    return RT_OK;
}

RtStatus list_delitem(Rt *rt, List *l, Value key)
{
    if (val_is_type(key, &obj_slice_type)) {
        Slice *sl = (Slice *)key.u.o;
        int64_t start, step, count;
        if (slice_indices(rt, sl->start, sl->stop, sl->step, (int64_t)l->len, &start, &step,
                          &count) != RT_OK)
            return RT_ERR;
        if (count == 0)
            return RT_OK;
        if (step < 0) {
            start = start + (count - 1) * step;
            step = -step;
        }
        if (step == 1)
            return list_splice(rt, l, (size_t)start, (size_t)(start + count), NULL, 0);
        /* Compact, dropping every step-th item from start. */
        Value small[16];
        Value *gone = count <= 16 ? small : mem_alloc(rt->mem, (size_t)count * sizeof(Value));
        if (!gone)
            return rt_no_memory(rt);
        size_t w = (size_t)start, g = 0;
        for (size_t r = (size_t)start; r < l->len; r++) {
            if (g < (size_t)count && r == (size_t)start + g * (size_t)step)
                gone[g++] = l->items[r];
            else
                l->items[w++] = l->items[r];
        }
        l->len = w;
        for (size_t i = 0; i < g; i++)
            val_decref(rt, gone[i]);
        if (gone != small)
            mem_free(rt->mem, gone, (size_t)count * sizeof(Value));
        return RT_OK;
    }
    size_t i = 0;
    if (seq_index(rt, key, l->len, "list", &i) != RT_OK) {
        if (rt_exc_matches(rt, rt->cls[CLS_IndexError])) {
            rt_clear_exc(rt);
            return rt_raise_id(rt, CLS_IndexError, "list assignment index out of range");
        }
        return RT_ERR;
    }
    return list_splice(rt, l, i, i + 1, NULL, 0);
}

RtStatus list_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "list", "|iterable", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    if (val_is_undef(a[0])) {
        List *l = list_new(rt, 0);
        if (!l)
            return RT_ERR;
        *out = val_obj(&l->hdr);
        return RT_OK;
    }
    return obj_to_list(rt, a[0], out);
}

/* ---- sorting ------------------------------------------------------------ */

typedef struct SortItem {
    Value key; /* borrowed from `value` when there is no key function */
    Value value;
} SortItem;

/* Stable bottom-up merge sort of n items by key with obj_lt. On error the
 * items are left as some permutation in `a`. */
static RtStatus merge_sort(Rt *rt, SortItem *a, SortItem *tmp, size_t n)
{
    /* Runs of 1 are merged pairwise; insertion-sort small runs first. */
    const size_t RUN = 8;
    for (size_t lo = 0; lo < n; lo += RUN) {
        size_t hi = lo + RUN < n ? lo + RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            SortItem x = a[i];
            size_t j = i;
            while (j > lo) {
                bool lt;
                if (obj_lt(rt, x.key, a[j - 1].key, &lt) != RT_OK) {
                    a[j] = x;
                    return RT_ERR;
                }
                if (!lt)
                    break;
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
    }
    SortItem *src = a, *dst = tmp;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                bool lt;
                if (obj_lt(rt, src[j].key, src[i].key, &lt) != RT_OK) {
                    if (src != a)
                        memcpy(a, src, n * sizeof(SortItem));
                    return RT_ERR;
                }
                dst[k++] = lt ? src[j++] : src[i++];
            }
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        SortItem *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof(SortItem));
    return RT_OK;
}

static void reverse_values(Value *v, size_t n)
{
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        Value t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

RtStatus list_sort(Rt *rt, List *l, Value key, bool reverse)
{
    bool has_key = !val_is_undef(key) && !val_is_none(key);
    /* Take the items out while sorting, as CPython does, so a key function
     * that touches the list sees it empty. */
    Value *items = l->items;
    size_t n = l->len, cap = l->cap;
    l->items = NULL;
    l->len = l->cap = 0;
    RtStatus st = RT_OK;
    SortItem *si = NULL, *tmp = NULL;
    size_t nkeys = 0;
    bool reversed = false;
    /* CPython calls the key function even for a single item. */
    if (n > 1 || (n == 1 && has_key)) {
        si = mem_alloc(rt->mem, n * sizeof(SortItem));
        tmp = mem_alloc(rt->mem, n * sizeof(SortItem));
        if (!si || !tmp) {
            st = rt_no_memory(rt);
            goto restore;
        }
        if (reverse) {
            reverse_values(items, n);
            reversed = true;
        }
        for (size_t i = 0; i < n; i++) {
            si[i].value = items[i];
            if (has_key) {
                if ((st = obj_call1(rt, key, items[i], &si[i].key)) != RT_OK)
                    goto restore;
                nkeys++;
            } else {
                si[i].key = items[i];
            }
        }
        st = merge_sort(rt, si, tmp, n);
        for (size_t i = 0; i < n; i++)
            items[i] = si[i].value;
        if (reverse)
            reverse_values(items, n);
        reversed = false;
    }
restore:
    if (reversed) /* a key function failed: undo the first reversal */
        reverse_values(items, n);
    for (size_t i = 0; i < nkeys; i++)
        val_decref(rt, si[i].key);
    mem_free(rt->mem, si, n * sizeof(SortItem));
    mem_free(rt->mem, tmp, n * sizeof(SortItem));
    /* Whatever the key function appended meanwhile is dropped (CPython
     * raises "list modified during sort"). */
    if (l->items) {
        Value *extra = l->items;
        size_t en = l->len, ec = l->cap;
        l->items = NULL;
        l->len = l->cap = 0;
        for (size_t i = 0; i < en; i++)
            val_decref(rt, extra[i]);
        mem_free(rt->mem, extra, ec * sizeof(Value));
        if (st == RT_OK)
            st = rt_raise_id(rt, CLS_ValueError, "list modified during sort");
    }
    l->items = items;
    l->len = n;
    l->cap = cap;
    return st;
}

/* ---- list methods ------------------------------------------------------- */

#define LSELF val_list(self)

static RtStatus m_append(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "list.append() takes no keyword arguments");
    if (nargs != 1)
        return rt_raise_id(rt, CLS_TypeError, "list.append() takes exactly one argument (%zu "
                                              "given)",
                           nargs);
    if (list_append(rt, LSELF, args[0]) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_extend(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "extend", "iterable", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    if (list_extend(rt, LSELF, a[0]) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_pop(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                      Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "pop", "|index", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    List *l = LSELF;
    int64_t i = -1;
    if (!val_is_undef(a[0]) && val_as_index(rt, a[0], &i) != RT_OK)
        return RT_ERR;
    if (l->len == 0)
        return rt_raise_id(rt, CLS_IndexError, "pop from empty list");
    if (i < 0)
        i += (int64_t)l->len;
    if (i < 0 || i >= (int64_t)l->len)
        return rt_raise_id(rt, CLS_IndexError, "pop index out of range");
    *out = l->items[i];
    memmove(l->items + i, l->items + i + 1, (l->len - (size_t)i - 1) * sizeof(Value));
    l->len--;
    return RT_OK;
}

static RtStatus m_insert(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    Value a[2];
    if (rt_parse_args(rt, "insert", "index,object", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    List *l = LSELF;
    int64_t i;
    if (val_as_index(rt, a[0], &i) != RT_OK)
        return RT_ERR;
    int64_t n = (int64_t)l->len;
    if (i < 0 && (i += n) < 0)
        i = 0;
    if (i > n)
        i = n;
    if (list_reserve(rt, l, 1) != RT_OK)
        return RT_ERR;
    memmove(l->items + i + 1, l->items + i, (l->len - (size_t)i) * sizeof(Value));
    l->items[i] = val_incref(a[1]);
    l->len++;
    *out = VAL_NONE_V;
    return RT_OK;
}

/* Position of x in l[start:stop], or -1; RT_ERR if == fails. */
static RtStatus list_find(Rt *rt, List *l, Value x, int64_t start, int64_t stop, int64_t *pos)
{
    *pos = -1;
    for (int64_t i = start; i < stop && i < (int64_t)l->len; i++) {
        bool eq;
        Value it = val_incref(l->items[i]);
        RtStatus st = val_is(it, x) ? (eq = true, RT_OK) : obj_eq(rt, it, x, &eq);
        val_decref(rt, it);
        if (st != RT_OK)
            return RT_ERR;
        if (eq) {
            *pos = i;
            return RT_OK;
        }
    }
    return RT_OK;
}

static RtStatus m_index(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[3];
    if (rt_parse_args(rt, "index", "value|start,stop", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    List *l = LSELF;
    int64_t n = (int64_t)l->len, start = 0, stop = n;
    if (!val_is_undef(a[1]) && val_as_index(rt, a[1], &start) != RT_OK)
        return RT_ERR;
    if (!val_is_undef(a[2]) && val_as_index(rt, a[2], &stop) != RT_OK)
        return RT_ERR;
    if (start < 0 && (start += n) < 0)
        start = 0;
    if (stop < 0 && (stop += n) < 0)
        stop = 0;
    int64_t pos;
    if (list_find(rt, l, a[0], start, stop, &pos) != RT_OK)
        return RT_ERR;
    if (pos < 0)
        return rt_raise_id(rt, CLS_ValueError, "%R is not in list", a[0]);
    *out = val_int(pos);
    return RT_OK;
}

static RtStatus m_remove(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "remove", "value", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    List *l = LSELF;
    int64_t pos;
    if (list_find(rt, l, a[0], 0, (int64_t)l->len, &pos) != RT_OK)
        return RT_ERR;
    if (pos < 0)
        return rt_raise_id(rt, CLS_ValueError, "list.remove(x): x not in list");
    if (list_splice(rt, l, (size_t)pos, (size_t)pos + 1, NULL, 0) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_count(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "count", "value", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    Value *items;
    size_t n;
    seq_parts(self, &items, &n);
    int64_t c = 0;
    for (size_t i = 0; i < n; i++) {
        bool eq;
        if (obj_eq(rt, items[i], a[0], &eq) != RT_OK)
            return RT_ERR;
        seq_parts(self, &items, &n);
        c += eq;
    }
    *out = val_int(c);
    return RT_OK;
}

static RtStatus m_reverse(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    if (rt_parse_args(rt, "list.reverse", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    reverse_values(LSELF->items, LSELF->len);
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_sort(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    Value a[2];
    if (rt_parse_args(rt, "sort", "|$key,reverse", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    bool rev = false;
    if (!val_is_undef(a[1]) && obj_truthy(rt, a[1], &rev) != RT_OK)
        return RT_ERR;
    if (list_sort(rt, LSELF, a[0], rev) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_clear(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    if (rt_parse_args(rt, "list.clear", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    List *l = LSELF;
    if (list_splice(rt, l, 0, l->len, NULL, 0) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_copy(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    if (rt_parse_args(rt, "list.copy", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return obj_to_list(rt, self, out);
}

const MethodDef list_methods[] = {
    {"append", m_append},   {"extend", m_extend}, {"pop", m_pop},     {"insert", m_insert},
    {"index", m_index},     {"remove", m_remove}, {"sort", m_sort},   {"count", m_count},
    {"reverse", m_reverse}, {"clear", m_clear},   {"copy", m_copy},   {NULL, NULL},
};

/* ---- tuple -------------------------------------------------------------- */

static void tuple_free(Rt *rt, Obj *o)
{
    Tuple *t = (Tuple *)o;
    for (size_t i = t->len; i > 0; i--) /* backwards, as CPython's tupledealloc */
        val_decref(rt, t->items[i - 1]);
    obj_release(rt, o, sizeof(Tuple) + t->len * sizeof(Value));
}

static void tuple_traverse(Obj *o, GcVisit visit, void *arg)
{
    Tuple *t = (Tuple *)o;
    for (size_t i = 0; i < t->len; i++)
        gc_visit_val(t->items[i], visit, arg);
}

/* len stays: tuple_free computes the block's size from it. */
static void tuple_clear(Rt *rt, Obj *o)
{
    Tuple *t = (Tuple *)o;
    for (size_t i = 0; i < t->len; i++) {
        Value v = t->items[i];
        t->items[i] = VAL_NONE_V;
        val_decref(rt, v);
    }
}

static RtStatus tuple_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Tuple *t = (Tuple *)o;
    return seq_repr(rt, o, t->items, t->len, "(", ")", sb);
}

static RtStatus tuple_hash(Rt *rt, Obj *o, int64_t *out)
{
    Tuple *t = (Tuple *)o;
    if (t->hash != -1) {
        *out = t->hash;
        return RT_OK;
    }
    /* CPython's xxHash-based tuple hash, on our item hashes. */
    uint64_t acc = 2870177450012600261ull;
    for (size_t i = 0; i < t->len; i++) {
        int64_t h;
        if (obj_hash(rt, t->items[i], &h) != RT_OK)
            return RT_ERR;
        acc += (uint64_t)h * 14029467366897019727ull;
        acc = (acc << 31) | (acc >> 33);
        acc *= 11400714785074694791ull;
    }
    acc += t->len ^ (2870177450012600261ull ^ 3527539ull);
    int64_t r = (int64_t)acc;
    if (r == -1)
        r = 1546275796;
    t->hash = r;
    *out = r;
    return RT_OK;
}

static RtStatus tuple_len_slot(Rt *rt, Obj *o, int64_t *out)
{
    *out = (int64_t)((Tuple *)o)->len;
    return RT_OK;
}

static RtStatus t_index(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "index", "value", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    Tuple *t = val_tuple(self);
    for (size_t i = 0; i < t->len; i++) {
        bool eq;
        if (obj_eq(rt, t->items[i], a[0], &eq) != RT_OK)
            return RT_ERR;
        if (eq) {
            *out = val_int((int64_t)i);
            return RT_OK;
        }
    }
    return rt_raise_id(rt, CLS_ValueError, "tuple.index(x): x not in tuple");
}

static const MethodDef tuple_methods[] = {
    {"count", m_count},
    {"index", t_index},
    {NULL, NULL},
};

const ObjType obj_tuple_type = {
    .name = "tuple",
    .free = tuple_free,
    .traverse = tuple_traverse,
    .clear = tuple_clear,
    .repr = tuple_repr,
    .hash = tuple_hash,
    .eq = seq_eq_slot,
    .iter = tuple_iter,
    .len = tuple_len_slot,
    .methods = tuple_methods,
    .builtin_class = CLS_tuple + 1,
};

Tuple *tuple_new(Rt *rt, size_t n)
{
    Tuple *t = (Tuple *)obj_alloc(rt, &obj_tuple_type, sizeof(Tuple) + n * sizeof(Value));
    if (!t)
        return NULL;
    t->len = n;
    t->hash = -1;
    for (size_t i = 0; i < n; i++)
        t->items[i] = VAL_NONE_V;
    return t;
}

Tuple *tuple_from(Rt *rt, const Value *items, size_t n)
{
    Tuple *t = tuple_new(rt, n);
    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t->items[i] = val_incref(items[i]);
    return t;
}

RtStatus tuple_getitem(Rt *rt, Tuple *t, Value key, Value *out)
{
    if (val_is_type(key, &obj_slice_type))
        return list_slice(rt, t->items, t->len, (Slice *)key.u.o, true, out);
    size_t i = 0;
    if (seq_index(rt, key, t->len, "tuple", &i) != RT_OK)
        return RT_ERR;
    *out = val_incref(t->items[i]);
    return RT_OK;
}

RtStatus tuple_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "tuple", "|iterable", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    if (val_is_tuple(a[0])) {
        *out = val_incref(a[0]);
        return RT_OK;
    }
    Value l;
    if (val_is_undef(a[0])) {
        Tuple *t = tuple_new(rt, 0);
        if (!t)
            return RT_ERR;
        *out = val_obj(&t->hdr);
        return RT_OK;
    }
    if (obj_to_list(rt, a[0], &l) != RT_OK)
        return RT_ERR;
    Tuple *t = tuple_from(rt, val_list(l)->items, val_list(l)->len);
    val_decref(rt, l);
    if (!t)
        return RT_ERR;
    *out = val_obj(&t->hdr);
    return RT_OK;
}

/* ---- sequence operators ------------------------------------------------- */

static RtStatus seq_repeat(Rt *rt, Value seq, int64_t n, Value *out)
{
    Value *items;
    size_t len;
    seq_parts(seq, &items, &len);
    if (n < 0)
        n = 0;
    size_t total;
    if (__builtin_mul_overflow(len, (size_t)n, &total) || total > ((size_t)1 << 36))
        return rt_no_memory(rt);
    if (val_is_tuple(seq)) {
        Tuple *t = tuple_new(rt, total);
        if (!t)
            return RT_ERR;
        for (size_t i = 0; i < total; i++)
            t->items[i] = val_incref(items[i % len]);
        *out = val_obj(&t->hdr);
        return RT_OK;
    }
    List *l = list_new(rt, total);
    if (!l)
        return RT_ERR;
    for (size_t i = 0; i < total; i++)
        l->items[i] = val_incref(items[i % len]);
    l->len = total;
    *out = val_obj(&l->hdr);
    return RT_OK;
}

RtStatus seq_binop(Rt *rt, BinOp op, Value a, Value b, Value *out)
{
    if (op == BINOP_ADD && a.tag == VAL_OBJ && b.tag == VAL_OBJ && a.u.o->type == b.u.o->type) {
        Value *ia, *ib;
        size_t na, nb;
        seq_parts(a, &ia, &na);
        seq_parts(b, &ib, &nb);
        if (val_is_tuple(a)) {
            Tuple *t = tuple_new(rt, na + nb);
            if (!t)
                return RT_ERR;
            for (size_t i = 0; i < na; i++)
                t->items[i] = val_incref(ia[i]);
            for (size_t i = 0; i < nb; i++)
                t->items[na + i] = val_incref(ib[i]);
            *out = val_obj(&t->hdr);
            return RT_OK;
        }
        List *l = list_new(rt, na + nb);
        if (!l)
            return RT_ERR;
        for (size_t i = 0; i < na; i++)
            l->items[i] = val_incref(ia[i]);
        for (size_t i = 0; i < nb; i++)
            l->items[na + i] = val_incref(ib[i]);
        l->len = na + nb;
        *out = val_obj(&l->hdr);
        return RT_OK;
    }
    if (op == BINOP_MUL) {
        bool a_seq = val_is_list(a) || val_is_tuple(a);
        Value seq = a_seq ? a : b, n = a_seq ? b : a;
        if (n.tag == VAL_INT || n.tag == VAL_BOOL)
            return seq_repeat(rt, seq, n.tag == VAL_INT ? n.u.i : n.u.b, out);
    }
    return RT_STOP;
}

/* ---- range -------------------------------------------------------------- */

static void range_free(Rt *rt, Obj *o)
{
    obj_release(rt, o, sizeof(RangeObj));
}

static RtStatus range_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    RangeObj *r = (RangeObj *)o;
    if (r->step == 1)
        sb_printf(sb, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    else
        sb_printf(sb, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                  (long long)r->step);
    return sb_status(sb);
}

static RtStatus range_len_slot(Rt *rt, Obj *o, int64_t *out)
{
    *out = ((RangeObj *)o)->len;
    return RT_OK;
}

static RtStatus range_eq(Rt *rt, Obj *a, Value b, bool *out)
{
    if (!val_is_type(b, &obj_range_type)) {
        *out = false;
        return RT_OK;
    }
    RangeObj *x = (RangeObj *)a, *y = (RangeObj *)b.u.o;
    *out = x->len == y->len &&
           (x->len == 0 || (x->start == y->start && (x->len == 1 || x->step == y->step)));
    return RT_OK;
}

typedef struct RangeIter {
    Obj hdr;
    int64_t next, step, left;
} RangeIter;

static void range_iter_free(Rt *rt, Obj *o)
{
    obj_release(rt, o, sizeof(RangeIter));
}

static RtStatus range_iter_next(Rt *rt, Obj *o, Value *out)
{
    RangeIter *it = (RangeIter *)o;
    if (it->left <= 0)
        return RT_STOP;
    *out = val_int(it->next);
    if (--it->left > 0)
        it->next += it->step; /* cannot overflow: the next value is in the range */
    return RT_OK;
}

static const ObjType range_iter_type = {
    .name = "range_iterator",
    .free = range_iter_free,
    .next = range_iter_next,
};

static RtStatus range_iter(Rt *rt, Obj *o, Value *out)
{
    RangeObj *r = (RangeObj *)o;
    RangeIter *it = (RangeIter *)obj_alloc(rt, &range_iter_type, sizeof(RangeIter));
    if (!it)
        return RT_ERR;
    it->next = r->start;
    it->step = r->step;
    it->left = r->len;
    *out = val_obj(&it->hdr);
    return RT_OK;
}

/* Position of x in the range, -1 when absent (by == for non-ints). */
static RtStatus range_find(Rt *rt, RangeObj *r, Value x, int64_t *pos)
{
    *pos = -1;
    if (x.tag == VAL_INT || x.tag == VAL_BOOL) {
        int64_t v = x.tag == VAL_INT ? x.u.i : x.u.b;
        bool in = r->step > 0 ? (v >= r->start && v < r->stop) : (v <= r->start && v > r->stop);
        if (in && (v - r->start) % r->step == 0)
            *pos = (v - r->start) / r->step;
        return RT_OK;
    }
    for (int64_t i = 0; i < r->len; i++) {
        bool eq;
        if (obj_eq(rt, val_int(r->start + i * r->step), x, &eq) != RT_OK)
            return RT_ERR;
        if (eq) {
            *pos = i;
            return RT_OK;
        }
    }
    return RT_OK;
}

static RtStatus r_index(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "index", "value", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    int64_t pos;
    if (range_find(rt, (RangeObj *)self.u.o, a[0], &pos) != RT_OK)
        return RT_ERR;
    if (pos < 0) {
        if (a[0].tag == VAL_INT || a[0].tag == VAL_BOOL)
            return rt_raise_id(rt, CLS_ValueError, "%R is not in range", a[0]);
        return rt_raise_id(rt, CLS_ValueError, "sequence.index(x): x not in sequence");
    }
    *out = val_int(pos);
    return RT_OK;
}

static RtStatus r_count(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "count", "value", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    int64_t pos;
    if (range_find(rt, (RangeObj *)self.u.o, a[0], &pos) != RT_OK)
        return RT_ERR;
    *out = val_int(pos >= 0);
    return RT_OK;
}

static const MethodDef range_methods[] = {
    {"index", r_index},
    {"count", r_count},
    {NULL, NULL},
};

const ObjType obj_range_type = {
    .methods = range_methods,
    .name = "range",
    .free = range_free,
    .repr = range_repr,
    .eq = range_eq,
    .iter = range_iter,
    .len = range_len_slot,
    .builtin_class = CLS_range + 1,
};

RtStatus range_obj_new(Rt *rt, int64_t start, int64_t stop, int64_t step, Value *out)
{
    if (step == 0)
        return rt_raise_id(rt, CLS_ValueError, "range() arg 3 must not be zero");
    __int128 n = 0;
    if (step > 0 && stop > start)
        n = ((__int128)stop - start - 1) / step + 1;
    else if (step < 0 && stop < start)
        n = ((__int128)start - stop - 1) / -(__int128)step + 1;
    if (n > INT64_MAX)
        return rt_raise_id(rt, CLS_OverflowError, "Python int too large to convert to C ssize_t");
    RangeObj *r = (RangeObj *)obj_alloc(rt, &obj_range_type, sizeof(RangeObj));
    if (!r)
        return RT_ERR;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->len = (int64_t)n;
    *out = val_obj(&r->hdr);
    return RT_OK;
}

/* The clamped stop of a slice over len items (slice.indices(len)[1]); the
 * slice has already passed slice_indices. */
static int64_t slice_stop(const Slice *sl, int64_t len, int64_t step)
{
    if (val_is_none(sl->stop))
        return step > 0 ? len : -1;
    int64_t stop = sl->stop.tag == VAL_INT ? sl->stop.u.i : sl->stop.u.b;
    if (stop < 0) {
        stop += len;
        if (stop < 0)
            stop = step > 0 ? 0 : -1;
    } else if (stop >= len) {
        stop = step > 0 ? len : len - 1;
    }
    return stop;
}

RtStatus range_getitem(Rt *rt, RangeObj *r, Value key, Value *out)
{
    if (val_is_type(key, &obj_slice_type)) {
        Slice *sl = (Slice *)key.u.o;
        int64_t start, step, count;
        if (slice_indices(rt, sl->start, sl->stop, sl->step, r->len, &start, &step, &count) !=
            RT_OK)
            return RT_ERR;
        /* CPython keeps the clamped slice stop: range(0, 10, 2)[::2] is
         * range(0, 10, 4), not range(0, 12, 4). */
        int64_t stop = slice_stop(sl, r->len, step);
        int64_t nstep, nstart, nstop;
        if (__builtin_mul_overflow(step, r->step, &nstep) ||
            __builtin_mul_overflow(start, r->step, &nstart) ||
            __builtin_add_overflow(nstart, r->start, &nstart) ||
            __builtin_mul_overflow(stop, r->step, &nstop) ||
            __builtin_add_overflow(nstop, r->start, &nstop))
            return rt_raise_id(rt, CLS_OverflowError, "range slice out of 64-bit range");
        return range_obj_new(rt, nstart, nstop, nstep, out);
    }
    if (key.tag != VAL_INT && key.tag != VAL_BOOL)
        return rt_raise_id(rt, CLS_TypeError, "range indices must be integers or slices, not %s",
                           obj_type_name(rt, key));
    size_t i = 0;
    if (seq_index(rt, key, (size_t)r->len, "range object", &i) != RT_OK)
        return RT_ERR;
    *out = val_int(r->start + (int64_t)i * r->step);
    return RT_OK;
}

RtStatus range_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "range() takes no keyword arguments");
    if (nargs == 0)
        return rt_raise_id(rt, CLS_TypeError, "range expected at least 1 argument, got 0");
    if (nargs > 3)
        return rt_raise_id(rt, CLS_TypeError, "range expected at most 3 arguments, got %zu",
                           nargs);
    int64_t v[3] = {0, 0, 1};
    for (size_t i = 0; i < nargs; i++)
        if (val_as_index(rt, args[i], &v[i]) != RT_OK)
            return RT_ERR;
    if (nargs == 1)
        return range_obj_new(rt, 0, v[0], 1, out);
    return range_obj_new(rt, v[0], v[1], v[2], out);
}

/* ---- slice -------------------------------------------------------------- */

static void slice_free(Rt *rt, Obj *o)
{
    Slice *s = (Slice *)o;
    val_decref(rt, s->start);
    val_decref(rt, s->stop);
    val_decref(rt, s->step);
    obj_release(rt, o, sizeof(Slice));
}

static void slice_traverse(Obj *o, GcVisit visit, void *arg)
{
    Slice *s = (Slice *)o;
    gc_visit_val(s->start, visit, arg);
    gc_visit_val(s->stop, visit, arg);
    gc_visit_val(s->step, visit, arg);
}

static void slice_clear(Rt *rt, Obj *o)
{
    Slice *s = (Slice *)o;
    Value v[3] = {s->start, s->stop, s->step};
    s->start = s->stop = s->step = VAL_NONE_V;
    for (int i = 0; i < 3; i++)
        val_decref(rt, v[i]);
}

static RtStatus slice_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Slice *s = (Slice *)o;
    sb_puts(sb, "slice(");
    if (obj_repr_sb(rt, s->start, sb) != RT_OK)
        return RT_ERR;
    sb_puts(sb, ", ");
    if (obj_repr_sb(rt, s->stop, sb) != RT_OK)
        return RT_ERR;
    sb_puts(sb, ", ");
    if (obj_repr_sb(rt, s->step, sb) != RT_OK)
        return RT_ERR;
    sb_putc(sb, ')');
    return sb_status(sb);
}

RtStatus slice_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "slice() takes no keyword arguments");
    if (nargs == 0 || nargs > 3)
        return rt_raise_id(rt, CLS_TypeError, "slice expected %s, got %zu",
                           nargs ? "at most 3 arguments" : "at least 1 argument", nargs);
    if (nargs == 1)
        return slice_new(rt, VAL_NONE_V, args[0], VAL_NONE_V, out);
    return slice_new(rt, args[0], args[1], nargs == 3 ? args[2] : VAL_NONE_V, out);
}

const ObjType obj_slice_type = {
    .name = "slice",
    .free = slice_free,
    .traverse = slice_traverse,
    .clear = slice_clear,
    .repr = slice_repr,
    .unhashable = true,
    .builtin_class = CLS_slice + 1,
};

RtStatus slice_new(Rt *rt, Value start, Value stop, Value step, Value *out)
{
    Slice *s = (Slice *)obj_alloc(rt, &obj_slice_type, sizeof(Slice));
    if (!s)
        return RT_ERR;
    s->start = val_incref(val_is_undef(start) ? VAL_NONE_V : start);
    s->stop = val_incref(val_is_undef(stop) ? VAL_NONE_V : stop);
    s->step = val_incref(val_is_undef(step) ? VAL_NONE_V : step);
    *out = val_obj(&s->hdr);
    return RT_OK;
}
