/* obj: the objects of the lesson language and the operations on values.
 *
 * Everything here takes an Rt, the runtime context: the Mem every object is
 * allocated from, the pending exception, the builtin classes and interned
 * names. There is no global state; a test can make many Rts.
 *
 * Errors: an operation that can fail returns RtStatus. On RT_ERR it has set
 * the pending exception (rt->exc) and written nothing through its out
 * parameters. Nothing here prints. Functions returning a pointer return NULL
 * on failure, again with the exception set (usually MemoryError).
 *
 * Ownership follows value.h: arguments are borrowed, `out` parameters and
 * `*_new` results are new references, `take` steals.
 *
 * Object kinds are described by an ObjType, a table of slots (name, free,
 * repr, hash, eq, call, iter, getattr, methods...). The kinds defined here
 * are str, list, tuple, dict (insertion ordered), dict views, range, slice,
 * iterators, native functions, bound methods, modules, classes (type
 * objects) and exceptions. The VM defines its own kinds (code, function,
 * cell, coroutine, task, ...) with its own static const ObjType and
 * obj_alloc; see "Defining an object kind" below.
 *
 * The struct layouts of the builtin kinds are public so the VM's hot paths
 * (list indexing, building tuples, reading a dict) need no calls; keep to the
 * invariants written next to each field.
 *
 * In practice:
 *   values     val_int(3), val_float(0.5), val_bool(b), VAL_NONE_V;
 *              str_value(rt, "hi", 2, &v); list_new / list_append_take;
 *              tuple_new(rt, n) then fill items[]; dict_new / dict_set.
 *   methods    obj_call_method(rt, self, rt_intern_cstr(rt, "append"), args,
 *              n, NULL, &out) -- intern names once and keep the Str *.
 *   calls      obj_call(rt, callee, args, nargs, kwnames, &out): natives,
 *              classes (int("5"), ValueError("x")), bound methods, and any
 *              kind with a `call` slot (the VM's functions), which is how
 *              list.sort(key=f) reaches lesson code.
 *   raising    return rt_raise_id(rt, CLS_ValueError, "bad %R", v);
 *              rt_exc_matches(rt, rt->cls[CLS_KeyError]); rt_fetch_exc(rt).
 *   new kinds  a static const ObjType {name, free, repr, call, ...} and
 *              obj_alloc(rt, &type, sizeof(MyObj)); type(x) is then
 *              <class 'NAME'>.
 *   natives    module_add_native(rt, mod, "sleep", fn, data) or
 *              native_new(rt, "len", fn, data); fn parses its arguments
 *              with rt_parse_args(rt, "sleep", "delay|result", ...).
 * Free everything (modules, frames) before rt_fini: it frees the classes
 * and interned names that other objects point to.
 */
#ifndef AIO_LANG_OBJ_H
#define AIO_LANG_OBJ_H

#include "engine/lang/gc.h"
#include "engine/lang/value.h"
#include "engine/mem.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Rt Rt;
typedef struct ObjType ObjType;
typedef struct Str Str;
typedef struct List List;
typedef struct Tuple Tuple;
typedef struct Dict Dict;
typedef struct Class Class;
typedef struct Exc Exc;
typedef struct Module Module;
typedef struct Native Native;
typedef struct StrBuf StrBuf;

typedef enum RtStatus {
    RT_OK = 0,
    RT_ERR = 1,  /* the pending exception is set */
    RT_STOP = 2, /* only obj_next: the iterator is exhausted (no exception) */
} RtStatus;

/* ------------------------------------------------------------------------
 * Calling convention of native functions (and of every call slot).
 *
 * `args` holds nargs positional values followed by one value per keyword
 * name in `kwnames` (a tuple of Str, NULL when there are none), as CPython's
 * vectorcall. `self` is the bound object for methods, VAL_UNDEF for plain
 * functions. All borrowed; `*out` receives a new reference on RT_OK.
 * rt_parse_args() below handles the usual checking.
 */
typedef RtStatus (*NativeFn)(Rt *rt, Value self, const Value *args, size_t nargs,
                             Tuple *kwnames, Value *out);

typedef struct MethodDef {
    const char *name; /* NULL ends a table */
    NativeFn fn;
} MethodDef;

