/* builtins: the built-in functions of the lesson language (language.md's
 * list) and the builtins namespace (classes and exceptions from obj.h).
 * Lazy helpers (enumerate, zip, reversed) are small iterator kinds. */
#include <string.h>

#include "engine/lang/vm.h"

/* ------------------------------------------------------------ iterators */

typedef struct IterObj {
    Obj hdr;
    Value a;      /* source iterator (enumerate), or sequence (reversed) */
    Value *its;   /* zip: iterators */
    size_t n;     /* zip: how many; reversed: next index + 1 */
    int64_t i;    /* enumerate: next count */
} IterObj;

static void iter_free(Rt *rt, Obj *o)
{
    IterObj *it = (IterObj *)o;
    val_decref(rt, it->a);
    for (size_t i = 0; it->its && i < it->n; i++)
        val_decref(rt, it->its[i]);
    if (it->its)
        mem_free(rt->mem, it->its, it->n * sizeof(Value));
    obj_release(rt, o, sizeof(IterObj));
}

static void iter_traverse(Obj *o, GcVisit visit, void *arg)
{
    IterObj *it = (IterObj *)o;
    gc_visit_val(it->a, visit, arg);
    for (size_t i = 0; it->its && i < it->n; i++)
        gc_visit_val(it->its[i], visit, arg);
}

/* The zip array stays for iter_free; it holds nothing after. */
static void iter_clear(Rt *rt, Obj *o)
{
    IterObj *it = (IterObj *)o;
    Value a = it->a;
    it->a = VAL_UNDEF_V;
    val_decref(rt, a);
    for (size_t i = 0; it->its && i < it->n; i++) {
        Value v = it->its[i];
        it->its[i] = VAL_UNDEF_V;
        val_decref(rt, v);
    }
}

static RtStatus iter_self(Rt *rt, Obj *o, Value *out)
{
    (void)rt;
    obj_incref(o);
    *out = val_obj(o);
    return RT_OK;
}

static RtStatus enum_next(Rt *rt, Obj *o, Value *out)
{
    IterObj *it = (IterObj *)o;
    Value v;
    RtStatus st = obj_next(rt, it->a, &v);
    if (st != RT_OK)
        return st;
    Tuple *t = tuple_new(rt, 2);
    if (!t) {
        val_decref(rt, v);
        return RT_ERR;
    }
    t->items[0] = val_int(it->i++);
    t->items[1] = v;
    *out = val_obj(&t->hdr);
    return RT_OK;
}

static RtStatus zip_next(Rt *rt, Obj *o, Value *out)
{
    IterObj *it = (IterObj *)o;
    if (it->n == 0)
        return RT_STOP;
    Tuple *t = tuple_new(rt, it->n);
    if (!t)
        return RT_ERR;
    for (size_t i = 0; i < it->n; i++) {
        Value v;
        RtStatus st = obj_next(rt, it->its[i], &v);
        if (st != RT_OK) {
            for (size_t j = 0; j < i; j++)
                val_decref(rt, t->items[j]);
            for (size_t j = i; j < it->n; j++)
                t->items[j] = VAL_NONE_V;
            obj_decref(rt, &t->hdr);
            return st;
        }
        t->items[i] = v;
    }
    *out = val_obj(&t->hdr);
    return RT_OK;
}

static RtStatus rev_next(Rt *rt, Obj *o, Value *out)
{
    IterObj *it = (IterObj *)o;
    if (it->n == 0)
        return RT_STOP;
    size_t i = --it->n;
    return obj_getitem(rt, it->a, val_int((int64_t)i), out);
}

#define ITER_GC .traverse = iter_traverse, .clear = iter_clear
static const ObjType enumerate_type = {
    .name = "enumerate", .free = iter_free, .iter = iter_self, .next = enum_next, ITER_GC};
