/* obj_dict: the insertion-ordered dict (CPython's compact layout: an array
 * of entries in insertion order plus an open-addressing index into it), its
 * views (keys, values, items), iterators and methods.
 *
 * Deleting an entry leaves a hole in the entries array and a tombstone in the
 * index; both are squeezed out when the table is rebuilt on growth.
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <string.h>

#define IX_EMPTY (-1)
#define IX_DUMMY (-2)

static void dict_traverse(Obj *o, GcVisit visit, void *arg)
{
    Dict *d = (Dict *)o;
    for (size_t i = 0; i < d->nentries; i++) {
        gc_visit_val(d->entries[i].key, visit, arg);
        gc_visit_val(d->entries[i].value, visit, arg);
    }
}

/* Empties the entries (the arrays stay for dict_free); nothing looks the
 * dict up again, so its index is left as it is. */
static void dict_clear_refs(Rt *rt, Obj *o)
{
    Dict *d = (Dict *)o;
    d->len = 0;
    d->version++;
    for (size_t i = 0; i < d->nentries; i++) {
        Value k = d->entries[i].key, v = d->entries[i].value;
        d->entries[i].key = d->entries[i].value = VAL_UNDEF_V;
        val_decref(rt, k);
        val_decref(rt, v);
    }
}

static void dict_free(Rt *rt, Obj *o)
{
    Dict *d = (Dict *)o;
    for (size_t i = 0; i < d->nentries; i++) {
        val_decref(rt, d->entries[i].key);
        val_decref(rt, d->entries[i].value);
    }
    mem_free(rt->mem, d->entries, d->cap * sizeof(DictEntry));
    if (d->index)
        mem_free(rt->mem, d->index, (d->index_mask + 1) * sizeof(int32_t));
    obj_release(rt, o, sizeof(Dict));
}

static RtStatus dict_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Dict *d = (Dict *)o;
    bool failed;
    if (obj_repr_enter(rt, o, &failed)) {
        sb_puts(sb, "{...}");
        return sb_status(sb);
    }
    if (failed)
        return RT_ERR;
    sb_putc(sb, '{');
    size_t pos = 0, n = 0;
    Value k, v;
    RtStatus st = RT_OK;
    while (dict_next(d, &pos, &k, &v)) {
        if (n++)
            sb_puts(sb, ", ");
        k = val_incref(k);
        v = val_incref(v);
        st = obj_repr_sb(rt, k, sb);
        sb_puts(sb, ": ");
        if (st == RT_OK)
            st = obj_repr_sb(rt, v, sb);
        val_decref(rt, k);
        val_decref(rt, v);
        if (st != RT_OK)
            break;
    }
    sb_putc(sb, '}');
    obj_repr_leave(rt, o);
    return st == RT_OK ? sb_status(sb) : st;
}

static RtStatus dict_eq_impl(Rt *rt, Obj *a, Value b, bool *out);

static RtStatus dict_eq(Rt *rt, Obj *a, Value b, bool *out)
{
    if (rt->cmp_depth >= RT_MAX_NEST)
        return rt_raise_id(rt, CLS_RecursionError, "maximum recursion depth exceeded in comparison");
    rt->cmp_depth++;
    RtStatus st = dict_eq_impl(rt, a, b, out);
    rt->cmp_depth--;
    return st;
}

static RtStatus dict_eq_impl(Rt *rt, Obj *a, Value b, bool *out)
{
    Dict *x = (Dict *)a;
    if (!val_is_dict(b) || val_dict(b)->len != x->len) {
        *out = false;
        return RT_OK;
    }
    Dict *y = val_dict(b);
    size_t pos = 0;
    Value k, v;
    while (dict_next(x, &pos, &k, &v)) {
        Value w;
        bool found;
        if (dict_get(rt, y, k, &w, &found) != RT_OK)
            return RT_ERR;
        if (!found) {
            *out = false;
            return RT_OK;
        }
        bool eq;
        v = val_incref(v);
        w = val_incref(w);
        RtStatus st = obj_eq(rt, v, w, &eq);
        val_decref(rt, v);
        val_decref(rt, w);
        if (st != RT_OK)
            return st;
        if (!eq) {
            *out = false;
            return RT_OK;
        }
    }
    *out = true;
    return RT_OK;
}

