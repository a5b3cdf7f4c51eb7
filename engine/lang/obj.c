/* obj: the runtime context, object lifetime, classes, native functions,
 * modules, and the generic operations that dispatch on a value's kind.
 *
 * The per-kind behaviour lives next to each kind (obj_num.c, obj_str.c,
 * obj_list.c, obj_dict.c, obj_exc.c, obj_fmt.c); this file only decides who
 * handles an operation and words the TypeErrors CPython raises when nobody
 * does.
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <stdio.h>
#include <string.h>

const char *const binop_symbol[BINOP__COUNT] = {
#define X(id, sym) sym,
    RT_BINOPS(X)
#undef X
};

bool val_is(Value a, Value b)
{
    if (a.tag != b.tag)
        return false;
    switch (a.tag) {
    case VAL_UNDEF:
    case VAL_NONE: return true;
    case VAL_BOOL: return a.u.b == b.u.b;
    case VAL_INT: return a.u.i == b.u.i;
    case VAL_FLOAT: return memcmp(&a.u.f, &b.u.f, sizeof(double)) == 0;
    case VAL_OBJ: return a.u.o == b.u.o;
    }
    return false;
}

/* ---- lifetime ----------------------------------------------------------- */

Obj *obj_alloc(Rt *rt, const ObjType *type, size_t size)
{
    Obj *o = mem_calloc(rt->mem, size);
    if (!o) {
        rt_no_memory(rt);
        return NULL;
    }
    o->rc = 1;
    o->type = type;
    if (type->traverse && !gc_track(rt, o)) {
        mem_free(rt->mem, o, size);
        rt_no_memory(rt);
        return NULL;
    }
    return o;
}

void obj_release(Rt *rt, Obj *o, size_t size)
{
    if (o->type->traverse && o->flags)
        gc_untrack(rt, o);
    mem_free(rt->mem, o, size);
}

#define FREE_DEPTH_MAX 100

void obj_dealloc(Rt *rt, Obj *o)
{
    if (rt->free_depth >= FREE_DEPTH_MAX) {
        if (rt->ntrash == rt->trash_cap) {
            size_t ncap = rt->trash_cap ? rt->trash_cap * 2 : 64;
            Obj **nt = mem_realloc(rt->mem, rt->trash, rt->trash_cap * sizeof(Obj *),
                                   ncap * sizeof(Obj *));
            if (!nt) {
                /* No room to defer: free now and hope the stack holds. */
                o->type->free(rt, o);
                return;
            }
            rt->trash = nt;
            rt->trash_cap = ncap;
        }
        rt->trash[rt->ntrash++] = o;
        return;
    }
    rt->free_depth++;
    o->type->free(rt, o);
    if (rt->free_depth == 1)
        while (rt->ntrash) {
            Obj *x = rt->trash[--rt->ntrash];
            x->type->free(rt, x);
        }
    rt->free_depth--;
}

/* ---- classes ------------------------------------------------------------ */

static void class_free(Rt *rt, Obj *o)
{
    obj_release(rt, o, sizeof(Class));
}

static RtStatus class_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Class *c = (Class *)o;
    sb_puts(sb, "<class '");
    if (!str_eq_cstr(c->module, "builtins")) {
        sb_put(sb, c->module->data, c->module->len);
        sb_putc(sb, '.');
    }
    sb_put(sb, c->name->data, c->name->len);
    sb_puts(sb, "'>");
    return sb_status(sb);
}

static RtStatus class_call(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                           Value *out)
{
    Class *c = (Class *)self.u.o;
    if (!c->ctor)
        return rt_raise_id(rt, CLS_TypeError, "cannot create '%s' instances", c->name->data);
    return c->ctor(rt, self, args, nargs, kw, out);
}

/* str.lower, list.append...: a method taken from the class, called with the
 * object first (sorted(words, key=str.lower)). */
typedef struct MethodDescr {
    Obj hdr;
    Class *cls; /* immortal */
    const MethodDef *def;
} MethodDescr;

static void descr_free(Rt *rt, Obj *o)
{
    obj_release(rt, o, sizeof(MethodDescr));
}

static RtStatus descr_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    MethodDescr *d = (MethodDescr *)o;
    sb_printf(sb, "<method '%s' of '%s' objects>", d->def->name, d->cls->name->data);
    return sb_status(sb);
}

static RtStatus descr_call(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                           Value *out)
{
    MethodDescr *d = (MethodDescr *)self.u.o;
    if (nargs == 0)
        return rt_raise_id(rt, CLS_TypeError, "unbound method %s.%s() needs an argument",
                           d->cls->name->data, d->def->name);
    if (!obj_isinstance(rt, args[0], d->cls))
        return rt_raise_id(rt, CLS_TypeError,
                           "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
                           d->def->name, d->cls->name->data, obj_type_name(rt, args[0]));
    return d->def->fn(rt, args[0], args + 1, nargs - 1, kw, out);
}

static const ObjType method_descr_type = {
    .name = "method_descriptor",
    .free = descr_free,
    .repr = descr_repr,
    .call = descr_call,
};

static const MethodDef *find_method(const ObjType *t, Str *name);

static RtStatus class_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    Class *c = (Class *)o;
    if (c->inst && c->inst != &obj_class_type) {
        const MethodDef *m = find_method(c->inst, name);
        if (m) {
            MethodDescr *d = (MethodDescr *)obj_alloc(rt, &method_descr_type, sizeof(MethodDescr));
            if (!d)
                return RT_ERR;
            d->cls = c;
            d->def = m;
            *out = val_obj(&d->hdr);
            return RT_OK;
        }
    }
    if (name == rt->names[NAME___name__] || name == rt->names[NAME___qualname__]) {
        *out = val_incref(val_obj(&c->name->hdr));
        return RT_OK;
    }
    if (name == rt->names[NAME___module__]) {
        *out = val_incref(val_obj(&c->module->hdr));
        return RT_OK;
    }
    return RT_STOP;
}

const ObjType obj_class_type = {
    .name = "type",
    .free = class_free,
    .repr = class_repr,
    .call = class_call,
    .getattr = class_getattr,
    .builtin_class = CLS_type + 1,
};