static const ObjType zip_type = {.name = "zip", .free = iter_free, .iter = iter_self, .next = zip_next, ITER_GC};
static const ObjType reversed_type = {
    .name = "list_reverseiterator", .free = iter_free, .iter = iter_self, .next = rev_next, ITER_GC};
#undef ITER_GC

static IterObj *iter_new(Rt *rt, const ObjType *t)
{
    IterObj *it = (IterObj *)obj_alloc(rt, t, sizeof(IterObj));
    if (it)
        it->a = VAL_UNDEF_V;
    return it;
}

/* ------------------------------------------------------------ functions */

#define BUILTIN(name) static RtStatus name(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)

BUILTIN(b_print)
{
    (void)self;
    Vm *vm = vm_of(rt);
    Value sep = VAL_UNDEF_V, end = VAL_UNDEF_V;
    size_t nkw = kw ? kw->len : 0;
    for (size_t k = 0; k < nkw; k++) {
        Str *name = val_str(kw->items[k]);
        Value v = a[n + k];
        if (str_eq_cstr(name, "sep"))
            sep = v;
        else if (str_eq_cstr(name, "end"))
            end = v;
        else if (str_eq_cstr(name, "flush") || str_eq_cstr(name, "file"))
            ;
        else
            return rt_raise_id(rt, CLS_TypeError, "'%s' is an invalid keyword argument for print()",
                               name->data);
    }
    if (!val_is_undef(sep) && !val_is_none(sep) && !val_is_str(sep))
        return rt_raise_id(rt, CLS_TypeError, "sep must be None or a string, not %s", obj_type_name(rt, sep));
    if (!val_is_undef(end) && !val_is_none(end) && !val_is_str(end))
        return rt_raise_id(rt, CLS_TypeError, "end must be None or a string, not %s", obj_type_name(rt, end));
    StrBuf sb;
    sb_init(&sb, rt);
    for (size_t i = 0; i < n; i++) {
        if (i) {
            if (val_is_str(sep))
                sb_put(&sb, val_str(sep)->data, val_str(sep)->len);
            else
                sb_putc(&sb, ' ');
        }
        if (obj_str_sb(rt, a[i], &sb) != RT_OK) {
            sb_fini(&sb);
            return RT_ERR;
        }
    }
    if (val_is_str(end))
        sb_put(&sb, val_str(end)->data, val_str(end)->len);
    else
        sb_putc(&sb, '\n');
    if (sb_status(&sb) != RT_OK) {
        sb_fini(&sb);
        return RT_ERR;
    }
    vm_write_out(vm, sb.buf ? sb.buf : "", sb.len);
    sb_fini(&sb);
    *out = VAL_NONE_V;
    return RT_OK;
}

BUILTIN(b_len)
{
    (void)self;
    Value v[1];
    int64_t l;
    if (rt_parse_args(rt, "len", "obj", a, n, kw, v) != RT_OK || obj_len(rt, v[0], &l) != RT_OK)
        return RT_ERR;
    *out = val_int(l);
    return RT_OK;
}

BUILTIN(b_repr)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "repr", "obj", a, n, kw, v) != RT_OK)
        return RT_ERR;
    return obj_repr(rt, v[0], out);
}

BUILTIN(b_round)
{
    (void)self;
    Value v[2];
    if (rt_parse_args(rt, "round", "number|ndigits", a, n, kw, v) != RT_OK)
        return RT_ERR;
    return num_round(rt, v[0], v[1], out);
}

BUILTIN(b_abs)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "abs", "x", a, n, kw, v) != RT_OK)
        return RT_ERR;
    return num_abs(rt, v[0], out);
}