/* ------------------------------------------------------------------------
 * Defining an object kind.
 *
 * A kind is a static const ObjType. Objects are made with obj_alloc (refcount
 * 1, header set, the rest zeroed) and released by the type's `free` slot,
 * which must drop the references the object holds and then call
 * obj_release(rt, o, size) with the size it was allocated with. Every slot
 * but name and free may be NULL, meaning: repr -> "<NAME object at 0x...>";
 * str -> repr; hash -> identity (hash of the pointer) unless `unhashable`;
 * eq -> identity; compare -> "'<' not supported..."; call -> "'NAME' object
 * is not callable"; iter -> "'NAME' object is not iterable"; getattr ->
 * the methods table, then AttributeError.
 */
struct ObjType {
    const char *name; /* type(x).__name__, e.g. "coroutine" */
    /* CPython's tp_name when it is not `name` (a C type of a module:
     * "_asyncio.Task"): what its error messages name (obj_type_name) */
    const char *tp_name;
    void (*free)(Rt *rt, Obj *o);
    /* Append the repr / str to `sb`. */
    RtStatus (*repr)(Rt *rt, Obj *o, StrBuf *sb);
    RtStatus (*str)(Rt *rt, Obj *o, StrBuf *sb);
    RtStatus (*hash)(Rt *rt, Obj *o, int64_t *out);
    /* a == b where a is this kind; b any value. Set *out. */
    RtStatus (*eq)(Rt *rt, Obj *a, Value b, bool *out);
    RtStatus (*call)(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kwnames,
                     Value *out);
    /* New iterator over the object. */
    RtStatus (*iter)(Rt *rt, Obj *o, Value *out);
    /* For iterators: next item into *out (RT_OK), RT_STOP when exhausted. */
    RtStatus (*next)(Rt *rt, Obj *o, Value *out);
    /* Attribute lookup before the methods table: RT_OK with *out, RT_ERR,
     * or RT_STOP for "no such attribute here" (then methods, then
     * AttributeError). `name` is an interned Str. */
    RtStatus (*getattr)(Rt *rt, Obj *o, Str *name, Value *out);
    /* Attribute assignment (NULL: AttributeError, "... is read-only"). */
    RtStatus (*setattr)(Rt *rt, Obj *o, Str *name, Value v);
    /* len(o); NULL: "object of type 'NAME' has no len()". */
    RtStatus (*len)(Rt *rt, Obj *o, int64_t *out);
    /* bool(o) is len(o) != 0 when len is set, else true. */
    const MethodDef *methods; /* NULL-terminated, looked up by name */
    bool unhashable;          /* dict keys refuse it: "unhashable type: 'NAME'" */
    /* Cycle collection (gc.h), both or neither: `traverse` reports every
     * reference the object owns to another object (and nothing it does not
     * own); `clear` drops them all, leaving an object its free slot can
     * still free. A kind with them is tracked, and its objects' hdr.flags
     * belong to the collector. */
    void (*traverse)(Obj *o, GcVisit visit, void *arg);
    void (*clear)(Rt *rt, Obj *o);
    /* Its clear may run code that reads other objects (a future's
     * "exception was never retrieved" report): the collector clears such
     * objects first, while the rest of the garbage is still intact. */
    bool gc_clear_first;
    int builtin_class;        /* internal: ClassId + 1 for the kinds of obj*.c;
                               * leave 0 (the Rt then makes a class named `name`) */
};

/* A fresh object of `size` bytes (>= sizeof(Obj)) of kind `type`, zeroed,
 * refcount 1, tracked by the cycle collector when the kind has a traverse
 * slot. NULL with MemoryError set on failure. */
Obj *obj_alloc(Rt *rt, const ObjType *type, size_t size);
/* Returns the storage of an object to the Mem (for free slots). */
void obj_release(Rt *rt, Obj *o, size_t size);

/* Kind tests. */
static inline bool val_is_type(Value v, const ObjType *t)
{
    return v.tag == VAL_OBJ && v.u.o->type == t;
}

/* ------------------------------------------------------------------------
 * Builtin classes. One X-macro list gives the enum, the names and, for
 * exceptions, the hierarchy: X(ID, "name", BASE_ID, "module").
 * The type objects of builtin kinds have no base but `object` (bool: int).
 */
#define RT_TYPE_CLASSES(X)                                                                         \
    X(object, "object", object, "builtins")                                                        \
    X(type, "type", object, "builtins")                                                            \
    X(NoneType, "NoneType", object, "builtins")                                                    \
    X(int, "int", object, "builtins")                                                              \
    X(bool, "bool", int, "builtins")                                                               \
    X(float, "float", object, "builtins")                                                          \
    X(str, "str", object, "builtins")                                                              \
    X(list, "list", object, "builtins")                                                            \
    X(tuple, "tuple", object, "builtins")                                                          \
    X(dict, "dict", object, "builtins")                                                            \
    X(range, "range", object, "builtins")                                                          \
    X(slice, "slice", object, "builtins")                                                          \
    X(module, "module", object, "builtins")                                                        \
    X(builtin_function_or_method, "builtin_function_or_method", object, "builtins")                \
    X(method, "method", object, "builtins")