static RtStatus dict_len_slot(Rt *rt, Obj *o, int64_t *out)
{
    *out = (int64_t)((Dict *)o)->len;
    return RT_OK;
}

/* ---- iterators and views ------------------------------------------------ */

typedef enum { VIEW_KEYS, VIEW_VALUES, VIEW_ITEMS } ViewKind;

typedef struct DictIter {
    Obj hdr;
    Dict *d;
    size_t pos;
    size_t len; /* d->len when the iteration started */
    ViewKind kind;
} DictIter;

static void dict_iter_free(Rt *rt, Obj *o)
{
    obj_decref(rt, (Obj *)((DictIter *)o)->d); /* NULL once cleared */
    obj_release(rt, o, sizeof(DictIter));
}

static void dict_iter_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_obj((Obj *)((DictIter *)o)->d, visit, arg);
}

/* Never called again once cleared: nothing reaches it. */
static void dict_iter_clear(Rt *rt, Obj *o)
{
    DictIter *it = (DictIter *)o;
    Obj *d = (Obj *)it->d;
    it->d = NULL;
    obj_decref(rt, d);
}

static RtStatus make_pair(Rt *rt, Value k, Value v, Value *out)
{
    Tuple *t = tuple_new(rt, 2);
    if (!t)
        return RT_ERR;
    t->items[0] = val_incref(k);
    t->items[1] = val_incref(v);
    *out = val_obj(&t->hdr);
    return RT_OK;
}

static RtStatus dict_iter_next(Rt *rt, Obj *o, Value *out)
{
    DictIter *it = (DictIter *)o;
    if (it->d->len != it->len) {
        it->len = (size_t)-1; /* keep failing */
        return rt_raise_id(rt, CLS_RuntimeError, "dictionary changed size during iteration");
    }
    Value k, v;
    if (!dict_next(it->d, &it->pos, &k, &v))
        return RT_STOP;
    switch (it->kind) {
    case VIEW_KEYS: *out = val_incref(k); return RT_OK;
    case VIEW_VALUES: *out = val_incref(v); return RT_OK;
    default: return make_pair(rt, k, v, out);
    }
}

static const ObjType dict_iter_types[3] = {
#define DICT_ITER_GC .traverse = dict_iter_traverse, .clear = dict_iter_clear
    {.name = "dict_keyiterator", .free = dict_iter_free, .next = dict_iter_next, DICT_ITER_GC},
    {.name = "dict_valueiterator", .free = dict_iter_free, .next = dict_iter_next, DICT_ITER_GC},
    {.name = "dict_itemiterator", .free = dict_iter_free, .next = dict_iter_next, DICT_ITER_GC},
#undef DICT_ITER_GC
};

static RtStatus dict_iter_new(Rt *rt, Dict *d, ViewKind kind, Value *out)
{
    DictIter *it = (DictIter *)obj_alloc(rt, &dict_iter_types[kind], sizeof(DictIter));
    if (!it)
        return RT_ERR;
    it->d = d;
    obj_incref(&d->hdr);
    it->len = d->len;
    it->kind = kind;
    *out = val_obj(&it->hdr);
    return RT_OK;
}

static RtStatus dict_iter(Rt *rt, Obj *o, Value *out)
{
    return dict_iter_new(rt, (Dict *)o, VIEW_KEYS, out);
}

typedef struct DictView {
    Obj hdr;
    Dict *d;
    ViewKind kind;
} DictView;

static void view_free(Rt *rt, Obj *o)
{
    obj_decref(rt, (Obj *)((DictView *)o)->d); /* NULL once cleared */
    obj_release(rt, o, sizeof(DictView));
}