static RtStatus minmax(Rt *rt, const char *name, bool want_max, const Value *a, size_t n, Tuple *kw,
                       Value *out)
{
    Value key = VAL_UNDEF_V, dflt = VAL_UNDEF_V;
    size_t nkw = kw ? kw->len : 0;
    for (size_t k = 0; k < nkw; k++) {
        Str *kn = val_str(kw->items[k]);
        if (str_eq_cstr(kn, "key"))
            key = a[n + k];
        else if (str_eq_cstr(kn, "default"))
            dflt = a[n + k];
        else
            return rt_raise_id(rt, CLS_TypeError, "'%s' is an invalid keyword argument for %s()", kn->data,
                               name);
    }
    if (val_is_none(key))
        key = VAL_UNDEF_V;
    if (n == 0)
        return rt_raise_id(rt, CLS_TypeError, "%s expected at least 1 argument, got 0", name);
    Value it;
    Value src;
    Tuple *tmp = NULL;
    if (n == 1) {
        src = a[0];
    } else {
        if (!val_is_undef(dflt))
            return rt_raise_id(rt, CLS_TypeError,
                               "Cannot specify a default for %s() with multiple positional arguments", name);
        tmp = tuple_from(rt, a, n);
        if (!tmp)
            return RT_ERR;
        src = val_obj(&tmp->hdr);
    }
    RtStatus st = obj_iter(rt, src, &it);
    if (tmp)
        obj_decref(rt, &tmp->hdr);
    if (st != RT_OK)
        return RT_ERR;
    Value best = VAL_UNDEF_V, bestk = VAL_UNDEF_V;
    for (;;) {
        Value v, k;
        st = obj_next(rt, it, &v);
        if (st == RT_STOP)
            break;
        if (st != RT_OK)
            goto fail;
        if (!val_is_undef(key)) {
            if (obj_call1(rt, key, v, &k) != RT_OK) {
                val_decref(rt, v);
                goto fail;
            }
        } else {
            k = val_incref(v);
        }
        if (val_is_undef(best)) {
            best = v;
            bestk = k;
            continue;
        }
        bool better;
        if ((want_max ? obj_lt(rt, bestk, k, &better) : obj_lt(rt, k, bestk, &better)) != RT_OK) {
            val_decref(rt, v);
            val_decref(rt, k);
            goto fail;
        }
        if (better) {
            val_decref(rt, best);
            val_decref(rt, bestk);
            best = v;
            bestk = k;
        } else {
            val_decref(rt, v);
            val_decref(rt, k);
        }
    }
    val_decref(rt, it);
    val_decref(rt, bestk);
    if (val_is_undef(best)) {
        if (!val_is_undef(dflt)) {
            *out = val_incref(dflt);
            return RT_OK;
        }
        return rt_raise_id(rt, CLS_ValueError, "%s() arg is an empty sequence", name);
    }
    *out = best;
    return RT_OK;
fail:
    val_decref(rt, it);
    val_decref(rt, best);
    val_decref(rt, bestk);
    return RT_ERR;
}

BUILTIN(b_min)
{
    (void)self;
    return minmax(rt, "min", false, a, n, kw, out);
}

BUILTIN(b_max)
{
    (void)self;
    return minmax(rt, "max", true, a, n, kw, out);
}