#define RT_EXC_CLASSES(X)                                                                          \
    X(BaseException, "BaseException", object, "builtins")                                          \
    X(Exception, "Exception", BaseException, "builtins")                                           \
    X(KeyboardInterrupt, "KeyboardInterrupt", BaseException, "builtins")                           \
    X(SystemExit, "SystemExit", BaseException, "builtins")                                         \
    X(GeneratorExit, "GeneratorExit", BaseException, "builtins")                                   \
    X(BaseExceptionGroup, "BaseExceptionGroup", BaseException, "builtins")                         \
    X(ExceptionGroup, "ExceptionGroup", BaseExceptionGroup, "builtins")                            \
    X(ArithmeticError, "ArithmeticError", Exception, "builtins")                                   \
    X(ZeroDivisionError, "ZeroDivisionError", ArithmeticError, "builtins")                         \
    X(OverflowError, "OverflowError", ArithmeticError, "builtins")                                 \
    X(AssertionError, "AssertionError", Exception, "builtins")                                     \
    X(AttributeError, "AttributeError", Exception, "builtins")                                     \
    X(ImportError, "ImportError", Exception, "builtins")                                           \
    X(ModuleNotFoundError, "ModuleNotFoundError", ImportError, "builtins")                         \
    X(LookupError, "LookupError", Exception, "builtins")                                           \
    X(IndexError, "IndexError", LookupError, "builtins")                                           \
    X(KeyError, "KeyError", LookupError, "builtins")                                               \
    X(MemoryError, "MemoryError", Exception, "builtins")                                           \
    X(NameError, "NameError", Exception, "builtins")                                               \
    X(UnboundLocalError, "UnboundLocalError", NameError, "builtins")                               \
    X(OSError, "OSError", Exception, "builtins")                                                   \
    X(TimeoutError, "TimeoutError", OSError, "builtins")                                           \
    X(RuntimeError, "RuntimeError", Exception, "builtins")                                         \
    X(NotImplementedError, "NotImplementedError", RuntimeError, "builtins")                        \
    X(RecursionError, "RecursionError", RuntimeError, "builtins")                                  \
    X(StopIteration, "StopIteration", Exception, "builtins")                                       \
    X(SyntaxError, "SyntaxError", Exception, "builtins")                                           \
    X(TypeError, "TypeError", Exception, "builtins")                                               \
    X(ValueError, "ValueError", Exception, "builtins")                                             \
    X(CancelledError, "CancelledError", BaseException, "asyncio.exceptions")                       \
    X(InvalidStateError, "InvalidStateError", Exception, "asyncio.exceptions")                     \
    X(QueueEmpty, "QueueEmpty", Exception, "asyncio.queues")                                       \
    X(QueueFull, "QueueFull", Exception, "asyncio.queues")

typedef enum ClassId {
#define X(id, name, base, mod) CLS_##id,
    RT_TYPE_CLASSES(X) RT_EXC_CLASSES(X)
#undef X
        CLS__COUNT
} ClassId;

#define CLS__FIRST_EXC CLS_BaseException

/* A class (type object): `<class 'int'>`, `<class 'asyncio.exceptions.
 * CancelledError'>`. Calling it runs `ctor` (int("5"), ValueError("x"),
 * list(it)); exception classes share one ctor that makes an Exc. */
struct Class {
    Obj hdr;
    Str *name;              /* __name__ */
    Str *module;            /* "builtins" is not shown in the repr */
    Class *base;            /* NULL only for object */
    Class *base2;           /* a second base (ExceptionGroup's Exception), or NULL */
    const ObjType *inst;    /* kind of the instances, NULL for exceptions/inline kinds */
    NativeFn ctor;          /* NULL: "cannot create 'NAME' instances" */
    bool is_exc;            /* an exception class (BaseException or below) */
};
extern const ObjType obj_class_type;

/* The class of any value: type(x). Borrowed. For a VM-defined kind the class
 * is made on first use and kept by the Rt (its name is ObjType.name). */