static void view_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_obj((Obj *)((DictView *)o)->d, visit, arg);
}

static void view_clear(Rt *rt, Obj *o)
{
    DictView *v = (DictView *)o;
    Obj *d = (Obj *)v->d;
    v->d = NULL;
    obj_decref(rt, d);
}

static RtStatus view_iter(Rt *rt, Obj *o, Value *out)
{
    DictView *v = (DictView *)o;
    return dict_iter_new(rt, v->d, v->kind, out);
}

static RtStatus view_len(Rt *rt, Obj *o, int64_t *out)
{
    *out = (int64_t)((DictView *)o)->d->len;
    return RT_OK;
}

static RtStatus view_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    DictView *v = (DictView *)o;
    bool failed;
    if (obj_repr_enter(rt, o, &failed)) {
        sb_puts(sb, "...");
        return sb_status(sb);
    }
    if (failed)
        return RT_ERR;
    sb_puts(sb, o->type->name);
    sb_puts(sb, "([");
    size_t pos = 0, n = 0;
    Value k, val;
    RtStatus st = RT_OK;
    while (st == RT_OK && dict_next(v->d, &pos, &k, &val)) {
        if (n++)
            sb_puts(sb, ", ");
        if (v->kind == VIEW_KEYS) {
            st = obj_repr_sb(rt, k, sb);
        } else if (v->kind == VIEW_VALUES) {
            st = obj_repr_sb(rt, val, sb);
        } else {
            sb_putc(sb, '(');
            st = obj_repr_sb(rt, k, sb);
            sb_puts(sb, ", ");
            if (st == RT_OK)
                st = obj_repr_sb(rt, val, sb);
            sb_putc(sb, ')');
        }
    }
    sb_puts(sb, "])");
    obj_repr_leave(rt, o);
    return st == RT_OK ? sb_status(sb) : st;
}

static const ObjType dict_view_types[3] = {
    {.name = "dict_keys",
     .free = view_free,
     .repr = view_repr,
     .iter = view_iter,
     .len = view_len,
     .unhashable = true,
     .traverse = view_traverse,
     .clear = view_clear},
    {.name = "dict_values",
     .free = view_free,
     .repr = view_repr,
     .iter = view_iter,
     .len = view_len,
     .traverse = view_traverse,
     .clear = view_clear},
    {.name = "dict_items",
     .free = view_free,
     .repr = view_repr,
     .iter = view_iter,
     .len = view_len,
     .unhashable = true,
     .traverse = view_traverse,
     .clear = view_clear},
};

static RtStatus view_new(Rt *rt, Dict *d, ViewKind kind, Value *out)
{
    DictView *v = (DictView *)obj_alloc(rt, &dict_view_types[kind], sizeof(DictView));
    if (!v)
        return RT_ERR;
    v->d = d;
    obj_incref(&d->hdr);
    v->kind = kind;
    *out = val_obj(&v->hdr);
    return RT_OK;
}

const ObjType obj_dict_type = {
    .name = "dict",
    .free = dict_free,
    .traverse = dict_traverse,
    .clear = dict_clear_refs,
    .repr = dict_repr,
    .eq = dict_eq,
    .iter = dict_iter,
    .len = dict_len_slot,
    .methods = dict_methods,
    .unhashable = true,
    .builtin_class = CLS_dict + 1,
};

/* ---- the table ---------------------------------------------------------- */

Dict *dict_new(Rt *rt)
{
    return (Dict *)obj_alloc(rt, &obj_dict_type, sizeof(Dict));
}

/* Index slot for (key, hash): the slot of the entry, or where it would go.
 * *entry is the entry index or -1. RT_ERR only when == fails. */