static Class *class_make(Rt *rt, const char *name, const char *module, Class *base)
{
    Class *c = (Class *)obj_alloc(rt, &obj_class_type, sizeof(Class));
    if (!c)
        return NULL;
    c->name = rt_intern_cstr(rt, name);
    c->module = rt_intern_cstr(rt, module);
    if (!c->name || !c->module) {
        obj_release(rt, &c->hdr, sizeof(Class));
        return NULL;
    }
    c->base = base;
    c->hdr.rc = OBJ_IMMORTAL;
    return c;
}

bool class_is_subclass(const Class *a, const Class *b)
{
    for (; a; a = a->base) {
        if (a == b)
            return true;
        if (a->base2 && class_is_subclass(a->base2, b))
            return true;
    }
    return false;
}

/* Room for one more entry in the kind registry (both arrays together). */
static bool kinds_reserve(Rt *rt)
{
    if (rt->nkinds < rt->kinds_cap)
        return true;
    size_t ncap = rt->kinds_cap ? rt->kinds_cap * 2 : 16;
    const ObjType **nt = mem_alloc(rt->mem, ncap * sizeof(*nt));
    Class **nc = mem_alloc(rt->mem, ncap * sizeof(*nc));
    if (!nt || !nc) {
        mem_free(rt->mem, nt, ncap * sizeof(*nt));
        mem_free(rt->mem, nc, ncap * sizeof(*nc));
        return false;
    }
    if (rt->nkinds) {
        memcpy(nt, rt->kind_types, rt->nkinds * sizeof(*nt));
        memcpy(nc, rt->kind_classes, rt->nkinds * sizeof(*nc));
    }
    mem_free(rt->mem, rt->kind_types, rt->kinds_cap * sizeof(*nt));
    mem_free(rt->mem, rt->kind_classes, rt->kinds_cap * sizeof(*nc));
    rt->kind_types = nt;
    rt->kind_classes = nc;
    rt->kinds_cap = ncap;
    return true;
}

Class *rt_kind_class(Rt *rt, const ObjType *t)
{
    if (t->builtin_class)
        return rt->cls[t->builtin_class - 1];
    for (size_t i = 0; i < rt->nkinds; i++)
        if (rt->kind_types[i] == t)
            return rt->kind_classes[i];
    if (!kinds_reserve(rt))
        return rt->cls[CLS_object];
    Class *c = class_make(rt, t->name, "builtins", rt->cls[CLS_object]);
    if (!c) {
        rt_clear_exc(rt);
        return rt->cls[CLS_object];
    }
    c->inst = t;
    rt->kind_types[rt->nkinds] = t;
    rt->kind_classes[rt->nkinds++] = c;
    return c;
}

Class *obj_class_of(Rt *rt, Value v)
{
    switch (v.tag) {
    case VAL_NONE: return rt->cls[CLS_NoneType];
    case VAL_BOOL: return rt->cls[CLS_bool];
    case VAL_INT: return rt->cls[CLS_int];
    case VAL_FLOAT: return rt->cls[CLS_float];
    case VAL_OBJ:
        if (v.u.o->type == &obj_exc_type)
            return ((Exc *)v.u.o)->cls;
        return rt_kind_class(rt, v.u.o->type);
    case VAL_UNDEF: break;
    }
    return rt->cls[CLS_object];
}

bool obj_isinstance(Rt *rt, Value v, const Class *cls)
{
    return class_is_subclass(obj_class_of(rt, v), cls);
}

const char *obj_type_name(Rt *rt, Value v)
{
    if (val_is_type(v, &obj_native_type) && ((Native *)v.u.o)->py_type)
        return ((Native *)v.u.o)->py_type;
    if (v.tag == VAL_OBJ && !v.u.o->type->builtin_class && v.u.o->type != &obj_exc_type)
        return v.u.o->type->tp_name ? v.u.o->type->tp_name : v.u.o->type->name;
    return obj_class_of(rt, v)->name->data;
}

Class *rt_new_exc_class(Rt *rt, const char *name, const char *module, Class *base)
{
    Class *c = class_make(rt, name, module, base);
    if (!c)
        return NULL;
    c->is_exc = true;
    c->ctor = exc_ctor;
    /* Kept in the kind registry's arrays so rt_fini frees it. */
    if (!kinds_reserve(rt))
        goto fail;
    rt->kind_types[rt->nkinds] = NULL; /* never matches a kind */
    rt->kind_classes[rt->nkinds++] = c;
    return c;
fail:
    obj_release(rt, &c->hdr, sizeof(Class));
    rt_no_memory(rt);
    return NULL;
}

RtStatus type_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    if (nargs != 1 || kw)
        return rt_raise_id(rt, CLS_TypeError, "type() takes 1 or 3 arguments");
    *out = val_incref(val_obj(&obj_class_of(rt, args[0])->hdr));
    return RT_OK;
}

/* ---- the runtime -------------------------------------------------------- */

static const struct {
    const char *name, *module;
    int base;
} class_table[CLS__COUNT] = {
#define X(id, nm, b, mod) [CLS_##id] = {nm, mod, CLS_##b},
    RT_TYPE_CLASSES(X) RT_EXC_CLASSES(X)
#undef X
};

extern const ObjType obj_list_type, obj_tuple_type, obj_dict_type, obj_range_type,
    obj_slice_type, obj_module_type, obj_native_type, obj_method_type;