Class *obj_class_of(Rt *rt, Value v);
/* issubclass(a, b): walks a's bases. */
bool class_is_subclass(const Class *a, const Class *b);
/* isinstance(v, cls). */
bool obj_isinstance(Rt *rt, Value v, const Class *cls);
/* A new exception class for the VM's modules (e.g. asyncio's extras):
 * NULL on MemoryError. The Rt keeps it alive; the result is borrowed. */
Class *rt_new_exc_class(Rt *rt, const char *name, const char *module, Class *base);

/* ------------------------------------------------------------------------
 * The runtime context.
 */
typedef enum NameId {
#define RT_NAMES(X)                                                                                \
    X(__name__) X(args) X(__cause__) X(__context__) X(exceptions) X(message) X(key) X(reverse)     \
        X(sep) X(maxsplit) X(__qualname__) X(__module__) X(__class__) X(value) X(name)
#define X(n) NAME_##n,
    RT_NAMES(X)
#undef X
        NAME__COUNT
} NameId;

struct Rt {
    Mem *mem;
    /* Pending exception: VAL_UNDEF when none, else an Exc (owned). */
    Value exc;
    Class *cls[CLS__COUNT]; /* builtin classes, indexed by ClassId */
    Str *names[NAME__COUNT]; /* interned common names (immortal) */
    Dict *interned;          /* str -> same str: rt_intern's table */
    Exc *memory_error;       /* preallocated, raised when an allocation fails */
    /* Registry of classes made for VM-defined kinds (see obj_class_of). */
    const ObjType **kind_types;
    Class **kind_classes;
    size_t nkinds, kinds_cap;
    /* Containers whose repr is in progress (for `[...]`). */
    Obj **repr_stack;
    size_t repr_depth, repr_cap;
    /* Nesting of container comparisons (RecursionError past RT_MAX_NEST). */
    int cmp_depth;
    /* Deferred frees: a chain of 100,000 nested lists is freed iteratively
     * (CPython's "trashcan"), so dropping it cannot overflow the C stack. */
    Obj **trash;
    size_t ntrash, trash_cap;
    int free_depth;
    /* For the VM: anything it wants to reach from a native function. */
    void *host;
    Gc gc; /* the cycle collector's tracked objects (gc.h) */
};

/* How deep repr and == may recurse into nested containers before raising
 * RecursionError, as CPython's recursion limit does. */
#define RT_MAX_NEST 1000

/* Sets up `rt` on `mem` (builtin classes, interned names). RT_ERR only on
 * MemoryError (then rt_fini is still safe). */
RtStatus rt_init(Rt *rt, Mem *mem);
/* Drops everything the Rt owns, including the pending exception. */
void rt_fini(Rt *rt);

/* Interned strings: the same Str for the same text, immortal while the Rt
 * lives, so the VM can compare names by pointer. Borrowed result, NULL on
 * MemoryError. */
Str *rt_intern(Rt *rt, const char *s, size_t len);
Str *rt_intern_cstr(Rt *rt, const char *s);

/* ------------------------------------------------------------------------
 * Raising and handling exceptions.
 */
/* Raise cls(message) with a printf-style message; returns RT_ERR so that
 * `return rt_raise(rt, rt->cls[CLS_ValueError], "bad %s", x);` reads well.
 * Formats: the usual %s %d %zu %lld %c plus %R (a Value's repr) and %T
 * (the type name of a Value) -- pass a Value for those. */
RtStatus rt_raise(Rt *rt, Class *cls, const char *fmt, ...);
RtStatus rt_raise_id(Rt *rt, ClassId id, const char *fmt, ...);
/* Raise an existing exception object (borrowed; the Rt takes a reference)
 * or a class (instantiated with no arguments). Anything else is a
 * TypeError "exceptions must derive from BaseException". */
RtStatus rt_raise_value(Rt *rt, Value exc);
/* KeyError(key): its str is the key's repr. */
RtStatus rt_raise_key_error(Rt *rt, Value key);
/* MemoryError, without allocating. */
RtStatus rt_no_memory(Rt *rt);
/* Is there a pending exception, and does it match cls (isinstance)? */
bool rt_has_exc(const Rt *rt);
bool rt_exc_matches(const Rt *rt, const Class *cls);
/* Takes the pending exception out of the Rt (new reference, VAL_UNDEF when
 * none) / drops it. */
Value rt_fetch_exc(Rt *rt);
void rt_clear_exc(Rt *rt);

/* Exception objects. args is a tuple; __cause__/__context__ are None or an
 * Exc; `traceback` belongs to the VM (any Value it likes, VAL_NONE until
 * set); `exceptions` is the list of an ExceptionGroup (else NULL). */