static RtStatus lookup(Rt *rt, Dict *d, Value key, int64_t hash, size_t *slot, int32_t *entry)
{
    *entry = -1;
    if (!d->index) {
        *slot = 0;
        return RT_OK;
    }
    size_t mask = d->index_mask;
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    size_t first_dummy = (size_t)-1;
    bool key_is_str = val_is_str(key);
    for (;;) {
        int32_t ix = d->index[i];
        if (ix == IX_EMPTY) {
            *slot = first_dummy != (size_t)-1 ? first_dummy : i;
            return RT_OK;
        }
        if (ix == IX_DUMMY) {
            if (first_dummy == (size_t)-1)
                first_dummy = i;
        } else {
            DictEntry *e = &d->entries[ix];
            if (e->hash == hash) {
                bool eq;
                if (val_is(e->key, key)) {
                    eq = true;
                } else if (key_is_str && val_is_str(e->key)) {
                    eq = str_eq(val_str(e->key), val_str(key));
                } else {
                    Value k = val_incref(e->key);
                    uint64_t ver = d->version;
                    RtStatus st = obj_eq(rt, k, key, &eq);
                    val_decref(rt, k);
                    if (st != RT_OK)
                        return RT_ERR;
                    if (ver != d->version)
                        return rt_raise_id(rt, CLS_RuntimeError,
                                           "dictionary changed size during iteration");
                }
                if (eq) {
                    *slot = i;
                    *entry = ix;
                    return RT_OK;
                }
            }
        }
        perturb >>= 5;
        i = (i * 5 + 1 + (size_t)perturb) & mask;
    }
}

/* Rebuild with room for at least `need` entries, dropping deleted ones. */
static RtStatus resize(Rt *rt, Dict *d, size_t need)
{
    size_t cap = 8;
    while (cap < need)
        cap *= 2;
    size_t isize = cap * 2; /* load <= 1/2 */
    if (cap > ((size_t)1 << 30))
        return rt_no_memory(rt);
    DictEntry *ne = mem_alloc(rt->mem, cap * sizeof(DictEntry));
    int32_t *ni = mem_alloc(rt->mem, isize * sizeof(int32_t));
    if (!ne || !ni) {
        mem_free(rt->mem, ne, cap * sizeof(DictEntry));
        mem_free(rt->mem, ni, isize * sizeof(int32_t));
        return rt_no_memory(rt);
    }
    memset(ni, 0xff, isize * sizeof(int32_t)); /* IX_EMPTY */
    size_t n = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        if (val_is_undef(d->entries[i].key))
            continue;
        ne[n] = d->entries[i];
        uint64_t perturb = (uint64_t)ne[n].hash;
        size_t j = (size_t)ne[n].hash & (isize - 1);
        while (ni[j] != IX_EMPTY) {
            perturb >>= 5;
            j = (j * 5 + 1 + (size_t)perturb) & (isize - 1);
        }
        ni[j] = (int32_t)n;
        n++;
    }
    mem_free(rt->mem, d->entries, d->cap * sizeof(DictEntry));
    if (d->index)
        mem_free(rt->mem, d->index, (d->index_mask + 1) * sizeof(int32_t));
    d->entries = ne;
    d->index = ni;
    d->cap = cap;
    d->index_mask = isize - 1;
    d->nentries = n;
    return RT_OK;
}

RtStatus dict_get(Rt *rt, Dict *d, Value key, Value *out, bool *found)
{
    int64_t h;
    if (obj_hash(rt, key, &h) != RT_OK)
        return RT_ERR;
    size_t slot;
    int32_t ix;
    if (lookup(rt, d, key, h, &slot, &ix) != RT_OK)
        return RT_ERR;
    *found = ix >= 0;
    if (ix >= 0)
        *out = d->entries[ix].value;
    return RT_OK;
}