RtStatus rt_init(Rt *rt, Mem *mem)
{
    memset(rt, 0, sizeof(*rt));
    rt->mem = mem;
    gc_init(rt);
    rt->interned = dict_new(rt);
    if (!rt->interned)
        return RT_ERR;
    static const char *const names[NAME__COUNT] = {
#define X(n) #n,
        RT_NAMES(X)
#undef X
    };
    for (int i = 0; i < NAME__COUNT; i++)
        if (!(rt->names[i] = rt_intern_cstr(rt, names[i])))
            return RT_ERR;
    for (int i = 0; i < CLS__COUNT; i++) {
        Class *base = i == CLS_object ? NULL : rt->cls[class_table[i].base];
        Class *c = class_make(rt, class_table[i].name, class_table[i].module, base);
        if (!c)
            return RT_ERR;
        rt->cls[i] = c;
        if (i >= CLS__FIRST_EXC) {
            c->is_exc = true;
            c->ctor = exc_ctor;
        }
    }
    rt->cls[CLS_ExceptionGroup]->base2 = rt->cls[CLS_Exception];
    rt->cls[CLS_type]->ctor = type_ctor;
    rt->cls[CLS_type]->inst = &obj_class_type;
    rt->cls[CLS_int]->ctor = num_ctor_int;
    rt->cls[CLS_float]->ctor = num_ctor_float;
    rt->cls[CLS_bool]->ctor = num_ctor_bool;
    rt->cls[CLS_str]->ctor = str_ctor;
    rt->cls[CLS_str]->inst = &obj_str_type;
    rt->cls[CLS_list]->ctor = list_ctor;
    rt->cls[CLS_list]->inst = &obj_list_type;
    rt->cls[CLS_tuple]->ctor = tuple_ctor;
    rt->cls[CLS_tuple]->inst = &obj_tuple_type;
    rt->cls[CLS_dict]->ctor = dict_ctor;
    rt->cls[CLS_dict]->inst = &obj_dict_type;
    rt->cls[CLS_range]->ctor = range_ctor;
    rt->cls[CLS_range]->inst = &obj_range_type;
    rt->cls[CLS_slice]->inst = &obj_slice_type;
    rt->cls[CLS_slice]->ctor = slice_ctor;
    rt->cls[CLS_module]->inst = &obj_module_type;
    rt->cls[CLS_builtin_function_or_method]->inst = &obj_native_type;
    rt->cls[CLS_method]->inst = &obj_method_type;

    /* The MemoryError raised when nothing more can be allocated. */
    Exc *me = exc_new_msg(rt, rt->cls[CLS_MemoryError], NULL);
    if (!me)
        return RT_ERR;
    rt->memory_error = me;
    return RT_OK;
}

void rt_fini(Rt *rt)
{
    rt_clear_exc(rt);
    /* Cycles left by the program, while the classes their exceptions
     * point to still exist. */
    gc_collect(rt);
    if (rt->memory_error)
        obj_decref(rt, &rt->memory_error->hdr);
    rt->memory_error = NULL;
    for (size_t i = 0; i < rt->nkinds; i++)
        class_free(rt, &rt->kind_classes[i]->hdr);
    mem_free(rt->mem, rt->kind_types, rt->kinds_cap * sizeof(*rt->kind_types));
    mem_free(rt->mem, rt->kind_classes, rt->kinds_cap * sizeof(*rt->kind_classes));
    for (int i = 0; i < CLS__COUNT; i++)
        if (rt->cls[i])
            class_free(rt, &rt->cls[i]->hdr);
    mem_free(rt->mem, rt->repr_stack, rt->repr_cap * sizeof(Obj *));
    mem_free(rt->mem, rt->trash, rt->trash_cap * sizeof(Obj *));
    rt->trash = NULL;
    rt->trash_cap = 0;
    if (rt->interned) {
        /* Interned strings are immortal: give each back the two references
         * the table holds (as key and as value), then drop the table. */
        size_t pos = 0;
        Value k, v;
        while (dict_next(rt->interned, &pos, &k, &v))
            k.u.o->rc = 2;
        Dict *d = rt->interned;
        rt->interned = NULL;
        obj_decref(rt, &d->hdr);
    }
    gc_fini(rt);
    memset(rt, 0, sizeof(*rt));
}

Str *rt_intern(Rt *rt, const char *s, size_t len)
{
    Str *tmp = str_new(rt, s, len);
    if (!tmp)
        return NULL;
    Value found;
    bool ok;
    if (dict_get(rt, rt->interned, val_obj(&tmp->hdr), &found, &ok) != RT_OK) {
        obj_decref(rt, &tmp->hdr);
        return NULL;
    }
    if (ok) {
        obj_decref(rt, &tmp->hdr);
        return val_str(found);
    }
    if (dict_set(rt, rt->interned, val_obj(&tmp->hdr), val_obj(&tmp->hdr)) != RT_OK) {
        obj_decref(rt, &tmp->hdr);
        return NULL;
    }
    tmp->hdr.rc = OBJ_IMMORTAL;
    return tmp;
}

Str *rt_intern_cstr(Rt *rt, const char *s)
{
    return rt_intern(rt, s, strlen(s));
}

/* ---- repr recursion guard ----------------------------------------------- */

bool obj_repr_enter(Rt *rt, Obj *o, bool *failed)
{
    *failed = false;
    for (size_t i = 0; i < rt->repr_depth; i++)
        if (rt->repr_stack[i] == o)
            return true;
    if (rt->repr_depth >= RT_MAX_NEST) {
        rt_raise_id(rt, CLS_RecursionError,
                    "maximum recursion depth exceeded while getting the repr of an object");
        *failed = true;
        return false;
    }
    if (rt->repr_depth == rt->repr_cap) {
        size_t ncap = rt->repr_cap ? rt->repr_cap * 2 : 16;
        Obj **ns = mem_realloc(rt->mem, rt->repr_stack, rt->repr_cap * sizeof(Obj *),
                               ncap * sizeof(Obj *));
        if (!ns) {
            rt_no_memory(rt);
            *failed = true;
            return false;
        }
        rt->repr_stack = ns;
        rt->repr_cap = ncap;
    }
    rt->repr_stack[rt->repr_depth++] = o;
    return false;
}

void obj_repr_leave(Rt *rt, Obj *o)
{
    if (rt->repr_depth && rt->repr_stack[rt->repr_depth - 1] == o)
        rt->repr_depth--;
}

/* ---- natives, bound methods, modules ------------------------------------ */

static void native_free(Rt *rt, Obj *o)
{
    Native *n = (Native *)o;
    val_decref(rt, n->self);
    obj_release(rt, o, sizeof(Native));
}

static void native_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_val(((Native *)o)->self, visit, arg);
}

static void native_clear(Rt *rt, Obj *o)
{
    Native *n = (Native *)o;
    Value v = n->self;
    n->self = VAL_UNDEF_V;
    val_decref(rt, v);
}

static RtStatus native_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Native *n = (Native *)o;
    if (val_is_undef(n->self) || (val_is_obj(n->self) && n->self.u.o->type == &obj_module_type))
        sb_printf(sb, "<built-in function %s>", n->name);
    else if (val_is_obj(n->self))
        sb_printf(sb, "<built-in method %s of %s object at %p>", n->name,
                  obj_type_name(rt, n->self), (void *)n->self.u.o);
    else
        sb_printf(sb, "<built-in method %s of %s object>", n->name, obj_type_name(rt, n->self));
    return sb_status(sb);
}