struct Exc {
    Obj hdr;
    Class *cls;
    Tuple *args;
    Value cause;
    Value context;
    bool suppress_context; /* set by `raise ... from ...` */
    Value traceback;
    Value notes; /* reserved, VAL_UNDEF */
    Tuple *exceptions;
    /* The locals of the frames it propagated out of (a List of tuples, or
     * VAL_NONE): CPython's traceback holds those frames, so what they held
     * lives as long as the exception (a coroutine never awaited there warns
     * when the exception goes, not when the frame is left). */
    Value kept;
};
extern const ObjType obj_exc_type;
/* New instance of an exception class with the given arguments, as calling
 * the class does (ExceptionGroup checks its arguments). RT_ERR on failure. */
RtStatus exc_new(Rt *rt, Class *cls, const Value *args, size_t nargs, Value *out);
/* New instance with a single str argument (NULL: no arguments). */
Exc *exc_new_msg(Rt *rt, Class *cls, const char *msg);
static inline bool val_is_exc(Value v)
{
    return v.tag == VAL_OBJ && v.u.o->type == &obj_exc_type;
}

/* ------------------------------------------------------------------------
 * Generic operations on values. All RT_OK / RT_ERR; out is a new reference.
 */
typedef enum BinOp {
#define RT_BINOPS(X)                                                                               \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(TRUEDIV, "/") X(FLOORDIV, "//") X(MOD, "%")              \
        X(POW, "**") X(LSHIFT, "<<") X(RSHIFT, ">>") X(AND, "&") X(OR, "|") X(XOR, "^")
#define X(id, sym) BINOP_##id,
    RT_BINOPS(X)
#undef X
        BINOP__COUNT
} BinOp;
extern const char *const binop_symbol[BINOP__COUNT];

typedef enum CmpOp { CMP_LT, CMP_LE, CMP_EQ, CMP_NE, CMP_GT, CMP_GE } CmpOp;
typedef enum UnOp { UNOP_NEG, UNOP_POS, UNOP_INVERT } UnOp;

/* a OP b. */
RtStatus obj_binop(Rt *rt, BinOp op, Value a, Value b, Value *out);
/* a OP= b: lists extend themselves in place for +=; otherwise as obj_binop
 * with error messages naming "+=" etc. */
RtStatus obj_inplace(Rt *rt, BinOp op, Value a, Value b, Value *out);
RtStatus obj_unop(Rt *rt, UnOp op, Value a, Value *out);
/* Rich comparison; the result is always a bool in the subset. */
RtStatus obj_compare(Rt *rt, CmpOp op, Value a, Value b, bool *out);
/* ==, which never fails for builtin kinds except through recursion depth. */
RtStatus obj_eq(Rt *rt, Value a, Value b, bool *out);
/* a < b, as sort/min/max use it. */
RtStatus obj_lt(Rt *rt, Value a, Value b, bool *out);
/* bool(v). */
RtStatus obj_truthy(Rt *rt, Value v, bool *out);
/* The inline cases without a call; falls back to obj_truthy for objects
 * (which cannot fail for the builtin kinds). */
static inline bool val_truthy_fast(Value v, bool *known)
{
    *known = true;
    switch (v.tag) {
    case VAL_NONE: return false;
    case VAL_BOOL: return v.u.b;
    case VAL_INT: return v.u.i != 0;
    case VAL_FLOAT: return v.u.f != 0.0;
    default: *known = false; return false;
    }
}
/* hash(v) for dict keys: 1 == 1.0 == True hash alike. */
RtStatus obj_hash(Rt *rt, Value v, int64_t *out);
RtStatus obj_len(Rt *rt, Value v, int64_t *out);
/* item in container. */
RtStatus obj_contains(Rt *rt, Value container, Value item, bool *out);
/* container[key] (key may be a slice object), container[key] = v,
 * del container[key]. */
RtStatus obj_getitem(Rt *rt, Value container, Value key, Value *out);
RtStatus obj_setitem(Rt *rt, Value container, Value key, Value v);
RtStatus obj_delitem(Rt *rt, Value container, Value key);
/* container[lo:hi:step] without making a slice object; VAL_NONE or
 * VAL_UNDEF for an omitted bound. */
RtStatus obj_getslice(Rt *rt, Value container, Value lo, Value hi, Value step, Value *out);
RtStatus obj_setslice(Rt *rt, Value container, Value lo, Value hi, Value step, Value v);
RtStatus obj_delslice(Rt *rt, Value container, Value lo, Value hi, Value step);

