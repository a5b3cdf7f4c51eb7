/* obj_exc: exception objects, raising, and the pending-exception channel.
 *
 * An exception is an Exc of some exception Class; its repr and str follow
 * CPython's BaseException (`ValueError('x')`, str of one argument is that
 * argument's str), KeyError's str is the key's repr, and an ExceptionGroup
 * prints as `msg (2 sub-exceptions)`.
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <stdio.h>
#include <string.h>

static void exc_traverse(Obj *o, GcVisit visit, void *arg)
{
    Exc *e = (Exc *)o;
    gc_visit_obj((Obj *)e->args, visit, arg);
    gc_visit_obj((Obj *)e->exceptions, visit, arg);
    gc_visit_val(e->cause, visit, arg);
    gc_visit_val(e->context, visit, arg);
    gc_visit_val(e->traceback, visit, arg);
    gc_visit_val(e->notes, visit, arg);
    gc_visit_val(e->kept, visit, arg);
}

/* cls is not a reference (classes live as long as the Rt). args, cause and
 * context keep their "no value" forms, so that the exception could still
 * be printed. */
static void exc_clear(Rt *rt, Obj *o)
{
    Exc *e = (Exc *)o;
    Obj *objs[2] = {(Obj *)e->args, (Obj *)e->exceptions};
    Value vals[5] = {e->cause, e->context, e->traceback, e->kept, e->notes};
    e->args = NULL;
    e->exceptions = NULL;
    e->cause = e->context = e->traceback = e->kept = VAL_NONE_V;
    e->notes = VAL_UNDEF_V;
    for (int i = 0; i < 2; i++)
        obj_decref(rt, objs[i]);
    for (int i = 0; i < 5; i++)
        val_decref(rt, vals[i]);
}

static void exc_free(Rt *rt, Obj *o)
{
    Exc *e = (Exc *)o;
    if (e->args)
        obj_decref(rt, &e->args->hdr);
    if (e->exceptions)
        obj_decref(rt, &e->exceptions->hdr);
    val_decref(rt, e->cause);
    val_decref(rt, e->context);
    val_decref(rt, e->traceback);
    val_decref(rt, e->kept);
    val_decref(rt, e->notes);
    obj_release(rt, o, sizeof(Exc));
}

/* As CPython's BaseException_repr: NAME(arg) for one argument, else NAME
 * followed by the args tuple's repr, whose recursion guard makes an
 * exception printed inside str(e) of itself (a Task in its own exception's
 * args) read "ValueError(...)". args is NULL only once the collector
 * cleared the exception. */
static RtStatus exc_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    Exc *e = (Exc *)o;
    sb_put(sb, e->cls->name->data, e->cls->name->len);
    if (e->args && e->args->len == 1) {
        sb_putc(sb, '(');
        if (obj_repr_sb(rt, e->args->items[0], sb) != RT_OK)
            return RT_ERR;
        sb_putc(sb, ')');
    } else if (e->args) {
        if (obj_repr_sb(rt, val_obj(&e->args->hdr), sb) != RT_OK)
            return RT_ERR;
    } else {
        sb_puts(sb, "()");
    }
    return sb_status(sb);
}

static RtStatus exc_str(Rt *rt, Obj *o, StrBuf *sb)
{
    Exc *e = (Exc *)o;
    size_t n = e->args ? e->args->len : 0;
    if (e->exceptions && n >= 1) {
        if (obj_str_sb(rt, e->args->items[0], sb) != RT_OK)
            return RT_ERR;
        sb_printf(sb, " (%zu sub-exception%s)", e->exceptions->len,
                  e->exceptions->len == 1 ? "" : "s");
        return sb_status(sb);
    }
    if (n == 0)
        return sb_status(sb);
    if (n == 1) {
        if (class_is_subclass(e->cls, rt->cls[CLS_KeyError]))
            return obj_repr_sb(rt, e->args->items[0], sb);
        return obj_str_sb(rt, e->args->items[0], sb);
    }
    return obj_repr_sb(rt, val_obj(&e->args->hdr), sb);
}