static RtStatus native_call(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                            Value *out)
{
    Native *n = (Native *)self.u.o;
    return n->fn(rt, n->self, args, nargs, kw, out);
}

static RtStatus native_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    if (name == rt->names[NAME___name__] || name == rt->names[NAME___qualname__])
        return str_value(rt, ((Native *)o)->name, strlen(((Native *)o)->name), out);
    return RT_STOP;
}

const ObjType obj_native_type = {
    .name = "builtin_function_or_method",
    .free = native_free,
    .traverse = native_traverse,
    .clear = native_clear,
    .repr = native_repr,
    .call = native_call,
    .getattr = native_getattr,
    .builtin_class = CLS_builtin_function_or_method + 1,
};

Native *native_new(Rt *rt, const char *name, NativeFn fn, void *data)
{
    Native *n = (Native *)obj_alloc(rt, &obj_native_type, sizeof(Native));
    if (!n)
        return NULL;
    n->name = name;
    n->fn = fn;
    n->data = data;
    n->self = VAL_UNDEF_V;
    return n;
}

static void method_free(Rt *rt, Obj *o)
{
    BoundMethod *m = (BoundMethod *)o;
    val_decref(rt, m->self);
    val_decref(rt, m->func);
    obj_release(rt, o, sizeof(BoundMethod));
}

static void method_traverse(Obj *o, GcVisit visit, void *arg)
{
    BoundMethod *m = (BoundMethod *)o;
    gc_visit_val(m->self, visit, arg);
    gc_visit_val(m->func, visit, arg);
}

static void method_clear(Rt *rt, Obj *o)
{
    BoundMethod *m = (BoundMethod *)o;
    Value self = m->self, func = m->func;
    m->self = m->func = VAL_NONE_V;
    val_decref(rt, self);
    val_decref(rt, func);
}

static RtStatus method_call(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                            Value *out)
{
    BoundMethod *m = (BoundMethod *)self.u.o;
    size_t total = nargs + (kw ? kw->len : 0);
    Value small[8];
    Value *buf = small;
    if (total + 1 > 8) {
        buf = mem_alloc(rt->mem, (total + 1) * sizeof(Value));
        if (!buf)
            return rt_no_memory(rt);
    }
    buf[0] = m->self;
    memcpy(buf + 1, args, total * sizeof(Value));
    RtStatus st = obj_call(rt, m->func, buf, nargs + 1, kw, out);
    if (buf != small)
        mem_free(rt->mem, buf, (total + 1) * sizeof(Value));
    return st;
}

static RtStatus method_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    BoundMethod *m = (BoundMethod *)o;
    Value name;
    sb_puts(sb, "<bound method ");
    if (obj_getattr(rt, m->func, rt->names[NAME___qualname__], &name) == RT_OK) {
        obj_str_sb(rt, name, sb);
        val_decref(rt, name);
    } else {
        rt_clear_exc(rt);
        sb_puts(sb, "?");
    }
    sb_puts(sb, " of ");
    RtStatus st = obj_repr_sb(rt, m->self, sb);
    sb_putc(sb, '>');
    return st == RT_OK ? sb_status(sb) : st;
}

const ObjType obj_method_type = {
    .name = "method",
    .free = method_free,
    .traverse = method_traverse,
    .clear = method_clear,
    .repr = method_repr,
    .call = method_call,
    .builtin_class = CLS_method + 1,
};

RtStatus bound_method_new(Rt *rt, Value self, Value func, Value *out)
{
    BoundMethod *m = (BoundMethod *)obj_alloc(rt, &obj_method_type, sizeof(BoundMethod));
    if (!m)
        return RT_ERR;
    m->self = val_incref(self);
    m->func = val_incref(func);
    *out = val_obj(&m->hdr);
    return RT_OK;
}

static void module_free(Rt *rt, Obj *o)
{
    Module *m = (Module *)o;
    obj_decref(rt, (Obj *)m->dict); /* NULL once cleared */
    obj_release(rt, o, sizeof(Module));
}

/* name is interned (immortal): not a reference the collector sees. */
static void module_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_obj((Obj *)((Module *)o)->dict, visit, arg);
}

static void module_clear(Rt *rt, Obj *o)
{
    Module *m = (Module *)o;
    Obj *d = (Obj *)m->dict;
    m->dict = NULL;
    obj_decref(rt, d);
}

static RtStatus module_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Module *m = (Module *)o;
    sb_printf(sb, "<module '%s'>", m->name->data);
    return sb_status(sb);
}

static RtStatus module_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    Module *m = (Module *)o;
    Value v = dict_get_str(m->dict, name);
    if (val_is_undef(v)) {
        if (name == rt->names[NAME___name__]) {
            *out = val_incref(val_obj(&m->name->hdr));
            return RT_OK;
        }
        return rt_raise_id(rt, CLS_AttributeError, "module '%s' has no attribute '%s'",
                           m->name->data, name->data);
    }
    *out = val_incref(v);
    return RT_OK;
}

static RtStatus module_setattr(Rt *rt, Obj *o, Str *name, Value v)
{
    return dict_set(rt, ((Module *)o)->dict, val_obj(&name->hdr), v);
}

const ObjType obj_module_type = {
    .name = "module",
    .free = module_free,
    .traverse = module_traverse,
    .clear = module_clear,
    .repr = module_repr,
    .getattr = module_getattr,
    .setattr = module_setattr,
    .builtin_class = CLS_module + 1,
};

Module *module_new(Rt *rt, const char *name)
{
    Module *m = (Module *)obj_alloc(rt, &obj_module_type, sizeof(Module));
    if (!m)
        return NULL;
    m->name = rt_intern_cstr(rt, name);
    m->dict = m->name ? dict_new(rt) : NULL;
    if (!m->dict) {
        obj_release(rt, &m->hdr, sizeof(Module));
        return NULL;
    }
    return m;
}

RtStatus module_add_value(Rt *rt, Module *m, const char *name, Value v)
{
    Str *k = rt_intern_cstr(rt, name);
    if (!k)
        return RT_ERR;
    return dict_set(rt, m->dict, val_obj(&k->hdr), v);
}