/* iter(v) and next(it): obj_next returns RT_STOP (no exception) at the end. */
RtStatus obj_iter(Rt *rt, Value v, Value *out);
RtStatus obj_next(Rt *rt, Value it, Value *out);
/* list(iterable): a new List with the items (reuses nothing). */
RtStatus obj_to_list(Rt *rt, Value iterable, Value *out);

/* Attributes: v.name (name interned). Methods come back bound. */
RtStatus obj_getattr(Rt *rt, Value v, Str *name, Value *out);
RtStatus obj_setattr(Rt *rt, Value v, Str *name, Value value);
/* v.name(*args): calls a method without making the bound method first. */
/* What obj_call_method(self, name, ...) would find: RT_OK when the method
 * is there, else the AttributeError the call would raise. */
RtStatus obj_check_method(Rt *rt, Value self, Str *name);
RtStatus obj_call_method(Rt *rt, Value self, Str *name, const Value *args, size_t nargs,
                         Tuple *kwnames, Value *out);
/* callee(*args) for anything callable: natives, bound methods, classes, and
 * VM kinds with a call slot (that is how sorted(key=f) reaches a lesson
 * function). */
RtStatus obj_call(Rt *rt, Value callee, const Value *args, size_t nargs, Tuple *kwnames,
                  Value *out);
static inline RtStatus obj_call1(Rt *rt, Value callee, Value arg, Value *out)
{
    return obj_call(rt, callee, &arg, 1, NULL, out);
}

/* repr(v), str(v) as new Str values; the _sb forms append to a buffer. */
RtStatus obj_repr(Rt *rt, Value v, Value *out);
RtStatus obj_str(Rt *rt, Value v, Value *out);
RtStatus obj_repr_sb(Rt *rt, Value v, StrBuf *sb);
RtStatus obj_str_sb(Rt *rt, Value v, StrBuf *sb);
/* Repr recursion guard, for kinds whose repr can reach themselves (lists;
 * a Task whose exception's args hold the Task): returns true when `o` is
 * already being printed (print "[...]" or "..."), else pushes it, and then
 * obj_repr_leave pops it; *failed (false returned) with RecursionError or
 * MemoryError set. */
bool obj_repr_enter(Rt *rt, Obj *o, bool *failed);
void obj_repr_leave(Rt *rt, Obj *o);
/* reprlib.repr(v), as asyncio's Task and Future reprs show results: strings
 * longer than 30 characters, lists and tuples past 6 items, dicts past 4
 * (keys sorted when they can be), nesting past 6 levels and other reprs
 * longer than 30 characters are abbreviated with "...". */
RtStatus obj_reprlib_sb(Rt *rt, Value v, StrBuf *sb);
/* format(v, spec) / f"{v:spec}" (spec: the text after ':'; may be empty). */
RtStatus obj_format(Rt *rt, Value v, const char *spec, size_t speclen, Value *out);
RtStatus obj_format_sb(Rt *rt, Value v, const char *spec, size_t speclen, StrBuf *sb);
/* type(v).__name__, borrowed C string. */
const char *obj_type_name(Rt *rt, Value v);

/* ------------------------------------------------------------------------
 * Argument parsing for natives.
 *
 * `spec` names the parameters in order, '|' before the optional ones, '$'
 * before keyword-only ones, e.g. "iterable|$key,reverse" (names separated by
 * commas). Matched values are written (borrowed) to the out array, whose
 * unmatched optional slots become VAL_UNDEF. Errors as CPython's:
 * "sorted expected 1 argument, got 0", "'x' is an invalid keyword argument
 * for sorted()", "sort() takes no positional arguments".
 */
RtStatus rt_parse_args(Rt *rt, const char *fname, const char *spec, const Value *args,
                       size_t nargs, Tuple *kwnames, Value *out);

/* ------------------------------------------------------------------------
 * Numbers (obj_num.c).
 */
/* Checked int64 arithmetic: OverflowError "integer overflow: ... does not
 * fit in 64 bits" where CPython would make a bigger int. */
RtStatus int_floordiv(Rt *rt, int64_t a, int64_t b, int64_t *out);
RtStatus int_mod(Rt *rt, int64_t a, int64_t b, int64_t *out);
/* int(x), float(x) for any value (str parsing with CPython's messages). */
RtStatus int_from_value(Rt *rt, Value v, Value *out);
RtStatus int_from_str(Rt *rt, const char *s, size_t len, int base, Value *out);
RtStatus float_from_value(Rt *rt, Value v, Value *out);
/* float -> int for int(3.9): ValueError for nan, OverflowError for inf or
 * out of range. */