static RtStatus exc_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    Exc *e = (Exc *)o;
    Value v;
    if (name == rt->names[NAME_args])
        v = val_obj(&e->args->hdr);
    else if (name == rt->names[NAME___cause__])
        v = e->cause;
    else if (name == rt->names[NAME___context__])
        v = e->context;
    else if (name == rt->names[NAME___class__])
        v = val_obj(&e->cls->hdr);
    else if (e->exceptions && name == rt->names[NAME_exceptions])
        v = val_obj(&e->exceptions->hdr);
    else if (e->exceptions && name == rt->names[NAME_message])
        v = e->args->items[0];
    else if (class_is_subclass(e->cls, rt->cls[CLS_StopIteration]) &&
             name == rt->names[NAME_value])
        v = e->args->len ? e->args->items[0] : VAL_NONE_V;
    else if (str_eq_cstr(name, "__traceback__"))
        v = val_is_undef(e->traceback) ? VAL_NONE_V : e->traceback;
    else
        return RT_STOP;
    if (val_is_undef(v))
        v = VAL_NONE_V;
    *out = val_incref(v);
    return RT_OK;
}

static RtStatus exc_setattr(Rt *rt, Obj *o, Str *name, Value v)
{
    Exc *e = (Exc *)o;
    Value *slot;
    if (name == rt->names[NAME___cause__])
        slot = &e->cause;
    else if (name == rt->names[NAME___context__])
        slot = &e->context;
    else
        return rt_raise_id(rt, CLS_AttributeError, "'%s' object attribute '%s' is read-only",
                           e->cls->name->data, name->data);
    if (!val_is_none(v) && !val_is_exc(v))
        return rt_raise_id(rt, CLS_TypeError, "exception cause must be None or derive from "
                                              "BaseException");
    val_incref(v);
    val_decref(rt, *slot);
    *slot = v;
    if (slot == &e->cause)
        e->suppress_context = true;
    return RT_OK;
}

const ObjType obj_exc_type = {
    .name = "BaseException",
    .free = exc_free,
    .repr = exc_repr,
    .str = exc_str,
    .getattr = exc_getattr,
    .setattr = exc_setattr,
    .traverse = exc_traverse,
    .clear = exc_clear,
};

static Exc *exc_alloc(Rt *rt, Class *cls, Tuple *args_take)
{
    Exc *e = (Exc *)obj_alloc(rt, &obj_exc_type, sizeof(Exc));
    if (!e) {
        obj_decref(rt, &args_take->hdr);
        return NULL;
    }
    e->cls = cls;
    e->args = args_take;
    e->cause = VAL_NONE_V;
    e->context = VAL_NONE_V;
    e->traceback = VAL_NONE_V;
    e->kept = VAL_NONE_V;
    e->notes = VAL_UNDEF_V;
    return e;
}