BUILTIN(b_sum)
{
    (void)self;
    Value v[2];
    if (rt_parse_args(rt, "sum", "iterable|start", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (val_is_str(v[1]))
        return rt_raise_id(rt, CLS_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
    Value acc = val_is_undef(v[1]) ? val_int(0) : val_incref(v[1]);
    Value it;
    if (obj_iter(rt, v[0], &it) != RT_OK) {
        val_decref(rt, acc);
        return RT_ERR;
    }
    /* Floats are summed with compensation as CPython 3.11 does not: plain
     * left-to-right addition is what 3.11 prints. */
    for (;;) {
        Value x, r;
        RtStatus st = obj_next(rt, it, &x);
        if (st == RT_STOP)
            break;
        if (st != RT_OK) {
            val_decref(rt, it);
            val_decref(rt, acc);
            return RT_ERR;
        }
        st = obj_binop(rt, BINOP_ADD, acc, x, &r);
        val_decref(rt, x);
        val_decref(rt, acc);
        if (st != RT_OK) {
            val_decref(rt, it);
            return RT_ERR;
        }
        acc = r;
    }
    val_decref(rt, it);
    *out = acc;
    return RT_OK;
}

BUILTIN(b_sorted)
{
    (void)self;
    Value v[3];
    if (rt_parse_args(rt, "sorted", "iterable|$key,reverse", a, n, kw, v) != RT_OK)
        return RT_ERR;
    Value l;
    if (obj_to_list(rt, v[0], &l) != RT_OK)
        return RT_ERR;
    bool rev = false;
    if (!val_is_undef(v[2]) && obj_truthy(rt, v[2], &rev) != RT_OK) {
        val_decref(rt, l);
        return RT_ERR;
    }
    if (list_sort(rt, val_list(l), v[1], rev) != RT_OK) {
        val_decref(rt, l);
        return RT_ERR;
    }
    *out = l;
    return RT_OK;
}

BUILTIN(b_reversed)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "reversed", "sequence", a, n, kw, v) != RT_OK)
        return RT_ERR;
    int64_t len;
    if (val_is_type(v[0], &obj_dict_type) || obj_len(rt, v[0], &len) != RT_OK) {
        rt_clear_exc(rt);
        return rt_raise_id(rt, CLS_TypeError, "'%s' object is not reversible", obj_type_name(rt, v[0]));
    }
    IterObj *it = iter_new(rt, &reversed_type);
    if (!it)
        return RT_ERR;
    it->a = val_incref(v[0]);
    it->n = (size_t)len;
    *out = val_obj(&it->hdr);
    return RT_OK;
}

BUILTIN(b_enumerate)
{
    (void)self;
    Value v[2];
    if (rt_parse_args(rt, "enumerate", "iterable|start", a, n, kw, v) != RT_OK)
        return RT_ERR;
    int64_t start = 0;
    if (!val_is_undef(v[1])) {
        if (v[1].tag != VAL_INT)
            return rt_raise_id(rt, CLS_TypeError, "'%s' object cannot be interpreted as an integer",
                               obj_type_name(rt, v[1]));
        start = v[1].u.i;
    }
    Value src;
    if (obj_iter(rt, v[0], &src) != RT_OK)
        return RT_ERR;
    IterObj *it = iter_new(rt, &enumerate_type);
    if (!it) {
        val_decref(rt, src);
        return RT_ERR;
    }
    it->a = src;
    it->i = start;
    *out = val_obj(&it->hdr);
    return RT_OK;
}

BUILTIN(b_zip)
{
    (void)self;
    if (kw && kw->len) {
        if (kw->len == 1 && str_eq_cstr(val_str(kw->items[0]), "strict"))
            ;
        else
            return rt_raise_id(rt, CLS_TypeError, "zip() got an unexpected keyword argument '%s'",
                               val_str(kw->items[0])->data);
    }
    IterObj *it = iter_new(rt, &zip_type);
    if (!it)
        return RT_ERR;
    if (n) {
        it->its = mem_calloc(rt->mem, n * sizeof(Value));
        if (!it->its) {
            obj_decref(rt, &it->hdr);
            return rt_no_memory(rt);
        }
        it->n = n;
        for (size_t i = 0; i < n; i++) {
            if (obj_iter(rt, a[i], &it->its[i]) != RT_OK) {
                if (rt_exc_matches(rt, rt->cls[CLS_TypeError])) {
                    rt_clear_exc(rt);
                    rt_raise_id(rt, CLS_TypeError, "zip argument #%zu must support iteration", i + 1);
                }
                obj_decref(rt, &it->hdr);
                return RT_ERR;
            }
        }
    }
    *out = val_obj(&it->hdr);
    return RT_OK;
}