RtStatus dict_set(Rt *rt, Dict *d, Value key, Value v)
{
    int64_t h;
    if (obj_hash(rt, key, &h) != RT_OK)
        return RT_ERR;
    size_t slot;
    int32_t ix;
    if (lookup(rt, d, key, h, &slot, &ix) != RT_OK)
        return RT_ERR;
    if (ix >= 0) {
        Value old = d->entries[ix].value;
        d->entries[ix].value = val_incref(v);
        val_decref(rt, old);
        return RT_OK;
    }
    if (d->nentries == d->cap) {
        if (resize(rt, d, d->len + 1 > d->cap ? (d->len + 1) * 2 : d->cap) != RT_OK)
            return RT_ERR;
        if (lookup(rt, d, key, h, &slot, &ix) != RT_OK)
            return RT_ERR;
    }
    DictEntry *e = &d->entries[d->nentries];
    e->key = val_incref(key);
    e->value = val_incref(v);
    e->hash = h;
    d->index[slot] = (int32_t)d->nentries;
    d->nentries++;
    d->len++;
    d->version++;
    return RT_OK;
}

RtStatus dict_del(Rt *rt, Dict *d, Value key, bool *found)
{
    int64_t h;
    if (obj_hash(rt, key, &h) != RT_OK)
        return RT_ERR;
    size_t slot;
    int32_t ix;
    if (lookup(rt, d, key, h, &slot, &ix) != RT_OK)
        return RT_ERR;
    *found = ix >= 0;
    if (ix < 0)
        return RT_OK;
    DictEntry *e = &d->entries[ix];
    Value k = e->key, v = e->value;
    e->key = VAL_UNDEF_V;
    e->value = VAL_UNDEF_V;
    d->index[slot] = IX_DUMMY;
    d->len--;
    d->version++;
    val_decref(rt, k);
    val_decref(rt, v);
    return RT_OK;
}

Value dict_get_str(Dict *d, Str *key)
{
    if (!d->index)
        return VAL_UNDEF_V;
    int64_t h = str_hash(key);
    size_t mask = d->index_mask;
    uint64_t perturb = (uint64_t)h;
    size_t i = (size_t)h & mask;
    for (;;) {
        int32_t ix = d->index[i];
        if (ix == IX_EMPTY)
            return VAL_UNDEF_V;
        if (ix >= 0) {
            DictEntry *e = &d->entries[ix];
            if (e->hash == h && val_is_str(e->key) && str_eq(val_str(e->key), key))
                return e->value;
        }
        perturb >>= 5;
        i = (i * 5 + 1 + (size_t)perturb) & mask;
    }
}

RtStatus dict_set_str(Rt *rt, Dict *d, const char *key, Value v)
{
    Str *k = rt_intern_cstr(rt, key);
    if (!k)
        return RT_ERR;
    return dict_set(rt, d, val_obj(&k->hdr), v);
}

bool dict_next(const Dict *d, size_t *pos, Value *key, Value *value)
{
    while (*pos < d->nentries) {
        const DictEntry *e = &d->entries[(*pos)++];
        if (!val_is_undef(e->key)) {
            *key = e->key;
            *value = e->value;
            return true;
        }
    }
    return false;
}

RtStatus dict_getitem(Rt *rt, Dict *d, Value key, Value *out)
{
    bool found;
    Value v;
    if (dict_get(rt, d, key, &v, &found) != RT_OK)
        return RT_ERR;
    if (!found)
        return rt_raise_key_error(rt, key);
    *out = val_incref(v);
    return RT_OK;
}

/* ---- construction and update -------------------------------------------- */