static RtStatus group_new(Rt *rt, Class *cls, const Value *args, size_t nargs, Value *out)
{
    if (nargs != 2)
        return rt_raise_id(rt, CLS_TypeError,
                           "BaseExceptionGroup.__new__() takes exactly 2 arguments (%zu given)",
                           nargs);
    if (!val_is_str(args[0]))
        return rt_raise_id(rt, CLS_TypeError,
                           "BaseExceptionGroup.__new__() argument 1 must be str, not %s",
                           obj_type_name(rt, args[0]));
    Value seq = args[1];
    if (!val_is_list(seq) && !val_is_tuple(seq))
        return rt_raise_id(rt, CLS_TypeError, "second argument (exceptions) must be a sequence");
    size_t n = val_is_list(seq) ? val_list(seq)->len : val_tuple(seq)->len;
    const Value *items = val_is_list(seq) ? val_list(seq)->items : val_tuple(seq)->items;
    if (n == 0)
        return rt_raise_id(rt, CLS_ValueError,
                           "second argument (exceptions) must be a non-empty sequence");
    bool all_exception = true;
    for (size_t i = 0; i < n; i++) {
        if (!val_is_exc(items[i]))
            return rt_raise_id(rt, CLS_ValueError,
                               "Item %zu of second argument (exceptions) is not an exception", i);
        if (!class_is_subclass(((Exc *)items[i].u.o)->cls, rt->cls[CLS_Exception]))
            all_exception = false;
    }
    if (cls == rt->cls[CLS_BaseExceptionGroup] && all_exception)
        cls = rt->cls[CLS_ExceptionGroup];
    else if (class_is_subclass(cls, rt->cls[CLS_ExceptionGroup]) && !all_exception)
        return rt_raise_id(rt, CLS_TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
    Tuple *excs = tuple_from(rt, items, n);
    Tuple *a = excs ? tuple_from(rt, args, nargs) : NULL;
    if (!a) {
        if (excs)
            obj_decref(rt, &excs->hdr);
        return RT_ERR;
    }
    Exc *e = exc_alloc(rt, cls, a);
    if (!e) {
        obj_decref(rt, &excs->hdr);
        return RT_ERR;
    }
    e->exceptions = excs;
    *out = val_obj(&e->hdr);
    return RT_OK;
}

RtStatus exc_new(Rt *rt, Class *cls, const Value *args, size_t nargs, Value *out)
{
    if (class_is_subclass(cls, rt->cls[CLS_BaseExceptionGroup]))
        return group_new(rt, cls, args, nargs, out);
    Tuple *a = tuple_from(rt, args, nargs);
    if (!a)
        return RT_ERR;
    Exc *e = exc_alloc(rt, cls, a);
    if (!e)
        return RT_ERR;
    *out = val_obj(&e->hdr);
    return RT_OK;
}

RtStatus exc_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    Class *cls = (Class *)self.u.o;
    if (kw && kw->len)
        return rt_raise_id(rt, CLS_TypeError, "%s() takes no keyword arguments", cls->name->data);
    return exc_new(rt, cls, args, nargs, out);
}

Exc *exc_new_msg(Rt *rt, Class *cls, const char *msg)
{
    Value v = VAL_UNDEF_V, out;
    if (msg && str_value(rt, msg, strlen(msg), &v) != RT_OK)
        return NULL;
    RtStatus st = exc_new(rt, cls, &v, msg ? 1 : 0, &out);
    val_decref(rt, v);
    return st == RT_OK ? (Exc *)out.u.o : NULL;
}

/* ---- the pending exception ---------------------------------------------- */

static void set_exc_take(Rt *rt, Value e)
{
    Value old = rt->exc;
    rt->exc = e;
    val_decref(rt, old);
}

RtStatus rt_no_memory(Rt *rt)
{
    if (rt->memory_error)
        set_exc_take(rt, val_incref(val_obj(&rt->memory_error->hdr)));
    return RT_ERR;
}

/* Formats like vsnprintf, plus %R (repr of a Value) and %T (the type name of
 * a Value). Each conversion is handed to snprintf on its own, so the usual
 * flags, widths and length modifiers work. */