RtStatus module_add_native(Rt *rt, Module *m, const char *name, NativeFn fn, void *data)
{
    Native *n = native_new(rt, name, fn, data);
    if (!n)
        return RT_ERR;
    RtStatus st = module_add_value(rt, m, name, val_obj(&n->hdr));
    obj_decref(rt, &n->hdr);
    return st;
}

/* ---- generic operations ------------------------------------------------- */

static RtStatus binop_type_error(Rt *rt, BinOp op, Value a, Value b, bool inplace)
{
    const char *an = obj_type_name(rt, a), *bn = obj_type_name(rt, b);
    if (op == BINOP_ADD && (val_is_str(a) || val_is_list(a) || val_is_tuple(a)))
        return rt_raise_id(rt, CLS_TypeError, "can only concatenate %s (not \"%s\") to %s", an, bn,
                           an);
    if (op == BINOP_MUL && (val_is_str(a) || val_is_list(a) || val_is_tuple(a)))
        return rt_raise_id(rt, CLS_TypeError, "can't multiply sequence by non-int of type '%s'",
                           bn);
    if (op == BINOP_MUL && (val_is_str(b) || val_is_list(b) || val_is_tuple(b)))
        return rt_raise_id(rt, CLS_TypeError, "can't multiply sequence by non-int of type '%s'",
                           an);
    if (op == BINOP_POW && !inplace)
        return rt_raise_id(rt, CLS_TypeError,
                           "unsupported operand type(s) for ** or pow(): '%s' and '%s'", an, bn);
    return rt_raise_id(rt, CLS_TypeError, "unsupported operand type(s) for %s%s: '%s' and '%s'",
                       binop_symbol[op], inplace ? "=" : "", an, bn);
}

static RtStatus binop_impl(Rt *rt, BinOp op, Value a, Value b, Value *out, bool inplace)
{
    RtStatus st = num_binop(rt, op, a, b, out);
    if (st != RT_STOP)
        return st;
    if (val_is_str(a) || val_is_str(b)) {
        st = str_binop(rt, op, a, b, out);
        if (st != RT_STOP)
            return st;
    } else if (val_is_list(a) || val_is_tuple(a) || val_is_list(b) || val_is_tuple(b)) {
        st = seq_binop(rt, op, a, b, out);
        if (st != RT_STOP)
            return st;
    }
    return binop_type_error(rt, op, a, b, inplace);
}

RtStatus obj_binop(Rt *rt, BinOp op, Value a, Value b, Value *out)
{
    return binop_impl(rt, op, a, b, out, false);
}

RtStatus obj_inplace(Rt *rt, BinOp op, Value a, Value b, Value *out)
{
    if (val_is_list(a)) {
        if (op == BINOP_ADD) {
            if (list_extend(rt, val_list(a), b) != RT_OK)
                return RT_ERR;
            *out = val_incref(a);
            return RT_OK;
        }
    }
    return binop_impl(rt, op, a, b, out, true);
}

RtStatus obj_unop(Rt *rt, UnOp op, Value a, Value *out)
{
    static const char *const sym[] = {"-", "+", "~"};
    switch (a.tag) {
    case VAL_BOOL:
    case VAL_INT: {
        int64_t i = a.tag == VAL_BOOL ? a.u.b : a.u.i;
        if (op == UNOP_NEG) {
            if (i == INT64_MIN)
                return rt_raise_id(rt, CLS_OverflowError,
                                   "integer overflow: -(%lld) does not fit in 64 bits",
                                   (long long)i);
            *out = val_int(-i);
        } else if (op == UNOP_POS) {
            *out = val_int(i);
        } else {
            *out = val_int(~i);
        }
        return RT_OK;
    }
    case VAL_FLOAT:
        if (op == UNOP_NEG) {
            *out = val_float(-a.u.f);
            return RT_OK;
        }
        if (op == UNOP_POS) {
            *out = a;
            return RT_OK;
        }
        break;
    default: break;
    }
    return rt_raise_id(rt, CLS_TypeError, "bad operand type for unary %s: '%s'", sym[op],
                       obj_type_name(rt, a));
}

RtStatus obj_eq(Rt *rt, Value a, Value b, bool *out)
{
    if (val_is_number(a) && val_is_number(b)) {
        bool unordered;
        int c = num_cmp(a, b, &unordered);
        *out = !unordered && c == 0;
        return RT_OK;
    }
    if (a.tag == VAL_NONE || b.tag == VAL_NONE) {
        *out = a.tag == b.tag;
        return RT_OK;
    }
    if (a.tag != VAL_OBJ || b.tag != VAL_OBJ) {
        *out = false;
        return RT_OK;
    }
    if (a.u.o == b.u.o) {
        *out = true;
        return RT_OK;
    }
    if (a.u.o->type->eq)
        return a.u.o->type->eq(rt, a.u.o, b, out);
    if (b.u.o->type->eq)
        return b.u.o->type->eq(rt, b.u.o, a, out);
    *out = false;
    return RT_OK;
}

static const char *const cmp_symbol[] = {"<", "<=", "==", "!=", ">", ">="};

RtStatus obj_compare(Rt *rt, CmpOp op, Value a, Value b, bool *out)
{
    if (op == CMP_EQ || op == CMP_NE) {
        if (obj_eq(rt, a, b, out) != RT_OK)
            return RT_ERR;
        if (op == CMP_NE)
            *out = !*out;
        return RT_OK;
    }
    int c;
    if (val_is_number(a) && val_is_number(b)) {
        bool unordered;
        c = num_cmp(a, b, &unordered);
        if (unordered) {
            *out = false;
            return RT_OK;
        }
    } else if (val_is_str(a) && val_is_str(b)) {
        c = str_cmp(val_str(a), val_str(b));
    } else if ((val_is_list(a) && val_is_list(b)) || (val_is_tuple(a) && val_is_tuple(b))) {
        return seq_compare(rt, op, a, b, out);
    } else {
        return rt_raise_id(rt, CLS_TypeError, "'%s' not supported between instances of '%s' and '%s'",
                           cmp_symbol[op], obj_type_name(rt, a), obj_type_name(rt, b));
    }
    switch (op) {
    case CMP_LT: *out = c < 0; break;
    case CMP_LE: *out = c <= 0; break;
    case CMP_GT: *out = c > 0; break;
    default: *out = c >= 0; break;
    }
    return RT_OK;
}