static RtStatus anyall(Rt *rt, const char *name, bool want, const Value *a, size_t n, Tuple *kw, Value *out)
{
    Value v[1], it;
    if (rt_parse_args(rt, name, "iterable", a, n, kw, v) != RT_OK || obj_iter(rt, v[0], &it) != RT_OK)
        return RT_ERR;
    for (;;) {
        Value x;
        RtStatus st = obj_next(rt, it, &x);
        if (st == RT_STOP)
            break;
        if (st != RT_OK) {
            val_decref(rt, it);
            return RT_ERR;
        }
        bool t;
        st = obj_truthy(rt, x, &t);
        val_decref(rt, x);
        if (st != RT_OK) {
            val_decref(rt, it);
            return RT_ERR;
        }
        if (t == want) {
            val_decref(rt, it);
            *out = val_bool(want);
            return RT_OK;
        }
    }
    val_decref(rt, it);
    *out = val_bool(!want);
    return RT_OK;
}

BUILTIN(b_any)
{
    (void)self;
    return anyall(rt, "any", true, a, n, kw, out);
}

BUILTIN(b_all)
{
    (void)self;
    return anyall(rt, "all", false, a, n, kw, out);
}

static RtStatus isinst(Rt *rt, Value v, Value cls, bool *out)
{
    if (val_is_tuple(cls)) {
        Tuple *t = val_tuple(cls);
        for (size_t i = 0; i < t->len; i++) {
            if (isinst(rt, v, t->items[i], out) != RT_OK)
                return RT_ERR;
            if (*out)
                return RT_OK;
        }
        *out = false;
        return RT_OK;
    }
    if (!val_is_type(cls, &obj_class_type))
        return rt_raise_id(rt, CLS_TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
    *out = obj_isinstance(rt, v, (Class *)cls.u.o);
    return RT_OK;
}

BUILTIN(b_isinstance)
{
    (void)self;
    Value v[2];
    bool r;
    if (rt_parse_args(rt, "isinstance", "obj,class_or_tuple", a, n, kw, v) != RT_OK ||
        isinst(rt, v[0], v[1], &r) != RT_OK)
        return RT_ERR;
    *out = val_bool(r);
    return RT_OK;
}

BUILTIN(b_iter)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "iter", "object", a, n, kw, v) != RT_OK)
        return RT_ERR;
    return obj_iter(rt, v[0], out);
}

BUILTIN(b_next)
{
    (void)self;
    Value v[2];
    if (rt_parse_args(rt, "next", "iterator|default", a, n, kw, v) != RT_OK)
        return RT_ERR;
    RtStatus st = obj_next(rt, v[0], out);
    if (st == RT_STOP) {
        if (!val_is_undef(v[1])) {
            *out = val_incref(v[1]);
            return RT_OK;
        }
        return rt_raise_value(rt, val_obj(&rt->cls[CLS_StopIteration]->hdr)); /* StopIteration() */
    }
    return st;
}