static void format_msg(Rt *rt, StrBuf *sb, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            sb_putc(sb, *p);
            continue;
        }
        const char *start = p++;
        if (*p == '%') {
            sb_putc(sb, '%');
            continue;
        }
        if (*p == 'R' || *p == 'T') {
            Value v = va_arg(ap, Value);
            if (*p == 'T') {
                sb_puts(sb, obj_type_name(rt, v));
            } else if (obj_repr_sb(rt, v, sb) != RT_OK) {
                rt_clear_exc(rt);
                sb_puts(sb, "<?>");
            }
            continue;
        }
        int star = -1;
        while (strchr("-+ #0", *p))
            p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p == '.') {
            p++;
            if (*p == '*') {
                star = va_arg(ap, int);
                p++;
            }
            while (*p >= '0' && *p <= '9')
                p++;
        }
        int longs = 0;
        bool size = false;
        while (*p == 'l' || *p == 'z') {
            if (*p == 'z')
                size = true;
            else
                longs++;
            p++;
        }
        char spec[32];
        size_t sl = (size_t)(p - start) + 1;
        if (sl >= sizeof(spec))
            sl = sizeof(spec) - 1;
        memcpy(spec, start, sl);
        spec[sl] = '\0';
        char tmp[64];
        switch (*p) {
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
            if (size)
                snprintf(tmp, sizeof(tmp), spec, va_arg(ap, size_t));
            else if (longs >= 2)
                snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long long));
            else if (longs == 1)
                snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long));
            else
                snprintf(tmp, sizeof(tmp), spec, va_arg(ap, int));
            sb_puts(sb, tmp);
            break;
        case 'c': sb_putc(sb, (char)va_arg(ap, int)); break;
        case 'p':
            snprintf(tmp, sizeof(tmp), "%p", va_arg(ap, void *));
            sb_puts(sb, tmp);
            break;
        case 'f':
        case 'g':
        case 'e':
            snprintf(tmp, sizeof(tmp), spec, va_arg(ap, double));
            sb_puts(sb, tmp);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            /* %.*s may point into a buffer with no NUL at star */
            size_t n = star >= 0 ? strnlen(s, (size_t)star) : strlen(s);
            sb_put(sb, s, n);
            break;
        }
        default:
            /* Unknown conversion: print it as written. */
            sb_put(sb, start, (size_t)(p - start) + (*p ? 1 : 0));
            if (!*p)
                return;
        }
    }
}

static RtStatus raise_v(Rt *rt, Class *cls, const char *fmt, va_list ap)
{
    StrBuf sb;
    sb_init(&sb, rt);
    format_msg(rt, &sb, fmt, ap);
    Value msg;
    if (sb_finish(&sb, &msg) != RT_OK)
        return RT_ERR;
    Value e;
    RtStatus st = exc_new(rt, cls, &msg, 1, &e);
    val_decref(rt, msg);
    if (st != RT_OK)
        return RT_ERR;
    set_exc_take(rt, e);
    return RT_ERR;
}

RtStatus rt_raise(Rt *rt, Class *cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raise_v(rt, cls, fmt, ap);
    va_end(ap);
    return RT_ERR;
}

RtStatus rt_raise_id(Rt *rt, ClassId id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raise_v(rt, rt->cls[id], fmt, ap);
    va_end(ap);
    return RT_ERR;
}

RtStatus rt_raise_value(Rt *rt, Value exc)
{
    if (val_is_exc(exc)) {
        set_exc_take(rt, val_incref(exc));
        return RT_ERR;
    }
    if (val_is_type(exc, &obj_class_type) && ((Class *)exc.u.o)->is_exc) {
        Value e;
        if (exc_new(rt, (Class *)exc.u.o, NULL, 0, &e) != RT_OK)
            return RT_ERR;
        set_exc_take(rt, e);
        return RT_ERR;
    }
    return rt_raise_id(rt, CLS_TypeError, "exceptions must derive from BaseException");
}

RtStatus rt_raise_key_error(Rt *rt, Value key)
{
    Value e;
    if (exc_new(rt, rt->cls[CLS_KeyError], &key, 1, &e) != RT_OK)
        return RT_ERR;
    set_exc_take(rt, e);
    return RT_ERR;
}

bool rt_has_exc(const Rt *rt)
{
    return !val_is_undef(rt->exc);
}

bool rt_exc_matches(const Rt *rt, const Class *cls)
{
    return val_is_exc(rt->exc) && class_is_subclass(((Exc *)rt->exc.u.o)->cls, cls);
}

Value rt_fetch_exc(Rt *rt)
{
    Value e = rt->exc;
    rt->exc = VAL_UNDEF_V;
    return e;
}

void rt_clear_exc(Rt *rt)
{
    set_exc_take(rt, VAL_UNDEF_V);
}