/* d.update(src): a dict, or an iterable of pairs. */
static RtStatus dict_update_from(Rt *rt, Dict *d, Value src)
{
    if (val_is_dict(src)) {
        Dict *s = val_dict(src);
        size_t pos = 0;
        Value k, v;
        while (dict_next(s, &pos, &k, &v))
            if (dict_set(rt, d, k, v) != RT_OK)
                return RT_ERR;
        return RT_OK;
    }
    Value it, item;
    if (obj_iter(rt, src, &it) != RT_OK)
        return RT_ERR;
    RtStatus st;
    size_t n = 0;
    while ((st = obj_next(rt, it, &item)) == RT_OK) {
        Value pair;
        if (val_is_list(item) || val_is_tuple(item)) {
            pair = val_incref(item);
        } else if (item.tag == VAL_OBJ && (item.u.o->type->iter || item.u.o->type->next)) {
            if (obj_to_list(rt, item, &pair) != RT_OK) {
                val_decref(rt, item);
                st = RT_ERR;
                break;
            }
        } else {
            rt_raise_id(rt, CLS_TypeError,
                        "cannot convert dictionary update sequence element #%zu to a sequence", n);
            val_decref(rt, item);
            st = RT_ERR;
            break;
        }
        val_decref(rt, item);
        size_t len = val_is_list(pair) ? val_list(pair)->len : val_tuple(pair)->len;
        Value *items = val_is_list(pair) ? val_list(pair)->items : val_tuple(pair)->items;
        if (len != 2) {
            rt_raise_id(rt, CLS_ValueError,
                        "dictionary update sequence element #%zu has length %zu; 2 is required", n,
                        len);
            st = RT_ERR;
        } else {
            st = dict_set(rt, d, items[0], items[1]);
        }
        val_decref(rt, pair);
        if (st != RT_OK)
            break;
        n++;
    }
    val_decref(rt, it);
    return st == RT_ERR ? RT_ERR : RT_OK;
}

static RtStatus update_kwargs(Rt *rt, Dict *d, const Value *args, size_t nargs, Tuple *kw)
{
    for (size_t i = 0; kw && i < kw->len; i++)
        if (dict_set(rt, d, kw->items[i], args[nargs + i]) != RT_OK)
            return RT_ERR;
    return RT_OK;
}

RtStatus dict_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    if (nargs > 1)
        return rt_raise_id(rt, CLS_TypeError, "dict expected at most 1 argument, got %zu", nargs);
    Dict *d = dict_new(rt);
    if (!d)
        return RT_ERR;
    if ((nargs == 1 && dict_update_from(rt, d, args[0]) != RT_OK) ||
        update_kwargs(rt, d, args, nargs, kw) != RT_OK) {
        obj_decref(rt, &d->hdr);
        return RT_ERR;
    }
    *out = val_obj(&d->hdr);
    return RT_OK;
}

/* ---- methods ------------------------------------------------------------ */

#define DSELF val_dict(self)

static RtStatus m_get(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                      Value *out)
{
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "dict.get() takes no keyword arguments");
    if (nargs < 1 || nargs > 2)
        return rt_raise_id(rt, CLS_TypeError, "get expected %s %d argument%s, got %zu",
                           nargs < 1 ? "at least" : "at most", nargs < 1 ? 1 : 2,
                           nargs < 1 ? "" : "s", nargs);
    Value v;
    bool found;
    if (dict_get(rt, DSELF, args[0], &v, &found) != RT_OK)
        return RT_ERR;
    *out = val_incref(found ? v : nargs == 2 ? args[1] : VAL_NONE_V);
    return RT_OK;
}