BUILTIN(b_divmod)
{
    (void)self;
    Value v[2], q, r;
    if (rt_parse_args(rt, "divmod", "a,b", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (obj_binop(rt, BINOP_FLOORDIV, v[0], v[1], &q) != RT_OK)
        return RT_ERR;
    if (obj_binop(rt, BINOP_MOD, v[0], v[1], &r) != RT_OK) {
        val_decref(rt, q);
        return RT_ERR;
    }
    Tuple *t = tuple_new(rt, 2);
    if (!t) {
        val_decref(rt, q);
        val_decref(rt, r);
        return RT_ERR;
    }
    t->items[0] = q;
    t->items[1] = r;
    *out = val_obj(&t->hdr);
    return RT_OK;
}

BUILTIN(b_hash)
{
    (void)self;
    Value v[1];
    int64_t h;
    if (rt_parse_args(rt, "hash", "obj", a, n, kw, v) != RT_OK || obj_hash(rt, v[0], &h) != RT_OK)
        return RT_ERR;
    *out = val_int(h);
    return RT_OK;
}

BUILTIN(b_chr)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "chr", "i", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (v[0].tag != VAL_INT)
        return rt_raise_id(rt, CLS_TypeError, "'%s' object cannot be interpreted as an integer",
                           obj_type_name(rt, v[0]));
    if (v[0].u.i < 0 || v[0].u.i > 0x10ffff)
        return rt_raise_id(rt, CLS_ValueError, "chr() arg not in range(0x110000)");
    StrBuf sb;
    sb_init(&sb, rt);
    sb_put_codepoint(&sb, (uint32_t)v[0].u.i);
    return sb_finish(&sb, out);
}

BUILTIN(b_ord)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "ord", "c", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (!val_is_str(v[0]) || val_str(v[0])->nchars != 1)
        return rt_raise_id(rt, CLS_TypeError, "ord() expected a character");
    const unsigned char *s = (const unsigned char *)val_str(v[0])->data;
    uint32_t cp = s[0];
    if (cp >= 0xF0)
        cp = ((cp & 7u) << 18) | ((s[1] & 63u) << 12) | ((s[2] & 63u) << 6) | (s[3] & 63u);
    else if (cp >= 0xE0)
        cp = ((cp & 15u) << 12) | ((s[1] & 63u) << 6) | (s[2] & 63u);
    else if (cp >= 0xC0)
        cp = ((cp & 31u) << 6) | (s[1] & 63u);
    *out = val_int(cp);
    return RT_OK;
}

BUILTIN(b_callable)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "callable", "obj", a, n, kw, v) != RT_OK)
        return RT_ERR;
    *out = val_bool(v[0].tag == VAL_OBJ && v[0].u.o->type->call != NULL);
    return RT_OK;
}

/* ------------------------------------------------------------ namespace */

static const struct {
    const char *name;
    NativeFn fn;
} builtin_fns[] = {
    {"print", b_print},         {"len", b_len},           {"repr", b_repr},
    {"round", b_round},         {"abs", b_abs},           {"min", b_min},
    {"max", b_max},             {"sum", b_sum},           {"sorted", b_sorted},
    {"reversed", b_reversed},   {"enumerate", b_enumerate}, {"zip", b_zip},
    {"any", b_any},             {"all", b_all},           {"isinstance", b_isinstance},
    {"iter", b_iter},           {"next", b_next},         {"divmod", b_divmod},
    {"hash", b_hash},           {"chr", b_chr},           {"ord", b_ord},
    {"callable", b_callable},
};

RtStatus builtins_init(Vm *vm)
{
    Rt *rt = &vm->rt;
    Dict *d = dict_new(rt);
    if (!d)
        return RT_ERR;
    vm->builtins = d;
    for (size_t i = 0; i < sizeof builtin_fns / sizeof builtin_fns[0]; i++) {
        Native *nf = native_new(rt, builtin_fns[i].name, builtin_fns[i].fn, vm);
        if (!nf)
            return RT_ERR;
        RtStatus st = dict_set_str(rt, d, builtin_fns[i].name, val_obj(&nf->hdr));
        obj_decref(rt, &nf->hdr);
        if (st != RT_OK)
            return RT_ERR;
    }
    static const ClassId classes[] = {CLS_object, CLS_type, CLS_int, CLS_bool, CLS_float, CLS_str,
                                      CLS_list, CLS_tuple, CLS_dict, CLS_range, CLS_slice};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        Class *c = rt->cls[classes[i]];
        if (dict_set_str(rt, d, c->name->data, val_obj(&c->hdr)) != RT_OK)
            return RT_ERR;
    }
    for (int id = CLS__FIRST_EXC; id < CLS__COUNT; id++) {
        Class *c = rt->cls[id];
        if (!c || !str_eq_cstr(c->module, "builtins"))
            continue;
        if (dict_set_str(rt, d, c->name->data, val_obj(&c->hdr)) != RT_OK)
            return RT_ERR;
    }
    return RT_OK;
}