RtStatus obj_lt(Rt *rt, Value a, Value b, bool *out)
{
    if (a.tag == VAL_INT && b.tag == VAL_INT) {
        *out = a.u.i < b.u.i;
        return RT_OK;
    }
    return obj_compare(rt, CMP_LT, a, b, out);
}

RtStatus obj_truthy(Rt *rt, Value v, bool *out)
{
    bool known;
    *out = val_truthy_fast(v, &known);
    if (known)
        return RT_OK;
    if (v.tag != VAL_OBJ) {
        *out = false;
        return RT_OK;
    }
    const ObjType *t = v.u.o->type;
    if (t->len) {
        int64_t n;
        if (t->len(rt, v.u.o, &n) != RT_OK)
            return RT_ERR;
        *out = n != 0;
        return RT_OK;
    }
    *out = true;
    return RT_OK;
}

RtStatus obj_hash(Rt *rt, Value v, int64_t *out)
{
    switch (v.tag) {
    case VAL_NONE: *out = 0x5f3759df; return RT_OK;
    case VAL_BOOL:
    case VAL_INT:
    case VAL_FLOAT: *out = num_hash(v); return RT_OK;
    case VAL_OBJ: break;
    case VAL_UNDEF: *out = 0; return RT_OK;
    }
    const ObjType *t = v.u.o->type;
    if (t->unhashable)
        return rt_raise_id(rt, CLS_TypeError, "unhashable type: '%s'", obj_type_name(rt, v));
    if (t->hash)
        return t->hash(rt, v.u.o, out);
    uintptr_t p = (uintptr_t)v.u.o;
    *out = (int64_t)((p >> 4) | (p << (sizeof(p) * 8 - 4)));
    return RT_OK;
}

RtStatus obj_len(Rt *rt, Value v, int64_t *out)
{
    if (v.tag == VAL_OBJ && v.u.o->type->len)
        return v.u.o->type->len(rt, v.u.o, out);
    return rt_raise_id(rt, CLS_TypeError, "object of type '%s' has no len()",
                       obj_type_name(rt, v));
}

RtStatus obj_contains(Rt *rt, Value c, Value item, bool *out)
{
    if (val_is_str(c))
        return str_contains(rt, val_str(c), item, out);
    if (val_is_dict(c)) {
        Value dummy;
        return dict_get(rt, val_dict(c), item, &dummy, out);
    }
    if (val_is_list(c) || val_is_tuple(c)) {
        size_t n = val_is_list(c) ? val_list(c)->len : val_tuple(c)->len;
        for (size_t i = 0; i < n; i++) {
            /* The list may shrink while == runs; reread its items each time. */
            Value *items = val_is_list(c) ? val_list(c)->items : val_tuple(c)->items;
            if (val_is_list(c) && i >= val_list(c)->len)
                break;
            Value x = val_incref(items[i]);
            bool eq;
            RtStatus st = val_is(x, item) ? (eq = true, RT_OK) : obj_eq(rt, x, item, &eq);
            val_decref(rt, x);
            if (st != RT_OK)
                return st;
            if (eq) {
                *out = true;
                return RT_OK;
            }
        }
        *out = false;
        return RT_OK;
    }
    if (val_is_type(c, &obj_range_type) && (item.tag == VAL_INT || item.tag == VAL_BOOL)) {
        RangeObj *r = (RangeObj *)c.u.o;
        int64_t x = item.tag == VAL_INT ? item.u.i : item.u.b;
        if (r->step > 0)
            *out = x >= r->start && x < r->stop;
        else
            *out = x <= r->start && x > r->stop;
        if (*out) {
            /* (x - start) cannot overflow when x lies between start and stop. */
            int64_t d = x - r->start;
            *out = d % r->step == 0;
        }
        return RT_OK;
    }
    if (c.tag != VAL_OBJ || (!c.u.o->type->iter && !c.u.o->type->next))
        return rt_raise_id(rt, CLS_TypeError, "argument of type '%s' is not iterable",
                           obj_type_name(rt, c));
    Value it, x;
    if (obj_iter(rt, c, &it) != RT_OK)
        return RT_ERR;
    RtStatus st;
    *out = false;
    while ((st = obj_next(rt, it, &x)) == RT_OK) {
        bool eq;
        st = obj_eq(rt, x, item, &eq);
        val_decref(rt, x);
        if (st != RT_OK)
            break;
        if (eq) {
            *out = true;
            break;
        }
    }
    val_decref(rt, it);
    return st == RT_ERR ? RT_ERR : RT_OK;
}

RtStatus obj_getitem(Rt *rt, Value c, Value key, Value *out)
{
    if (val_is_list(c))
        return list_getitem(rt, val_list(c), key, out);
    if (val_is_dict(c))
        return dict_getitem(rt, val_dict(c), key, out);
    if (val_is_tuple(c))
        return tuple_getitem(rt, val_tuple(c), key, out);
    if (val_is_str(c))
        return str_getitem(rt, val_str(c), key, out);
    if (val_is_type(c, &obj_range_type))
        return range_getitem(rt, (RangeObj *)c.u.o, key, out);
    return rt_raise_id(rt, CLS_TypeError, "'%s' object is not subscriptable",
                       obj_type_name(rt, c));
}

RtStatus obj_setitem(Rt *rt, Value c, Value key, Value v)
{
    if (val_is_list(c))
        return list_setitem(rt, val_list(c), key, v);
    if (val_is_dict(c))
        return dict_set(rt, val_dict(c), key, v);
    return rt_raise_id(rt, CLS_TypeError, "'%s' object does not support item assignment",
                       obj_type_name(rt, c));
}

RtStatus obj_delitem(Rt *rt, Value c, Value key)
{
    if (val_is_list(c))
        return list_delitem(rt, val_list(c), key);
    if (val_is_dict(c)) {
        bool found;
        if (dict_del(rt, val_dict(c), key, &found) != RT_OK)
            return RT_ERR;
        return found ? RT_OK : rt_raise_key_error(rt, key);
    }
    return rt_raise_id(rt, CLS_TypeError, "'%s' object doesn't support item deletion",
                       obj_type_name(rt, c));
}