RtStatus int_from_double(Rt *rt, double d, Value *out);
/* round(x[, ndigits]) as CPython (banker's rounding, correctly rounded). */
RtStatus num_round(Rt *rt, Value x, Value ndigits, Value *out);
/* abs(x). */
RtStatus num_abs(Rt *rt, Value x, Value *out);
/* repr of a float, shortest round-trip ("0.1", "1e-05", "inf"); buf >= 32
 * bytes. Returns the length. */
size_t float_repr(double d, char *buf);
/* Decimal of an int64 into buf (>= 24 bytes); returns the length. */
size_t int_repr(int64_t i, char *buf);

/* ------------------------------------------------------------------------
 * str (obj_str.c). Immutable UTF-8 with its length in code points.
 */
struct Str {
    Obj hdr;
    size_t len;     /* bytes, excluding the trailing NUL */
    size_t nchars;  /* code points: len() */
    int64_t hash;   /* -1 until computed */
    bool ascii;     /* nchars == len: indexing is byte indexing */
    char data[];    /* NUL-terminated */
};
extern const ObjType obj_str_type;
static inline bool val_is_str(Value v)
{
    return v.tag == VAL_OBJ && v.u.o->type == &obj_str_type;
}
static inline Str *val_str(Value v)
{
    return (Str *)v.u.o;
}
/* New str from UTF-8 bytes (copied; invalid UTF-8 is copied as it is). */
Str *str_new(Rt *rt, const char *s, size_t len);
Str *str_from_cstr(Rt *rt, const char *s);
/* Value wrappers: RT_ERR on MemoryError. */
RtStatus str_value(Rt *rt, const char *s, size_t len, Value *out);
/* a + b. */
Str *str_concat(Rt *rt, const Str *a, const Str *b);
bool str_eq(const Str *a, const Str *b);
bool str_eq_cstr(const Str *a, const char *s);
int64_t str_hash(Str *s);
/* Appends the repr of `s` (quotes chosen like CPython) to sb. */
RtStatus str_repr_sb(Rt *rt, const Str *s, StrBuf *sb);

/* A growable byte buffer that becomes a Str. Failure is sticky: after an
 * allocation fails every append is ignored and sb_finish/sb_status return
 * RT_ERR with MemoryError set. */
struct StrBuf {
    Rt *rt;
    char *buf;
    size_t len, cap;
    bool failed;
    char small[128];
};
void sb_init(StrBuf *sb, Rt *rt);
void sb_fini(StrBuf *sb); /* drops the contents (after failure or when done) */
void sb_putc(StrBuf *sb, char c);
void sb_put(StrBuf *sb, const char *s, size_t n);
void sb_puts(StrBuf *sb, const char *s);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends the UTF-8 encoding of a code point. */
void sb_put_codepoint(StrBuf *sb, uint32_t cp);
RtStatus sb_status(StrBuf *sb);
/* The contents as a new Str value; the buffer is finished (sb_fini). */
RtStatus sb_finish(StrBuf *sb, Value *out);

/* ------------------------------------------------------------------------
 * list and tuple (obj_list.c).
 */
struct List {
    Obj hdr;
    size_t len, cap;
    Value *items; /* len owned values; cap slots allocated */
};
struct Tuple {
    Obj hdr;
    size_t len;
    int64_t hash; /* -1 until computed */
    Value items[];
};
extern const ObjType obj_list_type;
extern const ObjType obj_tuple_type;
static inline bool val_is_list(Value v)
{
    return v.tag == VAL_OBJ && v.u.o->type == &obj_list_type;
}
static inline bool val_is_tuple(Value v)
{
    return v.tag == VAL_OBJ && v.u.o->type == &obj_tuple_type;
}
static inline List *val_list(Value v)
{
    return (List *)v.u.o;
}
static inline Tuple *val_tuple(Value v)
{
    return (Tuple *)v.u.o;
}
/* Empty list with room for `cap` items. */
List *list_new(Rt *rt, size_t cap);
/* Appends a borrowed / stolen value. */
RtStatus list_append(Rt *rt, List *l, Value v);
RtStatus list_append_take(Rt *rt, List *l, Value v);
/* A tuple of n items, all VAL_NONE: fill items[] with owned values (the
 * slots hold no reference yet, overwrite them without decref). */