static RtStatus m_view(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       const char *name, ViewKind kind, Value *out)
{
    if (rt_parse_args(rt, name, "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return view_new(rt, DSELF, kind, out);
}

static RtStatus m_keys(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    return m_view(rt, self, args, nargs, kw, "dict.keys", VIEW_KEYS, out);
}
static RtStatus m_values(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return m_view(rt, self, args, nargs, kw, "dict.values", VIEW_VALUES, out);
}
static RtStatus m_items(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return m_view(rt, self, args, nargs, kw, "dict.items", VIEW_ITEMS, out);
}

static RtStatus m_setdefault(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                             Value *out)
{
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "dict.setdefault() takes no keyword arguments");
    if (nargs < 1 || nargs > 2)
        return rt_raise_id(rt, CLS_TypeError, "setdefault expected %s %d argument%s, got %zu",
                           nargs < 1 ? "at least" : "at most", nargs < 1 ? 1 : 2,
                           nargs < 1 ? "" : "s", nargs);
    Value v;
    bool found;
    if (dict_get(rt, DSELF, args[0], &v, &found) != RT_OK)
        return RT_ERR;
    if (found) {
        *out = val_incref(v);
        return RT_OK;
    }
    Value dflt = nargs == 2 ? args[1] : VAL_NONE_V;
    if (dict_set(rt, DSELF, args[0], dflt) != RT_OK)
        return RT_ERR;
    *out = val_incref(dflt);
    return RT_OK;
}

static RtStatus m_pop(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                      Value *out)
{
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "dict.pop() takes no keyword arguments");
    if (nargs < 1 || nargs > 2)
        return rt_raise_id(rt, CLS_TypeError, "pop expected %s %d argument%s, got %zu",
                           nargs < 1 ? "at least" : "at most", nargs < 1 ? 1 : 2,
                           nargs < 1 ? "" : "s", nargs);
    Value v;
    bool found = false;
    /* An empty dict answers without hashing the key, as CPython's. */
    if (DSELF->len && dict_get(rt, DSELF, args[0], &v, &found) != RT_OK)
        return RT_ERR;
    if (!found) {
        if (nargs == 2) {
            *out = val_incref(args[1]);
            return RT_OK;
        }
        return rt_raise_key_error(rt, args[0]);
    }
    *out = val_incref(v);
    if (dict_del(rt, DSELF, args[0], &found) != RT_OK) {
        val_decref(rt, *out);
        return RT_ERR;
    }
    return RT_OK;
}

static RtStatus m_popitem(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    if (rt_parse_args(rt, "dict.popitem", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    Dict *d = DSELF;
    if (d->len == 0)
        return rt_raise_id(rt, CLS_KeyError, "popitem(): dictionary is empty");
    size_t i = d->nentries;
    while (i > 0 && val_is_undef(d->entries[i - 1].key))
        i--;
    DictEntry *e = &d->entries[i - 1];
    if (make_pair(rt, e->key, e->value, out) != RT_OK)
        return RT_ERR;
    Value k = val_incref(e->key);
    bool found;
    RtStatus st = dict_del(rt, d, k, &found);
    val_decref(rt, k);
    if (st != RT_OK)
        val_decref(rt, *out);
    return st;
}

static RtStatus m_update(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    if (nargs > 1)
        return rt_raise_id(rt, CLS_TypeError, "update expected at most 1 argument, got %zu",
                           nargs);
    if (nargs == 1 && dict_update_from(rt, DSELF, args[0]) != RT_OK)
        return RT_ERR;
    if (update_kwargs(rt, DSELF, args, nargs, kw) != RT_OK)
        return RT_ERR;
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_clear(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    if (rt_parse_args(rt, "dict.clear", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    Dict *d = DSELF;
    DictEntry *e = d->entries;
    size_t n = d->nentries, cap = d->cap;
    if (d->index)
        mem_free(rt->mem, d->index, (d->index_mask + 1) * sizeof(int32_t));
    d->entries = NULL;
    d->index = NULL;
    d->index_mask = 0;
    d->nentries = d->cap = d->len = 0;
    d->version++;
    for (size_t i = 0; i < n; i++) {
        val_decref(rt, e[i].key);
        val_decref(rt, e[i].value);
    }
    mem_free(rt->mem, e, cap * sizeof(DictEntry));
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus m_copy(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    if (rt_parse_args(rt, "dict.copy", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return dict_ctor(rt, VAL_UNDEF_V, &self, 1, NULL, out);
}

const MethodDef dict_methods[] = {
    {"get", m_get},       {"items", m_items},   {"keys", m_keys},
    {"values", m_values}, {"setdefault", m_setdefault}, {"pop", m_pop},
    {"popitem", m_popitem}, {"update", m_update}, {"clear", m_clear},
    {"copy", m_copy},     {NULL, NULL},
};