static RtStatus with_slice(Rt *rt, Value lo, Value hi, Value step, Value *out)
{
    return slice_new(rt, val_is_undef(lo) ? VAL_NONE_V : lo, val_is_undef(hi) ? VAL_NONE_V : hi,
                     val_is_undef(step) ? VAL_NONE_V : step, out);
}

RtStatus obj_getslice(Rt *rt, Value c, Value lo, Value hi, Value step, Value *out)
{
    Value s;
    if (with_slice(rt, lo, hi, step, &s) != RT_OK)
        return RT_ERR;
    RtStatus st = obj_getitem(rt, c, s, out);
    val_decref(rt, s);
    return st;
}

RtStatus obj_setslice(Rt *rt, Value c, Value lo, Value hi, Value step, Value v)
{
    Value s;
    if (with_slice(rt, lo, hi, step, &s) != RT_OK)
        return RT_ERR;
    RtStatus st = obj_setitem(rt, c, s, v);
    val_decref(rt, s);
    return st;
}

RtStatus obj_delslice(Rt *rt, Value c, Value lo, Value hi, Value step)
{
    Value s;
    if (with_slice(rt, lo, hi, step, &s) != RT_OK)
        return RT_ERR;
    RtStatus st = obj_delitem(rt, c, s);
    val_decref(rt, s);
    return st;
}

RtStatus obj_iter(Rt *rt, Value v, Value *out)
{
    if (v.tag == VAL_OBJ) {
        const ObjType *t = v.u.o->type;
        if (t->iter)
            return t->iter(rt, v.u.o, out);
        if (t->next) {
            *out = val_incref(v);
            return RT_OK;
        }
    }
    return rt_raise_id(rt, CLS_TypeError, "'%s' object is not iterable", obj_type_name(rt, v));
}

RtStatus obj_next(Rt *rt, Value it, Value *out)
{
    if (it.tag == VAL_OBJ && it.u.o->type->next)
        return it.u.o->type->next(rt, it.u.o, out);
    return rt_raise_id(rt, CLS_TypeError, "'%s' object is not an iterator",
                       obj_type_name(rt, it));
}

RtStatus obj_to_list(Rt *rt, Value iterable, Value *out)
{
    List *l = list_new(rt, 0);
    if (!l)
        return RT_ERR;
    if (list_extend(rt, l, iterable) != RT_OK) {
        obj_decref(rt, &l->hdr);
        return RT_ERR;
    }
    *out = val_obj(&l->hdr);
    return RT_OK;
}

static const MethodDef *find_method(const ObjType *t, Str *name)
{
    if (!t->methods)
        return NULL;
    for (const MethodDef *m = t->methods; m->name; m++)
        if (str_eq_cstr(name, m->name))
            return m;
    return NULL;
}

static RtStatus no_attr(Rt *rt, Value v, Str *name)
{
    if (val_is_type(v, &obj_class_type))
        return rt_raise_id(rt, CLS_AttributeError, "type object '%s' has no attribute '%s'",
                           ((Class *)v.u.o)->name->data, name->data);
    return rt_raise_id(rt, CLS_AttributeError, "'%s' object has no attribute '%s'",
                       obj_type_name(rt, v), name->data);
}

RtStatus obj_getattr(Rt *rt, Value v, Str *name, Value *out)
{
    if (v.tag != VAL_OBJ)
        return no_attr(rt, v, name);
    const ObjType *t = v.u.o->type;
    if (t->getattr) {
        RtStatus st = t->getattr(rt, v.u.o, name, out);
        if (st != RT_STOP)
            return st;
    }
    const MethodDef *m = find_method(t, name);
    if (!m)
        return no_attr(rt, v, name);
    Native *n = native_new(rt, m->name, m->fn, NULL);
    if (!n)
        return RT_ERR;
    n->self = val_incref(v);
    *out = val_obj(&n->hdr);
    return RT_OK;
}

RtStatus obj_setattr(Rt *rt, Value v, Str *name, Value value)
{
    if (v.tag == VAL_OBJ && v.u.o->type->setattr)
        return v.u.o->type->setattr(rt, v.u.o, name, value);
    if (v.tag == VAL_OBJ && find_method(v.u.o->type, name))
        return rt_raise_id(rt, CLS_AttributeError, "'%s' object attribute '%s' is read-only",
                           obj_type_name(rt, v), name->data);
    return no_attr(rt, v, name);
}

RtStatus obj_call_method(Rt *rt, Value self, Str *name, const Value *args, size_t nargs,
                         Tuple *kwnames, Value *out)
{
    if (self.tag == VAL_OBJ) {
        const ObjType *t = self.u.o->type;
        /* A getattr slot may shadow the methods (modules: asyncio.sleep). */
        if (!t->getattr) {
            const MethodDef *m = find_method(t, name);
            if (m)
                return m->fn(rt, self, args, nargs, kwnames, out);
        } else if (t != &obj_module_type && t != &obj_class_type) {
            const MethodDef *m = find_method(t, name);
            if (m)
                return m->fn(rt, self, args, nargs, kwnames, out);
        }
    }
    Value f;
    if (obj_getattr(rt, self, name, &f) != RT_OK)
        return RT_ERR;
    RtStatus st = obj_call(rt, f, args, nargs, kwnames, out);
    val_decref(rt, f);
    return st;
}

RtStatus obj_check_method(Rt *rt, Value self, Str *name)
{
    if (self.tag == VAL_OBJ) {
        const ObjType *t = self.u.o->type;
        if ((!t->getattr || (t != &obj_module_type && t != &obj_class_type)) && find_method(t, name))
            return RT_OK;
    }
    Value f;
    if (obj_getattr(rt, self, name, &f) != RT_OK)
        return RT_ERR;
    val_decref(rt, f);
    return RT_OK;
}

RtStatus obj_call(Rt *rt, Value callee, const Value *args, size_t nargs, Tuple *kwnames,
                  Value *out)
{
    if (callee.tag == VAL_OBJ && callee.u.o->type->call)
        return callee.u.o->type->call(rt, callee, args, nargs, kwnames, out);
    return rt_raise_id(rt, CLS_TypeError, "'%s' object is not callable",
                       obj_type_name(rt, callee));
}

/* ---- repr / str / format ------------------------------------------------ */