Tuple *tuple_new(Rt *rt, size_t n);
/* A tuple copying (incref'ing) n values. */
Tuple *tuple_from(Rt *rt, const Value *items, size_t n);
/* In-place stable sort, as list.sort: `key` (VAL_UNDEF or None for none)
 * is called through obj_call; on error the list keeps some permutation. */
RtStatus list_sort(Rt *rt, List *l, Value key, bool reverse);

/* ------------------------------------------------------------------------
 * dict (obj_dict.c): insertion-ordered hash table (compact entries array
 * plus an index, as CPython's). Keys must be hashable.
 */
typedef struct DictEntry {
    Value key; /* VAL_UNDEF: deleted entry */
    Value value;
    int64_t hash;
} DictEntry;
struct Dict {
    Obj hdr;
    size_t len;       /* live entries */
    size_t nentries;  /* used entries, including deleted ones */
    size_t cap;       /* entries allocated */
    DictEntry *entries;
    int32_t *index;   /* 2^k slots: -1 empty, -2 deleted, else an entry */
    size_t index_mask;
    uint64_t version; /* bumped by every insertion/deletion (for iterators) */
};
extern const ObjType obj_dict_type;
static inline bool val_is_dict(Value v)
{
    return v.tag == VAL_OBJ && v.u.o->type == &obj_dict_type;
}
static inline Dict *val_dict(Value v)
{
    return (Dict *)v.u.o;
}
Dict *dict_new(Rt *rt);
/* d[key]: *found false (RT_OK) when absent; RT_ERR for an unhashable key.
 * *out is BORROWED (valid until the dict changes). */
RtStatus dict_get(Rt *rt, Dict *d, Value key, Value *out, bool *found);
/* d[key] = v (both borrowed). */
RtStatus dict_set(Rt *rt, Dict *d, Value key, Value v);
/* del d[key]: *found false when absent (no exception). */
RtStatus dict_del(Rt *rt, Dict *d, Value key, bool *found);
/* Fast paths for str keys (module globals): never fail on lookup. */
Value dict_get_str(Dict *d, Str *key); /* borrowed; VAL_UNDEF when absent */
RtStatus dict_set_str(Rt *rt, Dict *d, const char *key, Value v);
/* Iteration in insertion order: start with *pos = 0; false at the end.
 * key and value are borrowed. */
bool dict_next(const Dict *d, size_t *pos, Value *key, Value *value);

/* ------------------------------------------------------------------------
 * range and slice objects (obj_list.c).
 */
typedef struct RangeObj {
    Obj hdr;
    int64_t start, stop, step; /* step != 0 */
    int64_t len;
} RangeObj;
typedef struct Slice {
    Obj hdr;
    Value start, stop, step; /* VAL_NONE when omitted */
} Slice;
extern const ObjType obj_range_type;
extern const ObjType obj_slice_type;
RtStatus range_obj_new(Rt *rt, int64_t start, int64_t stop, int64_t step, Value *out);
RtStatus slice_new(Rt *rt, Value start, Value stop, Value step, Value *out);

/* ------------------------------------------------------------------------
 * Native functions, bound methods, modules (obj.c).
 */
struct Native {
    Obj hdr;
    const char *name; /* static string: "len", "sleep" */
    NativeFn fn;
    Value self;       /* owned; the object of a builtin method (list.append
                       * bound to a list), VAL_UNDEF for a plain function */
    void *data;       /* for the VM: any context pointer (not freed) */
    /* CPython's type name for it when not a builtin: "function" for
     * asyncio's functions (Python code there), "method" for random's
     * (bound methods of a Random); NULL: builtin_function_or_method */
    const char *py_type;
};
extern const ObjType obj_native_type;
/* A builtin function: repr "<built-in function NAME>". */
Native *native_new(Rt *rt, const char *name, NativeFn fn, void *data);

typedef struct BoundMethod {
    Obj hdr;
    Value self; /* owned */
    Value func; /* owned: the callable; called with self prepended */
} BoundMethod;
extern const ObjType obj_method_type;
RtStatus bound_method_new(Rt *rt, Value self, Value func, Value *out);

struct Module {
    Obj hdr;
    Str *name;
    Dict *dict; /* the module's globals / attributes */
};
extern const ObjType obj_module_type;
Module *module_new(Rt *rt, const char *name);
/* module.NAME = native function; RT_ERR on MemoryError. */
RtStatus module_add_native(Rt *rt, Module *m, const char *name, NativeFn fn, void *data);
RtStatus module_add_value(Rt *rt, Module *m, const char *name, Value v);

#endif