RtStatus obj_repr_sb(Rt *rt, Value v, StrBuf *sb)
{
    char buf[40];
    switch (v.tag) {
    case VAL_UNDEF: sb_puts(sb, "<undef>"); break;
    case VAL_NONE: sb_puts(sb, "None"); break;
    case VAL_BOOL: sb_puts(sb, v.u.b ? "True" : "False"); break;
    case VAL_INT: sb_put(sb, buf, int_repr(v.u.i, buf)); break;
    case VAL_FLOAT: sb_put(sb, buf, float_repr(v.u.f, buf)); break;
    case VAL_OBJ: {
        const ObjType *t = v.u.o->type;
        if (t->repr)
            return t->repr(rt, v.u.o, sb);
        sb_printf(sb, "<%s object at %p>", obj_type_name(rt, v), (void *)v.u.o);
        break;
    }
    }
    return sb_status(sb);
}

RtStatus obj_str_sb(Rt *rt, Value v, StrBuf *sb)
{
    if (v.tag == VAL_OBJ) {
        if (v.u.o->type == &obj_str_type) {
            sb_put(sb, val_str(v)->data, val_str(v)->len);
            return sb_status(sb);
        }
        if (v.u.o->type->str)
            return v.u.o->type->str(rt, v.u.o, sb);
    }
    return obj_repr_sb(rt, v, sb);
}

RtStatus obj_repr(Rt *rt, Value v, Value *out)
{
    StrBuf sb;
    sb_init(&sb, rt);
    if (obj_repr_sb(rt, v, &sb) != RT_OK) {
        sb_fini(&sb);
        return RT_ERR;
    }
    return sb_finish(&sb, out);
}

RtStatus obj_str(Rt *rt, Value v, Value *out)
{
    if (val_is_str(v)) {
        *out = val_incref(v);
        return RT_OK;
    }
    StrBuf sb;
    sb_init(&sb, rt);
    if (obj_str_sb(rt, v, &sb) != RT_OK) {
        sb_fini(&sb);
        return RT_ERR;
    }
    return sb_finish(&sb, out);
}

RtStatus obj_format_sb(Rt *rt, Value v, const char *spec, size_t n, StrBuf *sb)
{
    if (n == 0)
        return obj_str_sb(rt, v, sb);
    if (val_is_number(v))
        return num_format(rt, v, spec, n, sb);
    if (val_is_str(v))
        return str_format_spec(rt, val_str(v), spec, n, sb);
    return rt_raise_id(rt, CLS_TypeError, "unsupported format string passed to %s.__format__",
                       obj_type_name(rt, v));
}

RtStatus obj_format(Rt *rt, Value v, const char *spec, size_t n, Value *out)
{
    if (n == 0 && val_is_str(v)) {
        *out = val_incref(v);
        return RT_OK;
    }
    StrBuf sb;
    sb_init(&sb, rt);
    if (obj_format_sb(rt, v, spec, n, &sb) != RT_OK) {
        sb_fini(&sb);
        return RT_ERR;
    }
    return sb_finish(&sb, out);
}

/* ---- argument parsing --------------------------------------------------- */

#define MAX_PARAMS 16

RtStatus rt_parse_args(Rt *rt, const char *fname, const char *spec, const Value *args,
                       size_t nargs, Tuple *kwnames, Value *out)
{
    const char *names[MAX_PARAMS];
    size_t lens[MAX_PARAMS];
    bool optional[MAX_PARAMS], kwonly[MAX_PARAMS];
    int np = 0, npos = 0, nreq = 0;
    bool opt = false, kwo = false;
    for (const char *p = spec; *p;) {
        if (*p == '|') {
            opt = true;
            p++;
        } else if (*p == '$') {
            kwo = true;
            p++;
        } else if (*p == ',') {
            p++;
        } else {
            const char *e = p;
            while (*e && *e != ',' && *e != '|' && *e != '$')
                e++;
            names[np] = p;
            lens[np] = (size_t)(e - p);
            optional[np] = opt;
            kwonly[np] = kwo;
            if (!kwo)
                npos++;
            if (!opt)
                nreq++;
            np++;
            p = e;
        }
    }
    for (int i = 0; i < np; i++)
        out[i] = VAL_UNDEF_V;
    if (nargs > (size_t)npos) {
        if (np == 0)
            return rt_raise_id(rt, CLS_TypeError, "%s() takes no arguments (%zu given)", fname,
                               nargs);
        if (npos == 0)
            return rt_raise_id(rt, CLS_TypeError, "%s() takes no positional arguments", fname);
        if (npos == 1 && nreq == 1)
            return rt_raise_id(rt, CLS_TypeError, "%s() takes exactly one argument (%zu given)",
                               fname, nargs);
        if (npos == nreq)
            return rt_raise_id(rt, CLS_TypeError, "%s() takes exactly %d arguments (%zu given)",
                               fname, npos, nargs);
        return rt_raise_id(rt, CLS_TypeError, "%s() takes at most %d argument%s (%zu given)",
                           fname, npos, npos == 1 ? "" : "s", nargs);
    }
    for (size_t i = 0; i < nargs; i++)
        out[i] = args[i];
    size_t nkw = kwnames ? kwnames->len : 0;
    for (size_t k = 0; k < nkw; k++) {
        Str *kn = val_str(kwnames->items[k]);
        int j;
        for (j = 0; j < np; j++)
            if (kn->len == lens[j] && memcmp(kn->data, names[j], lens[j]) == 0)
                break;
        if (j == np)
            return rt_raise_id(rt, CLS_TypeError, "'%s' is an invalid keyword argument for %s()",
                               kn->data, fname);
        if (!val_is_undef(out[j]))
            return rt_raise_id(rt, CLS_TypeError,
                               "argument for %s() given by name ('%s') and position (%d)", fname,
                               kn->data, j + 1);
        out[j] = args[nargs + k];
    }
    for (int j = 0; j < np; j++)
        if (!optional[j] && val_is_undef(out[j])) {
            if (nkw == 0 && !kwonly[j])
                return rt_raise_id(rt, CLS_TypeError,
                                   "%s() takes %s %d positional argument%s (%zu given)", fname,
                                   npos == nreq ? "exactly" : "at least", nreq,
                                   nreq == 1 ? "" : "s", nargs);
            return rt_raise_id(rt, CLS_TypeError, "%s() missing required argument '%.*s' (pos %d)",
                               fname, (int)lens[j], names[j], j + 1);
        }
    return RT_OK;
}
