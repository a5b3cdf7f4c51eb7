/* vm: the bytecode run loop, frames, calls, exceptions and coroutines.
 *
 * See vm.h for the frame model. The run loop keeps the current frame's pc
 * and stack pointer in locals and writes them back (SAVE) before anything
 * that can switch frames, raise, or call out. Errors jump to `error`, which
 * adds a traceback entry, looks the pc up in the code's exception table and
 * either continues at a handler or pops the frame and repeats in the
 * caller.
 */
#include "engine/lang/vm.h"
#include "engine/lang/dirs.h"
#include "engine/lang/net.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ small kinds */

static void cell_free(Rt *rt, Obj *o)
{
    Cell *c = (Cell *)o;
    val_decref(rt, c->v);
    obj_release(rt, o, sizeof(Cell));
}
static void cell_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_val(((Cell *)o)->v, visit, arg);
}

static void cell_clear(Rt *rt, Obj *o)
{
    Cell *c = (Cell *)o;
    Value v = c->v;
    c->v = VAL_UNDEF_V;
    val_decref(rt, v);
}
const ObjType vm_cell_type = {
    .name = "cell", .free = cell_free, .traverse = cell_traverse, .clear = cell_clear};

static void box_free(Rt *rt, Obj *o)
{
    Boxed *b = (Boxed *)o;
    val_decref(rt, b->v);
    obj_release(rt, o, sizeof(Boxed));
}
/* A Boxed holds a value the engine keeps (a result, an exception); the
 * engine's own references to the box are outside references. */
static void box_traverse(Obj *o, GcVisit visit, void *arg)
{
    gc_visit_val(((Boxed *)o)->v, visit, arg);
}

static void box_clear(Rt *rt, Obj *o)
{
    Boxed *b = (Boxed *)o;
    Value v = b->v;
    b->v = VAL_NONE_V;
    val_decref(rt, v);
}
const ObjType vm_box_type = {
    .name = "box", .free = box_free, .traverse = box_traverse, .clear = box_clear};

static void tb_free(Rt *rt, Obj *o)
{
    TbEntry *t = (TbEntry *)o;
    /* Long chains: unlink iteratively. */
    Value next = t->next;
    obj_release(rt, o, sizeof(TbEntry));
    while (val_is_type(next, &vm_tb_type) && next.u.o->rc == 1) {
        TbEntry *n = (TbEntry *)next.u.o;
        next = n->next;
        obj_release(rt, &n->hdr, sizeof(TbEntry));
    }
    val_decref(rt, next);
}
const ObjType vm_tb_type = {.name = "traceback", .free = tb_free};

/* ------------------------------------------------------------ functions */

static void function_free(Rt *rt, Obj *o)
{
    Function *f = (Function *)o;
    /* each may be NULL (globals only after function_clear) */
    obj_decref(rt, (Obj *)f->globals);
    obj_decref(rt, (Obj *)f->defaults);
    obj_decref(rt, (Obj *)f->kwdefaults);
    obj_decref(rt, (Obj *)f->closure);
    obj_release(rt, o, sizeof(Function));
}

/* code is borrowed (the program's Code outlives functions): not reported. */
static void function_traverse(Obj *o, GcVisit visit, void *arg)
{
    Function *f = (Function *)o;
    gc_visit_obj((Obj *)f->globals, visit, arg);
    gc_visit_obj((Obj *)f->defaults, visit, arg);
    gc_visit_obj((Obj *)f->kwdefaults, visit, arg);
    gc_visit_obj((Obj *)f->closure, visit, arg);
}

/* Leaves a function nobody can call any more (globals NULL): only the
 * collector clears, and only objects nothing reaches. */
static void function_clear(Rt *rt, Obj *o)
{
    Function *f = (Function *)o;
    Obj *refs[4] = {(Obj *)f->globals, (Obj *)f->defaults, (Obj *)f->kwdefaults,
                    (Obj *)f->closure};
    f->globals = NULL;
    f->defaults = NULL;
    f->kwdefaults = NULL;
    f->closure = NULL;
    for (int i = 0; i < 4; i++)
        obj_decref(rt, refs[i]);
}

static RtStatus function_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    Function *f = (Function *)o;
    sb_printf(sb, "<function %s at %p>", f->code->qualname->data, (void *)o);
    return RT_OK;
}

static RtStatus function_call(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                              Value *out)
{
    return vm_call(vm_of(rt), self, args, nargs, kw, out);
}

static RtStatus function_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    Function *f = (Function *)o;
    if (name == rt->names[NAME___name__]) {
        *out = val_incref(val_obj(&f->code->name->hdr));
        return RT_OK;
    }
    if (name == rt->names[NAME___qualname__]) {
        *out = val_incref(val_obj(&f->code->qualname->hdr));
        return RT_OK;
    }
    return RT_STOP;
}

const ObjType vm_function_type = {
    .name = "function",
    .free = function_free,
    .traverse = function_traverse,
    .clear = function_clear,
    .repr = function_repr,
    .call = function_call,
    .getattr = function_getattr,
};

/* ------------------------------------------------------------ frames */

static size_t frame_bytes(const Code *code)
{
    size_t nslots = (size_t)code->nlocals + (size_t)code->ncells + (size_t)code->nfree +
                    (size_t)code->stacksize;
    return sizeof(Frame) + nslots * sizeof(Value);
}

/* f: zeroed bytes (a zeroed Value is VAL_UNDEF, a NULL awaiting nothing). */
static void frame_setup(Frame *f, Code *code)
{
    f->code = code;
}

_Static_assert(offsetof(CoroObj, state) == offsetof(Obj, flags), "CoroObj's bytes overlay hdr.flags");
/* timers.py's sleeper (3 slots) is a 112-byte block: 16 + 48 + 3 x 16. */
_Static_assert(sizeof(void *) != 8 || (sizeof(CoroObj) == 16 && sizeof(Frame) == 48), "the coroutine block's layout");

/* A coroutine object and its body's frame are one block (coro_for_call):
 * the frame follows the CoroObj (coro_frame). */
#define CORO_FRAME_OFFSET sizeof(CoroObj)

static Frame *coro_embedded_frame(CoroObj *c)
{
    return (Frame *)(c + 1);
}

Frame *vm_frame_new(Vm *vm, Code *code, Function *fn, Dict *globals)
{
    if (!fn && globals != vm->globals) {
        if (vm->globals) {
            rt_raise_id(&vm->rt, CLS_RuntimeError, "internal error: a second module's globals");
            return NULL;
        }
        vm->globals = globals;
        obj_incref(&globals->hdr);
    }
    Frame *f = mem_calloc(vm->mem, frame_bytes(code));
    if (!f) {
        rt_no_memory(&vm->rt);
        return NULL;
    }
    frame_setup(f, code);
    return f;
}

/* Releases what the frame holds; its memory too unless it is a coroutine's
 * body frame, which lives inside the coroutine object (freed with it). */
void vm_frame_free(Vm *vm, Frame *f)
{
    if (!f)
        return;
    Rt *rt = &vm->rt;
    Code *c = f->code;
    size_t nfixed = (size_t)c->nlocals + (size_t)c->ncells + (size_t)c->nfree;
    /* What it awaits first: an engine coroutine or a task kept in the stack
     * slot at f->sp (AWAIT_NATIVE, AWAIT_TASK_SLEEP) is found there only
     * while f->sp is the suspended frame's. */
    vm_frame_drop_await(vm, f);
    /* Drop the stack first, then the locals (CPython's order is close
     * enough: warnings for dropped coroutines come at this moment). */
    Value *stack = frame_stack(f);
    for (uint32_t i = f->sp; i > 0; i--)
        val_decref(rt, stack[i - 1]);
    f->sp = 0;
    for (size_t i = 0; i < nfixed; i++) {
        Value v = f->slots[i];
        f->slots[i] = VAL_UNDEF_V;
        val_decref(rt, v);
    }
    if (f->exc)
        obj_decref(rt, f->exc);
    f->exc = NULL;
    vm_frame_drop_await(vm, f);
    if (f->body)
        return; /* in its coroutine's block; f->code stays: coro_code reads it */
    mem_free(vm->mem, f, frame_bytes(c));
}

/* ------------------------------------------------------------ arguments */

static Str *kw_name(Tuple *kwnames, size_t i)
{
    return val_str(kwnames->items[i]);
}

static int find_param(Code *code, Str *name, int n)
{
    for (int i = 0; i < n; i++)
        if (code->localnames[i] == name)
            return i;
    for (int i = 0; i < n; i++)
        if (str_eq(code->localnames[i], name))
            return i;
    return -1;
}

static RtStatus missing_args(Rt *rt, Code *code, Frame *f, int from, int to, bool kwonly)
{
    int n = 0;
    for (int i = from; i < to; i++)
        if (val_is_undef(f->slots[i]))
            n++;
    StrBuf sb;
    sb_init(&sb, rt);
    int k = 0;
    for (int i = from; i < to; i++) {
        if (!val_is_undef(f->slots[i]))
            continue;
        if (k > 0)
            sb_puts(&sb, n == 2 ? " and " : (k == n - 1 ? ", and " : ", "));
        sb_printf(&sb, "'%s'", code->localnames[i]->data);
        k++;
    }
    RtStatus st = sb_status(&sb);
    if (st == RT_OK)
        st = rt_raise_id(rt, CLS_TypeError, "%s() missing %d required %s argument%s: %.*s",
                         code->qualname->data, n, kwonly ? "keyword-only" : "positional",
                         n == 1 ? "" : "s", (int)sb.len, sb.buf);
    sb_fini(&sb);
    return st;
}

/* Binds a call's arguments into the new frame's locals and sets up cells. */
static RtStatus bind_args(Vm *vm, Function *fn, Frame *f, const Value *args, size_t nargs,
                          Tuple *kwnames)
{
    Rt *rt = &vm->rt;
    Code *code = fn->code;
    size_t nkw = kwnames ? kwnames->len : 0;
    size_t npos = nargs; /* keyword values follow at args[nargs + k] */
    int np = code->nargs;
    size_t take = npos < (size_t)np ? npos : (size_t)np;
    for (size_t i = 0; i < take; i++)
        f->slots[i] = val_incref(args[i]);
    int varslot = np + code->nkwonly;
    if (npos > (size_t)np) {
        if (!code->varargs) {
            int ndef = fn->defaults ? (int)fn->defaults->len : 0;
            if (ndef)
                return rt_raise_id(rt, CLS_TypeError,
                                   "%s() takes from %d to %d positional arguments but %zu were given",
                                   code->qualname->data, np - ndef, np, npos);
            return rt_raise_id(rt, CLS_TypeError, "%s() takes %d positional argument%s but %zu %s given",
                               code->qualname->data, np, np == 1 ? "" : "s", npos,
                               npos == 1 ? "was" : "were");
        }
        Tuple *t = tuple_from(rt, args + np, npos - (size_t)np);
        if (!t)
            return RT_ERR;
        f->slots[varslot] = val_obj(&t->hdr);
    } else if (code->varargs) {
        Tuple *t = tuple_new(rt, 0);
        if (!t)
            return RT_ERR;
        f->slots[varslot] = val_obj(&t->hdr);
    }
    int nnamed = np + code->nkwonly;
    for (size_t k = 0; k < nkw; k++) {
        Str *name = kw_name(kwnames, k);
        int i = find_param(code, name, nnamed);
        if (i < 0)
            return rt_raise_id(rt, CLS_TypeError, "%s() got an unexpected keyword argument '%s'",
                               code->qualname->data, name->data);
        if (!val_is_undef(f->slots[i]))
            return rt_raise_id(rt, CLS_TypeError, "%s() got multiple values for argument '%s'",
                               code->qualname->data, name->data);
        f->slots[i] = val_incref(args[npos + k]);
    }
    /* Defaults for the last positional parameters. */
    int ndef = fn->defaults ? (int)fn->defaults->len : 0;
    for (int i = np - ndef; i < np; i++)
        if (val_is_undef(f->slots[i]))
            f->slots[i] = val_incref(fn->defaults->items[i - (np - ndef)]);
    for (int i = 0; i < np; i++)
        if (val_is_undef(f->slots[i]))
            return missing_args(rt, code, f, 0, np, false);
    for (int i = np; i < nnamed; i++) {
        if (!val_is_undef(f->slots[i]))
            continue;
        if (fn->kwdefaults) {
            Value d = dict_get_str(fn->kwdefaults, code->localnames[i]);
            if (!val_is_undef(d)) {
                f->slots[i] = val_incref(d);
                continue;
            }
        }
    }
    for (int i = np; i < nnamed; i++)
        if (val_is_undef(f->slots[i]))
            return missing_args(rt, code, f, np, nnamed, true);
    /* Cells. */
    Value *cells = f->slots + code->nlocals;
    for (int i = 0; i < code->ncells; i++) {
        Cell *c = (Cell *)obj_alloc(rt, &vm_cell_type, sizeof(Cell));
        if (!c)
            return RT_ERR;
        int a = code->cell2arg[i];
        if (a >= 0) {
            c->v = f->slots[a];
            f->slots[a] = VAL_UNDEF_V;
        }
        cells[i] = val_obj(&c->hdr);
    }
    for (int i = 0; i < code->nfree; i++)
        cells[code->ncells + i] = val_incref(fn->closure->items[i]);
    return RT_OK;
}

/* A frame for calling fn with these arguments (not yet linked). */
static Frame *frame_for_call(Vm *vm, Function *fn, const Value *args, size_t nargs, Tuple *kwnames)
{
    Frame *f = vm_frame_new(vm, fn->code, fn, NULL);
    if (!f)
        return NULL;
    if (bind_args(vm, fn, f, args, nargs, kwnames) != RT_OK) {
        vm_frame_free(vm, f);
        return NULL;
    }
    return f;
}

/* ------------------------------------------------------------ coroutines */

/* A coroutine object for calling fn with these arguments, its frame inside
 * it: one allocation instead of two (100,000 tasks, 100,000 fewer). NULL
 * with the exception set. */
static CoroObj *coro_for_call(Vm *vm, Function *fn, const Value *args, size_t nargs, Tuple *kwnames)
{
    size_t fsize = frame_bytes(fn->code);
    CoroObj *c = (CoroObj *)obj_alloc(&vm->rt, &vm_coro_type, CORO_FRAME_OFFSET + fsize);
    if (!c)
        return NULL;
    Frame *f = coro_embedded_frame(c);
    frame_setup(f, fn->code);
    f->body = true;
    c->has_frame = true;
    c->state = CS_CREATED;
    if (bind_args(vm, fn, f, args, nargs, kwnames) != RT_OK) {
        c->closed = true; /* never handed out: no never-awaited warning */
        obj_decref(&vm->rt, &c->hdr);
        return NULL;
    }
    return c;
}

static void coro_free(Rt *rt, Obj *o)
{
    CoroObj *c = (CoroObj *)o;
    Vm *vm = vm_of(rt);
    if (c->state == CS_CREATED && !c->closed && !c->in_task)
        vm_warn_never_awaited(vm, coro_code(c));
    if (c->has_frame) {
        c->has_frame = false;
        vm_frame_free(vm, coro_embedded_frame(c));
    }
    obj_release(rt, o, CORO_FRAME_OFFSET + frame_bytes(coro_code(c)));
}

static RtStatus coro_repr(Rt *rt, Obj *o, StrBuf *sb)
{
    (void)rt;
    CoroObj *c = (CoroObj *)o;
    sb_printf(sb, "<coroutine object %s at %p>", coro_code(c)->qualname->data, (void *)o);
    return RT_OK;
}

static RtStatus coro_getattr(Rt *rt, Obj *o, Str *name, Value *out)
{
    CoroObj *c = (CoroObj *)o;
    if (name == rt->names[NAME___name__]) {
        *out = val_incref(val_obj(&coro_code(c)->name->hdr));
        return RT_OK;
    }
    if (name == rt->names[NAME___qualname__]) {
        *out = val_incref(val_obj(&coro_code(c)->qualname->hdr));
        return RT_OK;
    }
    return RT_STOP;
}

static RtStatus coro_close(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    (void)args; (void)nargs; (void)kw;
    CoroObj *c = (CoroObj *)self.u.o;
    if (c->state == CS_CREATED) {
        c->closed = true;
        c->state = CS_DONE;
        if (c->has_frame) {
            c->has_frame = false;
            vm_frame_free(vm_of(rt), coro_embedded_frame(c));
        }
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

static const MethodDef coro_methods[] = {{"close", coro_close}, {NULL, NULL}};

const ObjType vm_coro_type = {
    .name = "coroutine",
    .free = coro_free,
    .repr = coro_repr,
    .getattr = coro_getattr,
    .methods = coro_methods,
};

/* ------------------------------------------------------------ calls */

#define VM_C_STACK_MAX ((uintptr_t)4 << 20)

RtStatus vm_call(Vm *vm, Value callee, const Value *args, size_t nargs, Tuple *kwnames, Value *out)
{
    Rt *rt = &vm->rt;
    if (!val_is_type(callee, &vm_function_type))
        return obj_call(rt, callee, args, nargs, kwnames, out);
    Function *fn = (Function *)callee.u.o;
    if (fn->code->flags & CODE_COROUTINE) {
        CoroObj *c = coro_for_call(vm, fn, args, nargs, kwnames);
        if (!c)
            return RT_ERR;
        *out = val_obj(&c->hdr);
        return RT_OK;
    }
    Frame *f = frame_for_call(vm, fn, args, nargs, kwnames);
    if (!f)
        return RT_ERR;
    f->entry = true;
    /* Called from C inside a running frame (a sort key, a max key), the
     * builtin's call is a level too, as CPython 3.11 counts it: a recursion
     * through sorted(key=...) takes three levels a step, not two. */
    f->depth = (vm->frame ? vm->frame->depth + 1 : 0) + 1;
    /* A call made from C (a sort key, a callback) nests vm_exec on the C
     * stack, ~5 KiB a level at -O2 and several times that under ASan, where
     * Python-to-Python calls take none: past VM_C_STACK_MAX bytes of it a
     * call is a RecursionError whatever the recursion limit (aiotutor run
     * --recursion-limit), so no limit overflows the 8 MiB stack. */
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    bool c_deep = vm->c_depth > 0 && vm->c_stack_top > here &&
                  vm->c_stack_top - here > VM_C_STACK_MAX;
    if (f->depth > vm->recursion_limit || c_deep) {
        vm_frame_free(vm, f);
        return rt_raise_id(rt, CLS_RecursionError, "maximum recursion depth exceeded");
    }
    Future *fut = NULL;
    VmStatus st = vm_exec(vm, f, false, out, &fut);
    vm_frame_free(vm, f);
    if (st == VM_RETURN)
        return RT_OK;
    if (st != VM_ERROR) {
        /* Cannot happen: only coroutine frames suspend. */
        return rt_raise_id(rt, CLS_RuntimeError, "internal error: a plain call suspended");
    }
    return RT_ERR;
}

/* ------------------------------------------------------------ exceptions */

static RtStatus add_traceback(Vm *vm, Frame *f, uint32_t pc)
{
    Rt *rt = &vm->rt;
    if (!val_is_exc(rt->exc))
        return RT_OK;
    Exc *e = (Exc *)rt->exc.u.o;
    TbEntry *t = (TbEntry *)obj_alloc(rt, &vm_tb_type, sizeof(TbEntry));
    if (!t) {
        rt_clear_exc(rt);
        return RT_ERR;
    }
    t->code = f->code;
    t->pc = pc;
    t->at_sub = vm->tb_at_sub;
    vm->tb_at_sub = false;
    t->next = val_is_undef(e->traceback) ? VAL_NONE_V : e->traceback;
    e->traceback = val_obj(&t->hdr);
    return RT_OK;
}

static void attr_suggest(Vm *vm, Value obj, Str *name);

/* A method call failed: when the method itself is missing (not an error
 * from inside it), the traceback entry underlines `obj.name` only, as
 * CPython's LOAD_METHOD (add_traceback takes the mark). Only on the error
 * path: looks the method up again with the exception put aside. */
static void note_method_missing(Vm *vm, Value self, Str *name)
{
    Rt *rt = &vm->rt;
    if (!rt_exc_matches(rt, rt->cls[CLS_AttributeError]))
        return;
    Value e = rt_fetch_exc(rt);
    bool missing = obj_check_method(rt, self, name) != RT_OK;
    if (missing) {
        rt_clear_exc(rt);
        vm->tb_at_sub = true;
    }
    rt_raise_value(rt, e);
    val_decref(rt, e);
    if (missing)
        attr_suggest(vm, self, name);
}

/* f is left by the pending exception: its local slots (cells included) move
 * into the exception's `kept` list, as CPython's traceback keeps the frame.
 * Frames of plain values are not kept (nothing to free later); nor when
 * memory runs out (they go with the frame, as before). */
static void exc_keep(Vm *vm, Value *vals, size_t n, bool take);

static void keep_frame_locals(Vm *vm, Frame *f)
{
    Rt *rt = &vm->rt;
    size_t n = (size_t)f->code->nlocals + (size_t)f->code->ncells + (size_t)f->code->nfree;
    if (!val_is_exc(rt->exc))
        return;
    bool objs = false;
    for (size_t i = 0; i < n && !objs; i++)
        objs = f->slots[i].tag == VAL_OBJ;
    if (!objs)
        return;
    exc_keep(vm, f->slots, n, true);
}

/* Appends a tuple of vals (moved out of vals[], left VAL_UNDEF, when
 * `take`; else new references) to the pending exception's `kept` list.
 * Out of memory: nothing kept (taken values are then left in place). */
static void exc_keep(Vm *vm, Value *vals, size_t n, bool take)
{
    Rt *rt = &vm->rt;
    if (!val_is_exc(rt->exc))
        return;
    Value ev = rt_fetch_exc(rt);
    Exc *e = (Exc *)ev.u.o;
    Tuple *t = tuple_new(rt, n);
    if (t && !val_is_type(e->kept, &obj_list_type)) {
        List *l = list_new(rt, 0);
        if (l) {
            val_decref(rt, e->kept);
            e->kept = val_obj(&l->hdr);
        }
    }
    if (t && val_is_type(e->kept, &obj_list_type)) {
        for (size_t i = 0; i < n; i++) {
            t->items[i] = take ? vals[i] : val_incref(vals[i]);
            if (take)
                vals[i] = VAL_UNDEF_V;
        }
        if (list_append_take(rt, val_list(e->kept), val_obj(&t->hdr)) != RT_OK)
            rt_clear_exc(rt);
    } else {
        if (t)
            obj_decref(rt, &t->hdr);
        rt_clear_exc(rt);
    }
    rt->exc = ev;
}

RtStatus vm_raise_from_stdlib(Vm *vm, const VmStdlibFrame *frames, size_t nframes, const Value *keep,
                              size_t nkeep)
{
    Rt *rt = &vm->rt;
    if (!val_is_exc(rt->exc))
        return RT_ERR;
    Value ev = rt_fetch_exc(rt);
    for (size_t i = nframes; i > 0; i--)
        if (vm_tb_prepend_stdlib(vm, ev, frames[i - 1]) != RT_OK)
            break;
    rt_clear_exc(rt);
    rt->exc = ev;
    if (nkeep)
        exc_keep(vm, (Value *)keep, nkeep, false);
    return RT_ERR;
}

/* At exit, before the cycles are collected: every live exception lets go
 * of the locals it keeps. The collector cannot free a cycle that passes
 * through the engine (it does not look into futures): an exception a failed
 * task holds as its result, kept locals that hold that task (a TaskGroup's
 * parent, a task handle), back to the exception. Corpus 107 and the fuzzers
 * found them as leaks; CPython's collector sees tasks and frees them. */
void vm_drop_kept_locals(Vm *vm)
{
    Rt *rt = &vm->rt;
    Gc *gc = &rt->gc;
    List *held = list_new(rt, 0);
    if (!held) {
        rt_clear_exc(rt);
        return;
    }
    /* listed first: what they free leaves the tracked array (reordered) */
    for (uint32_t i = 0; i < gc->n; i++) {
        Value v = val_obj(gc->objs[i]);
        if (val_is_exc(v) && !val_is_none(((Exc *)v.u.o)->kept) && list_append(rt, held, v) != RT_OK) {
            rt_clear_exc(rt);
            break;
        }
    }
    for (size_t i = 0; i < held->len; i++) {
        Exc *e = (Exc *)held->items[i].u.o;
        Value kept = e->kept;
        e->kept = VAL_NONE_V;
        val_decref(rt, kept);
    }
    obj_decref(rt, &held->hdr);
}

/* The exception being handled by f or the frames it was called from. */
static Value handled_exc(Frame *f)
{
    for (; f; f = f->back)
        if (f->exc)
            return val_obj(f->exc);
    return VAL_UNDEF_V;
}

void vm_set_exc_context(Vm *vm, Frame *f)
{
    Rt *rt = &vm->rt;
    Value h = handled_exc(f);
    if (val_is_undef(h) && vm->shutdown_exc) /* asyncio.run's shutdown after main raised */
        h = val_obj(&vm->shutdown_exc->hdr);
    if (val_is_undef(h) || !val_is_exc(rt->exc) || val_is(h, rt->exc))
        return;
    Exc *e = (Exc *)rt->exc.u.o;
    if (!val_is_undef(e->context) && !val_is_none(e->context))
        return;
    /* Avoid a cycle: h's chain must not contain e. */
    Value c = h;
    for (int n = 0; n < 100 && val_is_exc(c); n++) {
        if (c.u.o == &e->hdr)
            return;
        c = ((Exc *)c.u.o)->context;
    }
    val_decref(rt, e->context);
    e->context = val_incref(h);
}

/* Levenshtein distance as CPython's suggestions compute it. */
#define MOVE_COST 2
#define CASE_COST 1
static size_t lev(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
    if (la > 40 || lb > 40)
        return max + 1;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j * MOVE_COST;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i * MOVE_COST;
        size_t minrow = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cost;
            char x = a[i - 1], y = b[j - 1];
            if (x == y)
                cost = 0;
            else if ((x | 32) == (y | 32) && ((x | 32) >= 'a' && (x | 32) <= 'z'))
                cost = CASE_COST;
            else
                cost = MOVE_COST;
            size_t v = prev + cost;
            if (row[j] + MOVE_COST < v)
                v = row[j] + MOVE_COST;
            if (row[j - 1] + MOVE_COST < v)
                v = row[j - 1] + MOVE_COST;
            prev = row[j];
            row[j] = v;
            if (v < minrow)
                minrow = v;
        }
        if (minrow > max)
            return max + 1;
    }
    return row[lb];
}

typedef struct Suggest {
    const char *name;
    size_t len;
    const char *best;
    size_t best_len;
    size_t best_d;
} Suggest;

static void suggest_try(Suggest *s, const char *cand, size_t clen)
{
    if (clen == s->len && memcmp(cand, s->name, clen) == 0)
        return;
    size_t max = (s->len + clen + 3) * MOVE_COST / 6;
    if (s->best && s->best_d - 1 < max)
        max = s->best_d - 1;
    size_t d = lev(s->name, s->len, cand, clen, max);
    if (d > max)
        return;
    s->best = cand;
    s->best_len = clen;
    s->best_d = d;
}

static void suggest_dict(Suggest *s, Dict *d)
{
    size_t pos = 0;
    Value k, v;
    while (d && dict_next(d, &pos, &k, &v))
        if (val_is_str(k))
            suggest_try(s, val_str(k)->data, val_str(k)->len);
}

/* NameError for `name`, with CPython's "Did you mean" (kept in the
 * exception's notes slot for the traceback printer). */
static RtStatus name_error(Vm *vm, Frame *f, Str *name)
{
    Rt *rt = &vm->rt;
    rt_raise_id(rt, CLS_NameError, "name '%s' is not defined", name->data);
    Suggest s = {name->data, name->len, NULL, 0, 0};
    if (!(f->code->flags & CODE_MODULE))
        for (int i = 0; i < f->code->nlocals; i++)
            suggest_try(&s, f->code->localnames[i]->data, f->code->localnames[i]->len);
    suggest_dict(&s, vm->globals);
    suggest_dict(&s, vm->builtins);
    if (s.best && val_is_exc(rt->exc)) {
        Exc *e = (Exc *)rt->exc.u.o;
        Str *t = str_new(rt, s.best, s.best_len);
        if (t) {
            val_decref(rt, e->notes);
            e->notes = val_obj(&t->hdr);
        } else {
            rt_clear_exc(rt);
            rt_raise_id(rt, CLS_NameError, "name '%s' is not defined", name->data);
        }
    }
    return RT_ERR;
}

/* An AttributeError of looking `name` up on obj gets CPython's "Did you
 * mean", computed as CPython's from dir(obj) (dirs.h), in the notes slot
 * as name_error's. Nothing for a kind of value dirs.h does not know. */
static void attr_suggest(Vm *vm, Value obj, Str *name)
{
    Rt *rt = &vm->rt;
    if (!val_is_exc(rt->exc) || !rt_exc_matches(rt, rt->cls[CLS_AttributeError]))
        return;
    Exc *e = (Exc *)rt->exc.u.o;
    const char *const *dir = dirs_of(rt, obj);
    if (!val_is_undef(e->notes) || !dir)
        return;
    if (dirs_has(rt, obj, name->data, name->len))
        return; /* CPython has it: one the subset leaves out (sandbox), no hint */
    Suggest s = {name->data, name->len, NULL, 0, 0};
    for (; *dir; dir++)
        suggest_try(&s, *dir, strlen(*dir));
    if (!s.best)
        return;
    Value ev = rt_fetch_exc(rt);
    Str *t = str_new(rt, s.best, s.best_len);
    if (t)
        e->notes = val_obj(&t->hdr);
    else
        rt_clear_exc(rt); /* no memory for the hint: the error without it */
    rt_raise_value(rt, ev);
    val_decref(rt, ev);
}

/* ------------------------------------------------------------ helpers */

static RtStatus unpack(Vm *vm, Value seq, uint32_t n, Value *dst /* n slots, reversed */)
{
    Rt *rt = &vm->rt;
    const Value *items = NULL;
    size_t len = 0;
    if (val_is_tuple(seq)) {
        items = val_tuple(seq)->items;
        len = val_tuple(seq)->len;
    } else if (val_is_list(seq)) {
        items = val_list(seq)->items;
        len = val_list(seq)->len;
    }
    if (items) {
        if (len != n) {
            if (len < n)
                return rt_raise_id(rt, CLS_ValueError, "not enough values to unpack (expected %u, got %zu)",
                                   n, len);
            return rt_raise_id(rt, CLS_ValueError, "too many values to unpack (expected %u)", n);
        }
        for (uint32_t i = 0; i < n; i++)
            dst[n - 1 - i] = val_incref(items[i]);
        return RT_OK;
    }
    Value it;
    if (obj_iter(rt, seq, &it) != RT_OK) {
        if (rt_exc_matches(rt, rt->cls[CLS_TypeError])) {
            rt_clear_exc(rt);
            return rt_raise_id(rt, CLS_TypeError, "cannot unpack non-iterable %s object",
                               obj_type_name(rt, seq));
        }
        return RT_ERR;
    }
    uint32_t got = 0;
    Value tmp[256];
    if (n > 256) {
        val_decref(rt, it);
        return rt_raise_id(rt, CLS_ValueError, "too many targets to unpack");
    }
    for (;;) {
        Value v;
        RtStatus st = obj_next(rt, it, &v);
        if (st == RT_STOP)
            break;
        if (st != RT_OK) {
            for (uint32_t i = 0; i < got && i < n; i++)
                val_decref(rt, tmp[i]);
            val_decref(rt, it);
            return RT_ERR;
        }
        if (got >= n) {
            val_decref(rt, v);
            for (uint32_t i = 0; i < n; i++)
                val_decref(rt, tmp[i]);
            val_decref(rt, it);
            return rt_raise_id(rt, CLS_ValueError, "too many values to unpack (expected %u)", n);
        }
        tmp[got++] = v;
    }
    val_decref(rt, it);
    if (got < n) {
        for (uint32_t i = 0; i < got; i++)
            val_decref(rt, tmp[i]);
        return rt_raise_id(rt, CLS_ValueError, "not enough values to unpack (expected %u, got %u)", n,
                           got);
    }
    for (uint32_t i = 0; i < n; i++)
        dst[n - 1 - i] = tmp[i];
    return RT_OK;
}

static RtStatus exc_match(Vm *vm, Value exc, Value type, bool *out)
{
    Rt *rt = &vm->rt;
    if (val_is_tuple(type)) {
        Tuple *t = val_tuple(type);
        *out = false;
        for (size_t i = 0; i < t->len; i++) {
            bool m;
            if (exc_match(vm, exc, t->items[i], &m) != RT_OK)
                return RT_ERR;
            if (m) {
                *out = true;
                return RT_OK;
            }
        }
        return RT_OK;
    }
    if (!val_is_type(type, &obj_class_type) || !((Class *)type.u.o)->is_exc)
        return rt_raise_id(rt, CLS_TypeError,
                           "catching classes that do not inherit from BaseException is not allowed");
    *out = obj_isinstance(rt, exc, (Class *)type.u.o);
    return RT_OK;
}

/* Makes an exception instance from `raise X`: a class is called with no
 * arguments. New reference in *out. */
static RtStatus make_exc(Vm *vm, Value v, Value *out)
{
    Rt *rt = &vm->rt;
    if (val_is_exc(v)) {
        *out = val_incref(v);
        return RT_OK;
    }
    if (val_is_type(v, &obj_class_type) && ((Class *)v.u.o)->is_exc)
        return exc_new(rt, (Class *)v.u.o, NULL, 0, out);
    return rt_raise_id(rt, CLS_TypeError, "exceptions must derive from BaseException");
}

/* f(*a, **k): argl is the list c_starred_list built, which only the
 * stack holds: nothing the callee runs can reach it to change it. */
static RtStatus call_ex_args(Vm *vm, Value argl, Value kwd, Value **args, size_t *nargs, Tuple **kwnames,
                             size_t *asize)
{
    Rt *rt = &vm->rt;
    List *l = val_list(argl);
    size_t nkw = 0;
    if (!val_is_undef(kwd))
        nkw = val_dict(kwd)->len;
    if (!nkw) { /* the list's own items, borrowed: it stays on the stack */
        static Value none[1]; /* an empty list may have no items array */
        *args = l->len ? l->items : none;
        *nargs = l->len;
        *kwnames = NULL;
        *asize = 0;
        return RT_OK;
    }
    Value *a = mem_alloc(vm->mem, (l->len + nkw + 1) * sizeof(Value));
    if (!a)
        return rt_no_memory(rt);
    for (size_t i = 0; i < l->len; i++)
        a[i] = l->items[i];
    *kwnames = NULL;
    if (nkw) {
        Tuple *kn = tuple_new(rt, nkw);
        if (!kn) {
            mem_free(vm->mem, a, (l->len + nkw + 1) * sizeof(Value));
            return RT_ERR;
        }
        size_t pos = 0, i = 0;
        Value k, v;
        while (dict_next(val_dict(kwd), &pos, &k, &v)) {
            Str *in = rt_intern(rt, val_str(k)->data, val_str(k)->len);
            kn->items[i] = val_obj(&in->hdr);
            a[l->len + i] = v;
            i++;
        }
        *kwnames = kn;
    }
    *args = a;
    *nargs = l->len;
    *asize = (l->len + nkw + 1) * sizeof(Value);
    return RT_OK;
}

static RtStatus budget_error(Vm *vm)
{
    vm->budget_hit = true;
    double speed;
    /* The spin watch's words first: when both watches fire at once (a
     * sleep(0) loop from the start), it says more precisely what is wrong. */
    if (vm->spin_steps)
        rt_raise_id(&vm->rt, CLS_RuntimeError,
                    "endless loop: %llu task steps in a row ran without the clock advancing "
                    "(the program keeps yielding with await, e.g. asyncio.sleep(0), but never "
                    "waits for time to pass, so it never finishes)",
                    (unsigned long long)vm->spin_steps);
    else if (vm->busy_steps && vm_clock(vm, &speed) == INTERP_CLOCK_VIRTUAL)
        rt_raise_id(&vm->rt, CLS_RuntimeError,
                    "endless loop: %llu task steps ran and the program is still not done (it keeps "
                    "awaiting in a loop, e.g. asyncio.sleep(1), and the virtual clock skips every "
                    "wait at once, so it would never finish)",
                    (unsigned long long)vm->busy_steps);
    else if (vm->busy_steps)
        rt_raise_id(&vm->rt, CLS_RuntimeError,
                    "endless loop: %llu task steps ran without the event loop ever waiting for time "
                    "to pass (each sleep is over before the next step, so the program keeps the "
                    "processor busy without end)",
                    (unsigned long long)vm->busy_steps);
    else
        rt_raise_id(&vm->rt, CLS_RuntimeError,
                    "endless loop: %llu loop passes and calls ran without giving control back "
                    "(a loop with no await inside never lets the event loop or any other task run)",
                    (unsigned long long)vm->budget);
    val_decref(&vm->rt, vm->budget_exc);
    vm->budget_exc = val_incref(vm->rt.exc);
    return RT_ERR;
}

/* ------------------------------------------------------------ awaiting */

/* Starts awaiting `aw` (owned, moved into f->awaiting) in frame f. Returns:
 * 0 done at once (*out pushed value), 1 switch to *next frame (an inline
 * coroutine), 2 suspended (VM status in *st), -1 error (exception set). */
static int await_start(Vm *vm, Frame *f, Frame **next, Value *res, VmStatus *st, Future **fut);

/* A frame awaiting asyncio.sleep(d > 0) delegates its resumes to the
 * engine's sleep coroutine (coro.h) without keeping the sleep object alive:
 * f->awaiting is AWAIT_NATIVE and the Coro (two pointers, the size of a
 * Value) is kept in the stack slot the sleep object was popped from,
 * frame_stack(f)[f->sp], which the frame does not use until it is resumed.
 * 100,000 sleeping tasks hold 100,000 fewer objects. */
_Static_assert(sizeof(Coro) <= sizeof(Value), "a Coro fits a stack slot");

/* Inside a task, `await asyncio.sleep(d > 0)` (result None) needs not even
 * the engine's sleep coroutine: the task sleeps on its own timer
 * (task_sleep_until) and its next step resumes the frame with None or
 * CancelledError. f->awaiting is AWAIT_TASK_SLEEP and the task (borrowed:
 * it owns the coroutine, so it outlives the frame's await) is kept in the
 * same stack slot, for vm_frame_drop_await.
 *
 * A sleep(0) with the result None that yields inline awaits AWAIT_NONE. */

static inline bool awaits_native(const Frame *f)
{
    return f->awaiting == AWAIT_NATIVE;
}

static inline bool awaits_task_sleep(const Frame *f)
{
    return f->awaiting == AWAIT_TASK_SLEEP;
}

/* Takes what f awaits (an owned object, a marker or NULL) out of it. */
static inline Obj *await_take(Frame *f)
{
    Obj *aw = f->awaiting;
    f->awaiting = NULL;
    return aw;
}

/* Drops a reference taken by await_take (markers and NULL hold none). */
static inline void await_release(Rt *rt, Obj *aw)
{
    if (await_is_obj(aw))
        obj_decref(rt, aw);
}

static Coro native_get(Frame *f)
{
    Coro c;
    memcpy(&c, &frame_stack(f)[f->sp], sizeof c);
    return c;
}

/* Drops what f awaits (the engine coroutine of AWAIT_NATIVE too). */
void vm_frame_drop_await(Vm *vm, Frame *f)
{
    if (awaits_task_sleep(f)) {
        Task *t;
        memcpy(&t, &frame_stack(f)[f->sp], sizeof t);
        memset(&frame_stack(f)[f->sp], 0, sizeof(Value));
        f->awaiting = NULL;
        task_sleep_abandon(t);
        return;
    }
    if (awaits_native(f)) {
        f->awaiting = NULL;
        Coro c = native_get(f);
        memset(&frame_stack(f)[f->sp], 0, sizeof(Value));
        coro_drop(c);
        return;
    }
    await_release(&vm->rt, await_take(f));
}

/* Handles the outcome of a native coroutine step for frame f. */
static int nco_outcome(Vm *vm, Frame *f, CoroStatus cs, void *o, Value *res, VmStatus *st, Future **fut)
{
    Rt *rt = &vm->rt;
    switch (cs) {
    case CORO_SUSPEND:
        *fut = (Future *)o;
        *st = VM_SUSPEND;
        return 2;
    case CORO_YIELD:
        *st = VM_YIELD;
        return 2;
    case CORO_RETURN:
        *res = vm_from_host(vm, o);
        host_release(&vm->host, o);
        vm_frame_drop_await(vm, f);
        return 0;
    default: {
        Value e = vm_from_host(vm, o);
        host_release(&vm->host, o);
        if ((awaits_native(f) || (frame_awaits(f, &vm_nco_type) &&
                                  nco_kind((NcoObj *)f->awaiting) == NK_SLEEP)) &&
            obj_isinstance(rt, e, rt->cls[CLS_CancelledError]))
            vm_tb_prepend_stdlib(vm, e, VM_TB_SLEEP_649);
        vm_frame_drop_await(vm, f);
        rt_raise_value(rt, e);
        val_decref(rt, e);
        return -1;
    }
    }
}

static int future_outcome(Vm *vm, Frame *f, Future *fu, Value *res)
{
    Rt *rt = &vm->rt;
    void *err = future_take_error(fu);
    if (err) {
        Value e = vm_from_host(vm, err);
        host_release(&vm->host, err);
        await_release(rt, await_take(f));
        rt_raise_value(rt, e);
        val_decref(rt, e);
        return -1;
    }
    *res = vm_from_host(vm, future_result(fu));
    await_release(rt, await_take(f));
    return 0;
}

Coro nco_make(Vm *vm, NcoObj *n); /* mod_asyncio.c */

/* The task whose step runs f's chain, when f's chain is its coroutine's
 * (not a coroutine resumed by other C code, such as close() or wait_for's
 * inline await): only that task may sleep on its own timer for f. */
static Task *chain_task(Vm *vm, Frame *f)
{
    Task *t = vm->loop ? loop_current_task(vm->loop) : NULL;
    if (!t)
        return NULL;
    while (!f->entry && f->back)
        f = f->back;
    CoroObj *c = vm_coro_of_engine(task_coro(t));
    return c && f->body && frame_coro(f) == c ? t : NULL;
}

static int await_start(Vm *vm, Frame *f, Frame **next, Value *res, VmStatus *st, Future **fut)
{
    Rt *rt = &vm->rt;
    Obj *aw = f->awaiting; /* an object: OP_AWAIT */
    if (aw->type == &vm_coro_type) {
        CoroObj *c = (CoroObj *)aw;
        Frame *nf = coro_embedded_frame(c);
        c->state = CS_RUNNING;
        nf->back = f;
        nf->entry = false;
        nf->depth = f->depth + 1;
        if (nf->depth > vm->recursion_limit) {
            rt_raise_id(rt, CLS_RecursionError, "maximum recursion depth exceeded");
            return -1;
        }
        *next = nf;
        return 1;
    }
    if (aw->type == &vm_nco_type) {
        NcoObj *n = (NcoObj *)aw;
        if (!nco_started(n)) {
            n->hdr.flags |= NCOF_STARTED;
            if (nco_kind(n) == NK_SLEEP && n->delay_ns <= 0 && vm->loop) {
                /* sleep(0): the task's bare yield, without an engine
                 * coroutine; the resume gives n->result (coro_vt_resume).
                 * With the usual result None the frame awaits None instead
                 * of the object, which goes now: 100,000 tasks in sleep(0)
                 * hold 100,000 fewer objects. */
                if (val_is_none(n->result)) {
                    f->awaiting = AWAIT_NONE;
                    obj_decref(rt, &n->hdr);
                }
                *st = VM_YIELD;
                return 2;
            }
            Task *sleeper;
            if (nco_kind(n) == NK_SLEEP && val_is_none(n->result) && (sleeper = chain_task(vm, f)) &&
                task_sleep_until(sleeper, loop_time(vm->loop) + n->delay_ns) == 0) {
                memcpy(&frame_stack(f)[f->sp], &sleeper, sizeof sleeper);
                f->awaiting = AWAIT_TASK_SLEEP;
                obj_decref(rt, &n->hdr);
                *fut = NULL;
                *st = VM_SUSPEND;
                return 2;
            }
            n->coro = nco_make(vm, n);
            if (!coro_ok(n->coro)) {
                if (!rt_has_exc(rt))
                    rt_no_memory(rt);
                return -1;
            }
            if (nco_kind(n) == NK_SLEEP) {
                /* The engine's sleep holds the result: keep only its
                 * coroutine (AWAIT_NATIVE above). f->sp is the slot the
                 * sleep object was popped from (OP_AWAIT). */
                Coro c = n->coro;
                n->coro = (Coro){NULL, NULL};
                memcpy(&frame_stack(f)[f->sp], &c, sizeof c);
                f->awaiting = AWAIT_NATIVE;
                obj_decref(rt, &n->hdr);
                Task *task = vm->loop ? loop_current_task(vm->loop) : NULL;
                void *o = NULL;
                CoroStatus cs = coro_resume(c, task, CORO_SEND, NULL, &o);
                return nco_outcome(vm, f, cs, o, res, st, fut);
            }
        }
        Task *task = vm->loop ? loop_current_task(vm->loop) : NULL;
        void *o = NULL;
        CoroStatus cs = coro_resume(n->coro, task, CORO_SEND, NULL, &o);
        return nco_outcome(vm, f, cs, o, res, st, fut);
    }
    if (aw->type == &vm_task_type || aw->type == &vm_future_type || aw->type == &vm_gfuture_type) {
        Future *fu = ((FutObj *)aw)->f;
        if (future_done(fu))
            return future_outcome(vm, f, fu, res);
        if (vm->loop && loop_current_task(vm->loop) == task_from_future(fu)) {
            /* Format first: f->awaiting may hold the only reference to the task. */
            rt_raise_id(rt, CLS_RuntimeError, "Task cannot await on itself: %R", val_obj(aw));
            await_release(rt, await_take(f));
            return -1;
        }
        *fut = fu;
        *st = VM_SUSPEND;
        return 2;
    }
    rt_raise_id(rt, CLS_TypeError, "object %s can't be used in 'await' expression",
                obj_type_name(rt, val_obj(aw)));
    await_release(rt, await_take(f));
    return -1;
}

/* ------------------------------------------------------------ run loop */

#define SAVE() (f->pc = pc, f->sp = (uint32_t)(sp - stack))
/* The cycle collector's polling point (gc.h), at backward jumps and calls:
 * between instructions, where freeing any unreachable object is safe. */
#define GC_POLL()                                                                                  \
    do {                                                                                           \
        if (__builtin_expect(gc_due(&rt->gc, vm->mem), 0)) {                                       \
            SAVE();                                                                                \
            gc_collect(rt);                                                                        \
        }                                                                                          \
    } while (0)
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((x) != RT_OK)                                                                          \
            goto error;                                                                            \
    } while (0)

static inline bool fast_int_binop(uint32_t op, int64_t a, int64_t b, Value *out)
{
    int64_t r;
    switch (op) {
    case BINOP_ADD:
        if (__builtin_add_overflow(a, b, &r))
            return false;
        break;
    case BINOP_SUB:
        if (__builtin_sub_overflow(a, b, &r))
            return false;
        break;
    case BINOP_MUL:
        if (__builtin_mul_overflow(a, b, &r))
            return false;
        break;
    case BINOP_FLOORDIV:
        if (b == 0 || (a == INT64_MIN && b == -1))
            return false;
        r = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0)))
            r--;
        break;
    case BINOP_MOD:
        if (b == 0 || b == -1)
            return false;
        r = a % b;
        if (r != 0 && ((r < 0) != (b < 0)))
            r += b;
        break;
    default: return false;
    }
    *out = val_int(r);
    return true;
}

static inline bool fast_cmp(uint32_t op, Value a, Value b, bool *out)
{
    double x, y;
    if (a.tag == VAL_INT && b.tag == VAL_INT) {
        int64_t i = a.u.i, j = b.u.i;
        switch (op) {
        case COMPARE_LT: *out = i < j; return true;
        case COMPARE_LE: *out = i <= j; return true;
        case COMPARE_EQ: *out = i == j; return true;
        case COMPARE_NE: *out = i != j; return true;
        case COMPARE_GT: *out = i > j; return true;
        case COMPARE_GE: *out = i >= j; return true;
        default: return false;
        }
    }
    if (a.tag == VAL_FLOAT && b.tag == VAL_FLOAT) {
        x = a.u.f;
        y = b.u.f;
    } else if (a.tag == VAL_FLOAT && b.tag == VAL_INT) {
        x = a.u.f;
        y = (double)b.u.i;
        if (b.u.i > (1LL << 53) || b.u.i < -(1LL << 53))
            return false;
    } else if (a.tag == VAL_INT && b.tag == VAL_FLOAT) {
        x = (double)a.u.i;
        y = b.u.f;
        if (a.u.i > (1LL << 53) || a.u.i < -(1LL << 53))
            return false;
    } else {
        return false;
    }
    switch (op) {
    case COMPARE_LT: *out = x < y; return true;
    case COMPARE_LE: *out = x <= y; return true;
    case COMPARE_EQ: *out = x == y; return true;
    case COMPARE_NE: *out = x != y; return true;
    case COMPARE_GT: *out = x > y; return true;
    case COMPARE_GE: *out = x >= y; return true;
    default: return false;
    }
}

VmStatus vm_exec(Vm *vm, Frame *f, bool throw, Value *out, Future **fut)
{
    Rt *rt = &vm->rt;
    Dict *const globals = vm->globals; /* every frame's (vm_frame_new) */
    Frame *caller_frame = vm->frame;
    VmStatus result = VM_ERROR;
    bool reraise = false;
    Code *co;
    const Instr *ins;
    Value *slots, *stack, *sp;
    uint32_t pc;
    if (vm->c_depth == 0)
        vm->c_stack_top = (uintptr_t)__builtin_frame_address(0);
    vm->c_depth++;

load:
    vm->frame = f;
    co = f->code;
    ins = co->ins;
    slots = f->slots;
    stack = slots + co->nlocals + co->ncells + co->nfree; /* frame_stack(f) */
    sp = stack + f->sp;
    pc = f->pc;
    if (throw) {
        throw = false;
        goto error;
    }

    for (;;) {
        Instr in = ins[pc++];
        uint32_t arg = OP_ARG(in);
        switch (OP_CODE(in)) {
        case OP_NOP: break;
        case OP_POP_TOP: {
            Value v = POP();
            val_decref(rt, v);
            break;
        }
        case OP_DUP_TOP: {
            Value v = TOP();
            PUSH(val_incref(v));
            break;
        }
        case OP_DUP_TOP_TWO: {
            Value a = sp[-2], b = sp[-1];
            PUSH(val_incref(a));
            PUSH(val_incref(b));
            break;
        }
        case OP_ROT_TWO: {
            Value t = sp[-1];
            sp[-1] = sp[-2];
            sp[-2] = t;
            break;
        }
        case OP_ROT_THREE: {
            Value t = sp[-1];
            sp[-1] = sp[-2];
            sp[-2] = sp[-3];
            sp[-3] = t;
            break;
        }
        case OP_LOAD_CONST: PUSH(val_incref(co->consts[arg])); break;
        case OP_LOAD_NONE: PUSH(VAL_NONE_V); break;
        case OP_LOAD_FAST: {
            Value v = slots[arg];
            if (v.tag == VAL_UNDEF) {
                SAVE();
                rt_raise_id(rt, CLS_UnboundLocalError,
                            "cannot access local variable '%s' where it is not associated with a value",
                            co->localnames[arg]->data);
                goto error;
            }
            PUSH(val_incref(v));
            break;
        }
        case OP_STORE_FAST: {
            Value old = slots[arg];
            slots[arg] = POP();
            SAVE();
            val_decref(rt, old);
            break;
        }
        case OP_DELETE_FAST: {
            Value old = slots[arg];
            SAVE();
            if (old.tag == VAL_UNDEF) {
                rt_raise_id(rt, CLS_UnboundLocalError,
                            "cannot access local variable '%s' where it is not associated with a value",
                            co->localnames[arg]->data);
                goto error;
            }
            slots[arg] = VAL_UNDEF_V;
            val_decref(rt, old);
            break;
        }
        case OP_LOAD_DEREF: case OP_LOAD_CLOSURE: {
            Value cv = slots[co->nlocals + arg];
            if (OP_CODE(in) == OP_LOAD_CLOSURE) {
                PUSH(val_incref(cv));
                break;
            }
            Value v = ((Cell *)cv.u.o)->v;
            if (v.tag == VAL_UNDEF) {
                SAVE();
                if ((int)arg < co->ncells)
                    rt_raise_id(rt, CLS_UnboundLocalError,
                                "cannot access local variable '%s' where it is not associated with a value",
                                co->cellnames[arg]->data);
                else
                    rt_raise_id(rt, CLS_NameError,
                                "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
                                co->cellnames[arg]->data);
                goto error;
            }
            PUSH(val_incref(v));
            break;
        }
        case OP_STORE_DEREF: {
            Cell *c = (Cell *)slots[co->nlocals + arg].u.o;
            Value old = c->v;
            c->v = POP();
            SAVE();
            val_decref(rt, old);
            break;
        }
        case OP_DELETE_DEREF: {
            Cell *c = (Cell *)slots[co->nlocals + arg].u.o;
            Value old = c->v;
            c->v = VAL_UNDEF_V;
            SAVE();
            val_decref(rt, old);
            break;
        }
        case OP_LOAD_GLOBAL: {
            Str *name = co->names[arg];
            Value v = dict_get_str(globals, name);
            if (v.tag == VAL_UNDEF)
                v = dict_get_str(vm->builtins, name);
            if (v.tag == VAL_UNDEF) {
                SAVE();
                name_error(vm, f, name);
                goto error;
            }
            PUSH(val_incref(v));
            break;
        }
        case OP_STORE_GLOBAL: {
            Value v = POP();
            SAVE();
            RtStatus st = dict_set(rt, globals, val_obj(&co->names[arg]->hdr), v);
            val_decref(rt, v);
            CHECK(st);
            break;
        }
        case OP_DELETE_GLOBAL: {
            bool found;
            SAVE();
            CHECK(dict_del(rt, globals, val_obj(&co->names[arg]->hdr), &found));
            if (!found) {
                name_error(vm, f, co->names[arg]);
                goto error;
            }
            break;
        }
        case OP_LOAD_ATTR: {
            Value o = TOP(), v;
            SAVE();
            if (obj_getattr(rt, o, co->names[arg], &v) != RT_OK) {
                attr_suggest(vm, o, co->names[arg]);
                goto error;
            }
            sp[-1] = v;
            val_decref(rt, o);
            break;
        }
        case OP_CHECK_METHOD:
            SAVE();
            if (obj_check_method(rt, TOP(), co->names[arg]) != RT_OK) {
                attr_suggest(vm, TOP(), co->names[arg]);
                goto error;
            }
            break;
        case OP_STORE_ATTR: {
            Value o = sp[-1], v = sp[-2];
            sp -= 2;
            SAVE();
            RtStatus st = obj_setattr(rt, o, co->names[arg], v);
            val_decref(rt, o);
            val_decref(rt, v);
            CHECK(st);
            break;
        }
        case OP_BINARY_SUBSCR: {
            Value c = sp[-2], k = sp[-1], v;
            SAVE();
            if (val_is_list(c) && k.tag == VAL_INT) {
                List *l = val_list(c);
                int64_t i = k.u.i;
                if (i < 0)
                    i += (int64_t)l->len;
                if (i >= 0 && (uint64_t)i < l->len) {
                    v = val_incref(l->items[i]);
                    sp -= 2;
                    PUSH(v);
                    val_decref(rt, c);
                    break;
                }
            }
            CHECK(obj_getitem(rt, c, k, &v));
            sp -= 2;
            PUSH(v);
            SAVE();
            val_decref(rt, c);
            val_decref(rt, k);
            break;
        }
        case OP_STORE_SUBSCR: {
            Value k = sp[-1], c = sp[-2], v = sp[-3];
            SAVE();
            CHECK(obj_setitem(rt, c, k, v));
            sp -= 3;
            SAVE();
            val_decref(rt, k);
            val_decref(rt, c);
            val_decref(rt, v);
            break;
        }
        case OP_DELETE_SUBSCR: {
            Value k = sp[-1], c = sp[-2];
            SAVE();
            CHECK(obj_delitem(rt, c, k));
            sp -= 2;
            SAVE();
            val_decref(rt, k);
            val_decref(rt, c);
            break;
        }
        case OP_BUILD_SLICE: {
            Value v;
            SAVE();
            CHECK(slice_new(rt, sp[-3], sp[-2], sp[-1], &v));
            for (int i = 1; i <= 3; i++)
                val_decref(rt, sp[-i]);
            sp -= 3;
            PUSH(v);
            break;
        }
        case OP_BINARY_OP: {
            Value a = sp[-2], b = sp[-1], v;
            uint32_t op = arg & 0xff;
            if (a.tag == VAL_INT && b.tag == VAL_INT && fast_int_binop(op, a.u.i, b.u.i, &v)) {
                sp[-2] = v;
                sp--;
                break;
            }
            if (a.tag == VAL_FLOAT && b.tag == VAL_FLOAT && op <= BINOP_TRUEDIV) {
                double x = a.u.f, y = b.u.f;
                if (op == BINOP_ADD) { sp[-2] = val_float(x + y); sp--; break; }
                if (op == BINOP_SUB) { sp[-2] = val_float(x - y); sp--; break; }
                if (op == BINOP_MUL) { sp[-2] = val_float(x * y); sp--; break; }
                if (op == BINOP_TRUEDIV && y != 0.0) { sp[-2] = val_float(x / y); sp--; break; }
            }
            SAVE();
            if (arg & BINOP_INPLACE)
                CHECK(obj_inplace(rt, (BinOp)op, a, b, &v));
            else
                CHECK(obj_binop(rt, (BinOp)op, a, b, &v));
            sp -= 2;
            PUSH(v);
            SAVE();
            val_decref(rt, a);
            val_decref(rt, b);
            break;
        }
        case OP_UNARY_NEG: case OP_UNARY_POS: {
            Value a = TOP(), v;
            if (a.tag == VAL_INT && OP_CODE(in) == OP_UNARY_NEG && a.u.i != INT64_MIN) {
                sp[-1] = val_int(-a.u.i);
                break;
            }
            SAVE();
            CHECK(obj_unop(rt, OP_CODE(in) == OP_UNARY_NEG ? UNOP_NEG : UNOP_POS, a, &v));
            sp[-1] = v;
            val_decref(rt, a);
            break;
        }
        case OP_UNARY_NOT: {
            Value a = TOP();
            bool known, t = val_truthy_fast(a, &known);
            if (!known) {
                SAVE();
                CHECK(obj_truthy(rt, a, &t));
            }
            sp[-1] = val_bool(!t);
            val_decref(rt, a);
            break;
        }
        case OP_COMPARE_OP: {
            Value a = sp[-2], b = sp[-1];
            bool r;
            if (fast_cmp(arg, a, b, &r)) {
                sp[-2] = val_bool(r);
                sp--;
                break;
            }
            SAVE();
            switch (arg) {
            case COMPARE_IS: r = val_is(a, b); break;
            case COMPARE_IS_NOT: r = !val_is(a, b); break;
            case COMPARE_IN: CHECK(obj_contains(rt, b, a, &r)); break;
            case COMPARE_NOT_IN:
                CHECK(obj_contains(rt, b, a, &r));
                r = !r;
                break;
            default: CHECK(obj_compare(rt, (CmpOp)arg, a, b, &r)); break;
            }
            sp -= 2;
            PUSH(val_bool(r));
            SAVE();
            val_decref(rt, a);
            val_decref(rt, b);
            break;
        }
        case OP_JUMP:
            if (arg < pc) {
                if (++vm->ticks > vm->budget) {
                    SAVE();
                    budget_error(vm);
                    goto error;
                }
                GC_POLL();
            }
            pc = arg;
            break;
        case OP_POP_JUMP_IF_FALSE: case OP_POP_JUMP_IF_TRUE: {
            Value v = POP();
            bool known, t = val_truthy_fast(v, &known);
            if (!known) {
                SAVE();
                RtStatus st = obj_truthy(rt, v, &t);
                val_decref(rt, v);
                CHECK(st);
            }
            if (t == (OP_CODE(in) == OP_POP_JUMP_IF_TRUE)) {
                if (arg < pc) {
                    if (++vm->ticks > vm->budget) {
                        SAVE();
                        budget_error(vm);
                        goto error;
                    }
                    GC_POLL();
                }
                pc = arg;
            }
            break;
        }
        case OP_JUMP_IF_FALSE_OR_POP: case OP_JUMP_IF_TRUE_OR_POP: {
            Value v = TOP();
            bool known, t = val_truthy_fast(v, &known);
            if (!known) {
                SAVE();
                CHECK(obj_truthy(rt, v, &t));
            }
            if (t == (OP_CODE(in) == OP_JUMP_IF_TRUE_OR_POP)) {
                pc = arg;
            } else {
                sp--;
                val_decref(rt, v);
            }
            break;
        }
        case OP_GET_ITER: {
            Value v = TOP(), it;
            SAVE();
            CHECK(obj_iter(rt, v, &it));
            sp[-1] = it;
            val_decref(rt, v);
            break;
        }
        case OP_FOR_ITER: {
            Value it = TOP(), v;
            SAVE();
            RtStatus st = obj_next(rt, it, &v);
            if (st == RT_OK) {
                PUSH(v);
            } else if (st == RT_STOP) {
                sp--;
                val_decref(rt, it);
                pc = arg;
            } else {
                goto error;
            }
            break;
        }
        case OP_BUILD_LIST: {
            List *l = list_new(rt, arg);
            SAVE();
            if (!l)
                goto error;
            sp -= arg;
            for (uint32_t i = 0; i < arg; i++)
                l->items[i] = sp[i];
            l->len = arg;
            PUSH(val_obj(&l->hdr));
            break;
        }
        case OP_BUILD_TUPLE: {
            Tuple *t = tuple_new(rt, arg);
            SAVE();
            if (!t)
                goto error;
            sp -= arg;
            for (uint32_t i = 0; i < arg; i++)
                t->items[i] = sp[i];
            PUSH(val_obj(&t->hdr));
            break;
        }
        case OP_BUILD_DICT: {
            Dict *d = dict_new(rt);
            SAVE();
            if (!d)
                goto error;
            Value *base = sp - 2 * arg;
            RtStatus st = RT_OK;
            for (uint32_t i = 0; i < arg && st == RT_OK; i++)
                st = dict_set(rt, d, base[2 * i], base[2 * i + 1]);
            for (uint32_t i = 0; i < 2 * arg; i++)
                val_decref(rt, base[i]);
            sp = base;
            PUSH(val_obj(&d->hdr));
            SAVE();
            CHECK(st);
            break;
        }
        case OP_LIST_APPEND: {
            Value v = POP();
            SAVE();
            RtStatus st = list_append_take(rt, val_list(sp[-(int)arg]), v);
            CHECK(st);
            break;
        }
        case OP_DICT_SET: {
            Value v = POP(), k = POP();
            SAVE();
            RtStatus st = dict_set(rt, val_dict(sp[-((int)arg - 1)]), k, v);
            val_decref(rt, k);
            val_decref(rt, v);
            CHECK(st);
            break;
        }
        case OP_LIST_EXTEND: {
            Value v = POP();
            SAVE();
            List *into = val_list(sp[-(int)arg]);
            if (val_is_list(v) && v.u.o->rc == 1 && into->len == 0) {
                /* f(*[x for ...]): the list only the stack holds gives its
                 * items to the empty one (spawn.py: 100,000 coroutines not
                 * copied twice) */
                List *src = val_list(v);
                size_t len = into->len, cap = into->cap;
                Value *items = into->items;
                into->len = src->len, into->cap = src->cap, into->items = src->items;
                src->len = len, src->cap = cap, src->items = items;
                val_decref(rt, v);
                break;
            }
            Value tmp;
            RtStatus st = obj_to_list(rt, v, &tmp);
            if (st == RT_OK) {
                List *src = val_list(tmp), *dst = val_list(sp[-(int)arg]);
                for (size_t i = 0; i < src->len && st == RT_OK; i++)
                    st = list_append(rt, dst, src->items[i]);
                val_decref(rt, tmp);
            } else if (rt_exc_matches(rt, rt->cls[CLS_TypeError])) {
                rt_clear_exc(rt);
                rt_raise_id(rt, CLS_TypeError, "Value after * must be an iterable, not %s",
                            obj_type_name(rt, v));
            }
            val_decref(rt, v);
            CHECK(st);
            break;
        }
        case OP_LIST_TO_TUPLE: {
            List *l = val_list(TOP());
            SAVE();
            Tuple *t;
            if (l->hdr.rc == 1) {
                /* only the stack holds the list: its references move */
                t = tuple_new(rt, l->len);
                if (!t)
                    goto error;
                if (l->len) /* an empty list may have no items array */
                    memcpy(t->items, l->items, l->len * sizeof(Value));
                l->len = 0;
            } else {
                t = tuple_from(rt, l->items, l->len);
            }
            if (!t)
                goto error;
            val_decref(rt, TOP());
            sp[-1] = val_obj(&t->hdr);
            break;
        }
        case OP_UNPACK_SEQUENCE: {
            Value s = POP();
            SAVE();
            RtStatus st = unpack(vm, s, arg, sp);
            if (st != RT_OK) {
                val_decref(rt, s);
                goto error;
            }
            sp += arg;
            SAVE();
            val_decref(rt, s);
            break;
        }
        case OP_FORMAT_VALUE: {
            Value spec = VAL_UNDEF_V;
            if (arg & FMT_SPEC)
                spec = POP();
            Value v = TOP(), conv = VAL_UNDEF_V, res;
            SAVE();
            RtStatus st = RT_OK;
            if ((arg & FMT_CONV_MASK) == FMT_REPR)
                st = obj_repr(rt, v, &conv);
            else if ((arg & FMT_CONV_MASK) == FMT_STR)
                st = obj_str(rt, v, &conv);
            if (st == RT_OK) {
                Value src = val_is_undef(conv) ? v : conv;
                if (val_is_undef(spec) && val_is_str(src))
                    res = val_incref(src);
                else if (val_is_undef(spec))
                    st = obj_format(rt, src, "", 0, &res);
                else
                    st = obj_format(rt, src, val_str(spec)->data, val_str(spec)->len, &res);
            }
            val_decref(rt, conv);
            val_decref(rt, spec);
            CHECK(st);
            sp[-1] = res;
            val_decref(rt, v);
            break;
        }
        case OP_BUILD_STRING: {
            StrBuf sb;
            sb_init(&sb, rt);
            for (uint32_t i = arg; i > 0; i--) {
                Str *s = val_str(sp[-(int)i]);
                sb_put(&sb, s->data, s->len);
            }
            Value res;
            SAVE();
            RtStatus st = sb_finish(&sb, &res);
            CHECK(st);
            for (uint32_t i = 0; i < arg; i++)
                val_decref(rt, POP());
            PUSH(res);
            break;
        }
        case OP_CALL: case OP_CALL_KW: case OP_CALL_EX: case OP_CALL_METHOD: case OP_CALL_METHOD_KW: {
            Opcode op = OP_CODE(in);
            Tuple *kwnames = NULL;
            Value *args;
            size_t nargs;
            Value callee;
            Value *base; /* first stack slot to pop */
            Value *exargs = NULL;
            size_t exsize = 0;
            Str *mname = NULL;
            if (op == OP_CALL_METHOD || op == OP_CALL_METHOD_KW) {
                size_t total = arg & 0xff;
                mname = co->names[arg >> 8];
                if (op == OP_CALL_METHOD_KW) {
                    kwnames = val_tuple(sp[-1]);
                    args = sp - 1 - total;
                    nargs = total - kwnames->len;
                } else {
                    args = sp - total;
                    nargs = total;
                }
                callee = args[-1];
                base = args - 1;
            } else if (op == OP_CALL_EX) {
                Value kwd = VAL_UNDEF_V;
                Value *top = sp;
                if (arg & 1)
                    kwd = *--top;
                Value argl = top[-1];
                callee = top[-2];
                base = top - 2;
                SAVE();
                CHECK(call_ex_args(vm, argl, kwd, &args, &nargs, &kwnames, &exsize));
                if (exsize) /* allocated (keywords); else the list's items */
                    exargs = args;
            } else {
                size_t total = arg;
                if (op == OP_CALL_KW) {
                    kwnames = val_tuple(sp[-1]);
                    args = sp - 1 - total;
                    nargs = total - kwnames->len;
                } else {
                    args = sp - total;
                    nargs = total;
                }
                callee = args[-1];
                base = args - 1;
            }
            if (++vm->ticks > vm->budget) {
                SAVE();
                if (exargs) {
                    if (kwnames)
                        obj_decref(rt, &kwnames->hdr);
                    mem_free(vm->mem, exargs, exsize);
                }
                budget_error(vm);
                goto error;
            }
            GC_POLL();
            SAVE();
            if (!mname && val_is_type(callee, &vm_function_type) &&
                !(((Function *)callee.u.o)->code->flags & CODE_COROUTINE)) {
                /* A lesson function: push its frame and continue there. */
                Function *fn = (Function *)callee.u.o;
                Frame *nf = frame_for_call(vm, fn, args, nargs, kwnames);
                if (exargs) {
                    if (kwnames && op == OP_CALL_EX)
                        obj_decref(rt, &kwnames->hdr);
                    mem_free(vm->mem, exargs, exsize);
                }
                if (!nf)
                    goto error;
                nf->depth = f->depth + 1;
                if (nf->depth > vm->recursion_limit) {
                    vm_frame_free(vm, nf);
                    rt_raise_id(rt, CLS_RecursionError, "maximum recursion depth exceeded");
                    goto error;
                }
                for (Value *p = sp; p > base;)
                    val_decref(rt, *--p);
                sp = base;
                SAVE();
                nf->back = f;
                f = nf;
                goto load;
            }
            Value res;
            RtStatus st;
            if (mname)
                st = obj_call_method(rt, callee, mname, args, nargs, kwnames, &res);
            else
                st = vm_call(vm, callee, args, nargs, kwnames, &res);
            if (exargs) {
                if (kwnames && op == OP_CALL_EX)
                    obj_decref(rt, &kwnames->hdr);
                mem_free(vm->mem, exargs, exsize);
            }
            vm->frame = f;
            if (st != RT_OK) {
                if (mname)
                    note_method_missing(vm, callee, mname);
                goto error;
            }
            for (Value *p = sp; p > base;)
                val_decref(rt, *--p);
            sp = base;
            PUSH(res);
            SAVE();
            if (!val_is_undef(vm->run_request) && vm->c_depth == 1) {
                vm->suspended = f;
                result = VM_HOST_RUN;
                goto leave;
            }
            break;
        }
        case OP_MAKE_FUNCTION: {
            Code *code = co->codes[arg >> 3];
            Function *fn = (Function *)obj_alloc(rt, &vm_function_type, sizeof(Function));
            SAVE();
            if (!fn)
                goto error;
            fn->code = code;
            fn->globals = globals;
            obj_incref(&globals->hdr);
            if (arg & MKFN_CLOSURE)
                fn->closure = val_tuple(POP());
            if (arg & MKFN_KWDEFAULTS)
                fn->kwdefaults = val_dict(POP());
            if (arg & MKFN_DEFAULTS)
                fn->defaults = val_tuple(POP());
            PUSH(val_obj(&fn->hdr));
            break;
        }
        case OP_RETURN_VALUE: {
            Value v = POP();
            SAVE();
            if (f->entry) {
                *out = v;
                result = VM_RETURN;
                goto leave;
            }
            Frame *back = f->back;
            vm->frame = back;
            if (f->body) {
                CoroObj *c = frame_coro(f);
                c->state = CS_DONE;
                c->has_frame = false;
                vm_frame_free(vm, f);
                /* Drops the coroutine object the awaiter held. */
                await_release(rt, await_take(back));
            } else {
                vm_frame_free(vm, f);
            }
            f = back;
            frame_stack(f)[f->sp++] = v;
            goto load;
        }
        case OP_GET_AWAITABLE: {
            Value v = TOP();
            if (val_is_type(v, &vm_coro_type)) {
                CoroObj *c = (CoroObj *)v.u.o;
                if (c->state != CS_CREATED) {
                    SAVE();
                    /* CPython 3.11's three cases (genobject.c): finished; its
                     * frame is running now (it awaits itself, maybe through
                     * others); or suspended in an await of its own. */
                    bool executing = false;
                    for (Frame *x = f; x && c->state != CS_DONE; x = x->back)
                        if (x == coro_frame(c)) {
                            executing = true;
                            break;
                        }
                    if (c->state == CS_DONE)
                        rt_raise_id(rt, CLS_RuntimeError, "cannot reuse already awaited coroutine");
                    else if (executing)
                        rt_raise_id(rt, CLS_ValueError, "coroutine already executing");
                    else
                        rt_raise_id(rt, CLS_RuntimeError, "coroutine is being awaited already");
                    goto error;
                }
            } else if (val_is_type(v, &vm_nco_type)) {
                if (nco_started((NcoObj *)v.u.o)) {
                    SAVE();
                    rt_raise_id(rt, CLS_RuntimeError, "cannot reuse already awaited coroutine");
                    goto error;
                }
            } else if (!val_is_type(v, &vm_task_type) && !val_is_type(v, &vm_future_type) &&
                       !val_is_type(v, &vm_gfuture_type)) {
                SAVE();
                rt_raise_id(rt, CLS_TypeError, "object %s can't be used in 'await' expression",
                            obj_type_name(rt, v));
                goto error;
            }
            break;
        }
        case OP_AWAIT: {
            Value awv = POP();
            SAVE();
            if (awv.tag != VAL_OBJ) { /* GET_AWAITABLE let only objects through */
                rt_raise_id(rt, CLS_TypeError, "object %s can't be used in 'await' expression",
                            obj_type_name(rt, awv));
                goto error;
            }
            f->awaiting = awv.u.o;
            Frame *next = NULL;
            Value res;
            VmStatus st;
            int r = await_start(vm, f, &next, &res, &st, fut);
            if (r < 0) {
                await_release(rt, await_take(f));
                goto error;
            }
            if (r == 0) {
                PUSH(res);
                break;
            }
            if (r == 1) {
                f = next;
                goto load;
            }
            result = st;
            vm->suspended = f;
            goto leave;
        }
        case OP_RAISE: {
            SAVE();
            if (arg == 0) {
                Value h = handled_exc(f);
                if (val_is_undef(h)) {
                    rt_raise_id(rt, CLS_RuntimeError, "No active exception to reraise");
                    goto error;
                }
                rt_raise_value(rt, h);
                reraise = true;
                goto error;
            }
            Value cause = VAL_UNDEF_V;
            if (arg == 2)
                cause = POP();
            Value ev = POP();
            SAVE();
            Value exc;
            RtStatus st = make_exc(vm, ev, &exc);
            val_decref(rt, ev);
            if (st != RT_OK) {
                val_decref(rt, cause);
                goto error;
            }
            if (arg == 2) {
                Value cexc = VAL_NONE_V;
                if (!val_is_none(cause)) {
                    st = make_exc(vm, cause, &cexc);
                    if (st != RT_OK) {
                        rt_clear_exc(rt);
                        rt_raise_id(rt, CLS_TypeError,
                                    "exception causes must derive from BaseException");
                        val_decref(rt, cause);
                        val_decref(rt, exc);
                        goto error;
                    }
                }
                val_decref(rt, cause);
                Exc *e = (Exc *)exc.u.o;
                val_decref(rt, e->cause);
                e->cause = cexc;
                e->suppress_context = true;
            }
            rt_raise_value(rt, exc);
            val_decref(rt, exc);
            goto error;
        }
        case OP_RERAISE: {
            Value e = POP();
            SAVE();
            rt_raise_value(rt, e);
            val_decref(rt, e);
            reraise = true;
            goto error;
        }
        case OP_PUSH_EXC_INFO: {
            Value e = TOP(); /* the handler's exception */
            Value prev = f->exc ? val_obj(f->exc) : VAL_UNDEF_V;
            f->exc = e.tag == VAL_OBJ ? val_incref(e).u.o : NULL;
            sp[-1] = prev;
            PUSH(e);
            break;
        }
        case OP_POP_EXCEPT: {
            Value prev = POP();
            Obj *cur = f->exc;
            f->exc = prev.tag == VAL_OBJ ? prev.u.o : NULL;
            SAVE();
            if (cur)
                obj_decref(rt, cur);
            break;
        }
        case OP_POP_EXCEPT_RERAISE: {
            Value e = POP();
            Value prev = POP();
            Obj *cur = f->exc;
            f->exc = prev.tag == VAL_OBJ ? prev.u.o : NULL;
            SAVE();
            if (cur)
                obj_decref(rt, cur);
            rt_raise_value(rt, e);
            val_decref(rt, e);
            reraise = true;
            goto error;
        }
        case OP_CHECK_EXC_MATCH: {
            Value type = POP();
            bool m;
            SAVE();
            RtStatus st = exc_match(vm, TOP(), type, &m);
            val_decref(rt, type);
            CHECK(st);
            PUSH(val_bool(m));
            break;
        }
        case OP_ASSERT_FAIL: {
            SAVE();
            Value exc;
            if (arg) {
                Value msg = POP();
                SAVE();
                RtStatus st = exc_new(rt, rt->cls[CLS_AssertionError], &msg, 1, &exc);
                val_decref(rt, msg);
                CHECK(st);
            } else {
                CHECK(exc_new(rt, rt->cls[CLS_AssertionError], NULL, 0, &exc));
            }
            rt_raise_value(rt, exc);
            val_decref(rt, exc);
            goto error;
        }
        case OP_IMPORT_NAME: {
            Value m;
            SAVE();
            CHECK(vm_import(vm, co->names[arg], &m));
            PUSH(m);
            break;
        }
        case OP_IMPORT_FROM: {
            Value m = TOP(), v;
            SAVE();
            if (obj_getattr(rt, m, co->names[arg], &v) != RT_OK) {
                rt_clear_exc(rt);
                const char *mn = val_is_type(m, &obj_module_type) ? ((Module *)m.u.o)->name->data : "?";
                rt_raise_id(rt, CLS_ImportError, "cannot import name '%s' from '%s' (unknown location)",
                            co->names[arg]->data, mn);
                goto error;
            }
            PUSH(v);
            break;
        }
        case OP_BEFORE_ASYNC_WITH: {
            Value mgr = TOP(), exit, enter;
            SAVE();
            Str *aexit = rt_intern_cstr(rt, "__aexit__"), *aenter = rt_intern_cstr(rt, "__aenter__");
            if (!aexit || !aenter)
                goto error;
            if (obj_getattr(rt, mgr, aexit, &exit) != RT_OK) {
                rt_clear_exc(rt);
                rt_raise_id(rt, CLS_TypeError,
                            "'%s' object does not support the asynchronous context manager protocol",
                            obj_type_name(rt, mgr));
                goto error;
            }
            if (obj_call_method(rt, mgr, aenter, NULL, 0, NULL, &enter) != RT_OK) {
                val_decref(rt, exit);
                goto error;
            }
            sp[-1] = exit;
            PUSH(enter);
            SAVE();
            val_decref(rt, mgr);
            break;
        }
        case OP_ASYNC_WITH_EXIT: {
            Value exit, args[3], res;
            SAVE();
            if (arg == 0) {
                exit = sp[-1];
                args[0] = args[1] = args[2] = VAL_NONE_V;
            } else {
                exit = sp[-3];
                Value e = sp[-1];
                args[0] = val_obj(&((Exc *)e.u.o)->cls->hdr);
                args[1] = e;
                args[2] = ((Exc *)e.u.o)->traceback;
                if (val_is_undef(args[2]))
                    args[2] = VAL_NONE_V;
            }
            CHECK(obj_call(rt, exit, args, 3, NULL, &res));
            PUSH(res);
            break;
        }
        default:
            SAVE();
            rt_raise_id(rt, CLS_RuntimeError, "internal error: bad opcode %u", (unsigned)OP_CODE(in));
            goto error;
        }
        continue;

    error:
        /* rt->exc is set; pc is the instruction after the failing one. */
        SAVE();
        if (!reraise) {
            vm_set_exc_context(vm, f);
            if (add_traceback(vm, f, f->pc ? f->pc - 1 : 0) != RT_OK)
                rt_no_memory(rt);
        }
        reraise = false;
        if (!vm->budget_hit && !vm->interrupted) {
            uint32_t at = f->pc ? f->pc - 1 : 0;
            const CodeExc *h = NULL;
            for (uint32_t i = 0; i < co->nexc; i++)
                if (at >= co->exc[i].start && at < co->exc[i].end) {
                    h = &co->exc[i];
                    break;
                }
            if (h) {
                Value *want = frame_stack(f) + h->depth;
                for (Value *p = frame_stack(f) + f->sp; p > want;)
                    val_decref(rt, *--p);
                f->sp = h->depth;
                frame_stack(f)[f->sp++] = rt_fetch_exc(rt);
                f->pc = h->handler;
                goto load;
            }
        }
        /* No handler here: leave the frame, its locals kept by the exception.
         * Its value stack goes first, while it is still the current frame,
         * as CPython's unwinding pops it: what it held warns at this line
         * (`await work()()`). Not for a frame in an await (vm_frame_drop_await
         * finds the awaited object by f->sp). */
        if (!f->awaiting && f->sp) {
            Value exc = rt_fetch_exc(rt);
            for (Value *p = frame_stack(f) + f->sp; p > frame_stack(f);)
                val_decref(rt, *--p);
            f->sp = 0;
            rt_clear_exc(rt);
            rt->exc = exc;
        }
        keep_frame_locals(vm, f);
        if (f->entry) {
            result = VM_ERROR;
            goto leave;
        }
        {
            Frame *back = f->back;
            vm->frame = back;
            if (f->body) {
                CoroObj *c = frame_coro(f);
                c->state = CS_DONE;
                c->has_frame = false;
                /* Keep the exception pending while freeing. */
                Value exc = rt_fetch_exc(rt);
                vm_frame_free(vm, f);
                await_release(rt, await_take(back));
                rt->exc = exc;
            } else {
                Value exc = rt_fetch_exc(rt);
                vm_frame_free(vm, f);
                rt->exc = exc;
            }
            f = back;
            co = f->code;
            slots = f->slots;
            stack = slots + co->nlocals + co->ncells + co->nfree;
            sp = stack + f->sp;
            pc = f->pc;
            ins = co->ins;
            vm->frame = f;
            goto error;
        }
    }

leave:
    vm->c_depth--;
    vm->frame = caller_frame;
    return result;
}

/* ------------------------------------------------------------ engine glue */

/* The frame that the resume continues in, for a coroutine chain. */
static CoroStatus coro_vt_resume(void *self, Task *task, CoroIn how, void *in, void **out)
{
    CoroObj *c = self;
    Vm *vm = coro_vm(c);
    Rt *rt = &vm->rt;
    (void)task;
    if (c->state == CS_DONE) {
        rt_raise_id(rt, CLS_RuntimeError, "cannot reuse already awaited coroutine");
        *out = vm_to_host(vm, rt->exc);
        rt_clear_exc(rt);
        return CORO_RAISE;
    }
    vm->ticks = 0;
    Frame *f;
    bool throw = false;
    if (c->state == CS_CREATED) {
        c->state = CS_RUNNING;
        if (how == CORO_THROW) {
            c->state = CS_DONE;
            if (c->has_frame) {
                c->has_frame = false;
                vm_frame_free(vm, coro_embedded_frame(c));
            }
            host_retain(&vm->host, in);
            *out = in;
            return CORO_RAISE;
        }
        f = coro_embedded_frame(c);
        f->entry = true;
        f->depth = 1;
    } else {
        c->state = CS_RUNNING;
        f = coro_inner(c);
        Obj *aw = f->awaiting;
        Value res = VAL_UNDEF_V;
        if (awaits_native(f) || (frame_awaits(f, &vm_nco_type) && coro_ok(((NcoObj *)aw)->coro))) {
            void *o = NULL;
            Coro nc = awaits_native(f) ? native_get(f) : ((NcoObj *)aw)->coro;
            CoroStatus cs = coro_resume(nc, task, how, in, &o);
            VmStatus st;
            Future *fu = NULL;
            int r = nco_outcome(vm, f, cs, o, &res, &st, &fu);
            if (r == 2) {
                c->state = CS_SUSPENDED;
                *out = fu;
                return st == VM_YIELD ? CORO_YIELD : CORO_SUSPEND;
            }
            if (r < 0)
                throw = true;
        } else {
            /* A native coroutine object without an engine coroutine, or
             * None, is a sleep(0) that yielded inline (await_start). */
            NcoObj *n0 = frame_awaits(f, &vm_nco_type) ? (NcoObj *)aw : NULL;
            bool slept = awaits_task_sleep(f); /* the task's own timer: in is NULL */
            if (slept)
                memset(&frame_stack(f)[f->sp], 0, sizeof(Value));
            if (how == CORO_THROW) {
                Value e = vm_from_host(vm, in);
                if ((n0 || slept || aw == AWAIT_NONE) && obj_isinstance(rt, e, rt->cls[CLS_CancelledError]))
                    vm_tb_prepend_stdlib(vm, e, VM_TB_SLEEP_649);
                rt_raise_value(rt, e);
                val_decref(rt, e);
                throw = true;
            } else if (n0) {
                res = val_incref(n0->result);
            } else {
                res = aw == AWAIT_NONE || slept ? VAL_NONE_V : vm_from_host(vm, in);
            }
            await_release(rt, await_take(f));
        }
        if (!throw)
            frame_stack(f)[f->sp++] = res;
    }
    Value rv = VAL_UNDEF_V;
    Future *fu = NULL;
    Frame *saved = vm->frame;
    VmStatus st = vm_exec(vm, f, throw, &rv, &fu);
    (void)saved;
    switch (st) {
    case VM_RETURN:
        c->state = CS_DONE;
        if (c->has_frame) {
            c->has_frame = false;
            vm_frame_free(vm, coro_embedded_frame(c));
        }
        *out = vm_to_host(vm, rv);
        val_decref(rt, rv);
        return CORO_RETURN;
    case VM_ERROR: {
        c->state = CS_DONE;
        Value e = rt_fetch_exc(rt);
        if (c->has_frame) {
            c->has_frame = false;
            vm_frame_free(vm, coro_embedded_frame(c));
        }
        *out = vm_to_host(vm, e);
        val_decref(rt, e);
        return CORO_RAISE;
    }
    case VM_SUSPEND: case VM_YIELD:
        c->state = CS_SUSPENDED; /* at vm->suspended, which is coro_inner(c) */
        *out = fu;
        return st == VM_YIELD ? CORO_YIELD : CORO_SUSPEND;
    default:
        c->state = CS_DONE;
        rt_raise_id(rt, CLS_RuntimeError, "internal error: bad coroutine status");
        *out = vm_to_host(vm, rt->exc);
        rt_clear_exc(rt);
        return CORO_RAISE;
    }
}

static void coro_vt_drop(void *self)
{
    CoroObj *c = self;
    obj_decref(coro_code(c)->rt, &c->hdr);
}

static const CoroVt coro_vt = {"coroutine", coro_vt_resume, coro_vt_drop};

CoroObj *vm_coro_of_engine(Coro c)
{
    return c.vt == &coro_vt ? c.self : NULL;
}

Coro vm_coro_as_engine(CoroObj *c)
{
    obj_incref(&c->hdr);
    c->in_task = true;
    return (Coro){&coro_vt, c};
}

/* ------------------------------------------------------------ output */

void vm_write_out(Vm *vm, const char *s, size_t n)
{
    interp_emit_out(vm->ip, s, n);
    if (vm->loop && vm->loop_running)
        loop_output(vm->loop, s, n);
}

void vm_write_err(Vm *vm, const char *s, size_t n)
{
    interp_emit_err(vm->ip, s, n);
}

static void write_sb_err(Vm *vm, StrBuf *sb)
{
    if (sb->buf)
        vm_write_err(vm, sb->buf, sb->len);
}

/* ------------------------------------------------------------ tracebacks */

static size_t chars_in(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* The source line and its carets as CPython prints them: without its
 * indentation, and with its trailing white space when CPython's C printer
 * writes it (an uncaught exception, sys.unraisablehook), where a line with
 * trailing spaces is longer than what the carets underline; asyncio's logger
 * goes through the traceback module, which strips the line (vm->tb_logged). */
static void format_line_and_carets(const Vm *vm, const Code *code, const CodeLoc *l, StrBuf *sb)
{
    size_t len;
    const char *line = code_source_line(code->source, code->src_len, l->line, &len);
    if (!line)
        return;
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t' || line[lead] == '\f'))
        lead++;
    size_t end = len;
    while (end > lead && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\f'))
        end--;
    if (end <= lead)
        return;
    if (!vm->tb_logged)
        end = len;
    sb_puts(sb, "    ");
    sb_put(sb, line + lead, end - lead);
    sb_putc(sb, '\n');
    if (l->end_line != l->line || l->col < (int)lead || l->end_col > (int)end || l->end_col <= l->col)
        return;
    if ((size_t)l->col == lead && (size_t)l->end_col == end && l->op_col < 0)
        return; /* the whole line and no operator to point at: no carets
                   (`x[5]` or `1/0` alone on a line keep their ~^~) */
    sb_puts(sb, "    ");
    size_t pad = chars_in(line + lead, (size_t)l->col - lead);
    for (size_t i = 0; i < pad; i++)
        sb_putc(sb, ' ');
    for (int i = l->col; i < l->end_col; i++) {
        if (((unsigned char)line[i] & 0xC0) == 0x80)
            continue;
        char ch = '^';
        if (l->op_col >= 0 && (i < l->op_col || i >= l->op_end))
            ch = '~';
        sb_putc(sb, ch);
    }
    sb_putc(sb, '\n');
}

/* Frames of CPython's asyncio that its tracebacks show between the
 * program's own (asyncio-semantics §9), written as CPython prints them with
 * the standard library's folder shown as <stdlib>. */
static const struct {
    const char *file, *func, *src;
    int line, c0, c1; /* carets under src[c0, c1) */
} stdlib_frames[VM_TB__COUNT] = {
    [VM_TB_RUNNERS_190] = {"<stdlib>/asyncio/runners.py", "run", "return runner.run(main)", 190, 7, 23},
    [VM_TB_RUNNERS_118] = {"<stdlib>/asyncio/runners.py", "run", "return self._loop.run_until_complete(task)",
                           118, 7, 42},
    [VM_TB_BASE_EVENTS_653] = {"<stdlib>/asyncio/base_events.py", "run_until_complete", "return future.result()",
                               653, 7, 22},
    [VM_TB_SLEEP_649] = {"<stdlib>/asyncio/tasks.py", "sleep", "return await future", 649, 7, 19},
    [VM_TB_WAIT_FOR_500] = {"<stdlib>/asyncio/tasks.py", "wait_for", "return fut.result()", 500, 7, 19},
    [VM_TB_WAIT_FOR_502] = {"<stdlib>/asyncio/tasks.py", "wait_for", "raise exceptions.TimeoutError() from exc",
                            502, 0, 0},
    [VM_TB_TASKGROUPS_145] = {"<stdlib>/asyncio/taskgroups.py", "__aexit__", "raise me from None", 145, 0, 0},
    [VM_TB_TIMEOUTS_115] = {"<stdlib>/asyncio/timeouts.py", "__aexit__", "raise TimeoutError from exc_val", 115,
                            0, 0},
    /* asyncio.run's shutdown (Runner.__exit__), when _cancel_all_tasks raises */
    [VM_TB_RUNNERS_189] = {"<stdlib>/asyncio/runners.py", "run", "with Runner(debug=debug) as runner:", 189, 0, 0},
    [VM_TB_RUNNERS_63] = {"<stdlib>/asyncio/runners.py", "__exit__", "self.close()", 63, 0, 0},
    [VM_TB_RUNNERS_71] = {"<stdlib>/asyncio/runners.py", "close", "_cancel_all_tasks(loop)", 71, 0, 0},
    [VM_TB_RUNNERS_199] = {"<stdlib>/asyncio/runners.py", "_cancel_all_tasks", "task.cancel()", 199, 0, 0},
    [VM_TB_RUNNERS_186] = {"<stdlib>/asyncio/runners.py", "run", "raise RuntimeError(", 186, 0, 0},
    [VM_TB_RUNNERS_89] = {"<stdlib>/asyncio/runners.py", "run",
                          "raise ValueError(\"a coroutine was expected, got {!r}\".format(coro))", 89, 0, 0},
    [VM_TB_TASKS_384] = {"<stdlib>/asyncio/tasks.py", "create_task", "task = loop.create_task(coro)", 384, 7, 29},
    [VM_TB_TASKS_827] = {"<stdlib>/asyncio/tasks.py", "gather", "fut = _ensure_future(arg, loop=loop)", 827, 6, 36},
    [VM_TB_TASKS_674] = {"<stdlib>/asyncio/tasks.py", "_ensure_future",
                         "raise TypeError('An asyncio.Future, a coroutine or an awaitable '", 674, 0, 0},
    [VM_TB_BASE_EVENTS_436] = {"<stdlib>/asyncio/base_events.py", "create_task",
                               "task = tasks.Task(coro, loop=self, name=name, context=context)", 436, 7, 62},
    [VM_TB_TASKS_418] = {"<stdlib>/asyncio/tasks.py", "wait", "raise ValueError('Set of Tasks/Futures is empty.')",
                         418, 0, 0},
    [VM_TB_TASKS_420] = {"<stdlib>/asyncio/tasks.py", "wait",
                         "raise ValueError(f'Invalid return_when value: {return_when}')", 420, 0, 0},
    [VM_TB_TASKS_425] = {"<stdlib>/asyncio/tasks.py", "wait",
                         "raise TypeError(\"Passing coroutines is forbidden, use tasks explicitly.\")", 425, 0, 0},
    [VM_TB_QUEUES_181] = {"<stdlib>/asyncio/queues.py", "get_nowait", "raise QueueEmpty", 181, 0, 0},
    [VM_TB_QUEUES_143] = {"<stdlib>/asyncio/queues.py", "put_nowait", "raise QueueFull", 143, 0, 0},
    [VM_TB_QUEUES_201] = {"<stdlib>/asyncio/queues.py", "task_done",
                          "raise ValueError('task_done() called too many times')", 201, 0, 0},
    [VM_TB_LOCKS_348] = {"<stdlib>/asyncio/locks.py", "__init__",
                         "raise ValueError(\"Semaphore initial value must be >= 0\")", 348, 0, 0},
    [VM_TB_LOCKS_140] = {"<stdlib>/asyncio/locks.py", "release", "raise RuntimeError('Lock is not acquired.')", 140,
                         0, 0},
    [VM_TB_LOCKS_434] = {"<stdlib>/asyncio/locks.py", "release",
                         "raise ValueError('BoundedSemaphore released too many times')", 434, 0, 0},
};

RtStatus vm_tb_prepend_stdlib(Vm *vm, Value exc, VmStdlibFrame which)
{
    if (!val_is_exc(exc))
        return RT_OK;
    Exc *e = (Exc *)exc.u.o;
    TbEntry *t = (TbEntry *)obj_alloc(&vm->rt, &vm_tb_type, sizeof(TbEntry));
    if (!t) {
        rt_clear_exc(&vm->rt);
        return RT_ERR;
    }
    t->code = NULL;
    t->pc = (uint32_t)which;
    t->at_sub = false;
    t->next = val_is_undef(e->traceback) ? VAL_NONE_V : e->traceback;
    e->traceback = val_obj(&t->hdr);
    return RT_OK;
}

void vm_format_tb(Vm *vm, Value tb, StrBuf *sb)
{
    int n = 0, repeat = 0;
    const Code *lastc = NULL;
    int lastline = -1;
    for (; val_is_type(tb, &vm_tb_type); tb = ((TbEntry *)tb.u.o)->next) {
        TbEntry *t = (TbEntry *)tb.u.o;
        if (!t->code) {
            if (t->pc < VM_TB__COUNT) {
                const char *src = stdlib_frames[t->pc].src;
                int c0 = stdlib_frames[t->pc].c0, c1 = stdlib_frames[t->pc].c1;
                sb_printf(sb, "  File \"%s\", line %d, in %s\n    %s\n", stdlib_frames[t->pc].file,
                          stdlib_frames[t->pc].line, stdlib_frames[t->pc].func, src);
                if (c1 > c0) {
                    sb_printf(sb, "    %*s", c0, "");
                    for (int i = c0; i < c1; i++)
                        sb_putc(sb, '^');
                    sb_putc(sb, '\n');
                }
            }
            lastc = NULL;
            repeat = 0;
            continue;
        }
        const CodeLoc *l = &t->code->locs[t->pc < t->code->nins ? t->pc : 0];
        CodeLoc sub;
        if (t->at_sub && l->sub_end_line) { /* a missing method: `obj.name` */
            sub = (CodeLoc){l->sub_line, l->sub_col, l->sub_end_line, l->sub_end_col, -1, -1, 0, 0, 0, 0};
            l = &sub;
        }
        /* CPython folds runs of the same line (deep recursion). */
        if (t->code == lastc && l->line == lastline) {
            repeat++;
            if (repeat >= 3)
                continue;
        } else {
            if (repeat >= 3)
                sb_printf(sb, "  [Previous line repeated %d more time%s]\n", repeat - 2,
                          repeat - 2 == 1 ? "" : "s");
            repeat = 0;
        }
        lastc = t->code;
        lastline = l->line;
        sb_printf(sb, "  File \"%s\", line %d, in %s\n", t->code->filename, l->line,
                  t->code->name->data);
        format_line_and_carets(vm, t->code, l, sb);
        n++;
    }
    if (repeat >= 3)
        sb_printf(sb, "  [Previous line repeated %d more time%s]\n", repeat - 2,
                  repeat - 2 == 1 ? "" : "s");
}

/* "ValueError: msg" / "asyncio.exceptions.CancelledError" */
static void format_exc_only(Vm *vm, Value exc, StrBuf *sb)
{
    Rt *rt = &vm->rt;
    if (!val_is_exc(exc)) {
        obj_repr_sb(rt, exc, sb);
        sb_putc(sb, '\n');
        return;
    }
    Exc *e = (Exc *)exc.u.o;
    if (e->cls->module && !str_eq_cstr(e->cls->module, "builtins"))
        sb_printf(sb, "%s.", e->cls->module->data);
    sb_puts(sb, e->cls->name->data);
    Value s;
    if (!e->args || e->args->len == 0) {
        /* str() of an exception without arguments is "": nothing to add (and
         * nothing to allocate: a MemoryError is printed while memory is full). */
    } else if (obj_str(rt, exc, &s) == RT_OK) {
        if (val_str(s)->len) {
            sb_puts(sb, ": ");
            sb_put(sb, val_str(s)->data, val_str(s)->len);
        }
        val_decref(rt, s);
    } else {
        rt_clear_exc(rt);
        sb_puts(sb, ": <exception str() failed>");
    }
    if (val_is_str(e->notes) && (e->cls == rt->cls[CLS_NameError] || e->cls == rt->cls[CLS_AttributeError]))
        sb_printf(sb, ". Did you mean: '%s'?", val_str(e->notes)->data);
    sb_putc(sb, '\n');
}

static void format_exc_chain(Vm *vm, Value exc, StrBuf *sb, int depth)
{
    if (val_is_exc(exc) && depth < 20) {
        Exc *e = (Exc *)exc.u.o;
        if (val_is_exc(e->cause)) {
            format_exc_chain(vm, e->cause, sb, depth + 1);
            sb_puts(sb, "\nThe above exception was the direct cause of the following exception:\n\n");
        } else if (!e->suppress_context && val_is_exc(e->context)) {
            format_exc_chain(vm, e->context, sb, depth + 1);
            sb_puts(sb, "\nDuring handling of the above exception, another exception occurred:\n\n");
        }
        if (val_is_type(e->traceback, &vm_tb_type)) {
            sb_puts(sb, "Traceback (most recent call last):\n");
            vm_format_tb(vm, e->traceback, sb);
        }
    }
    format_exc_only(vm, exc, sb);
}

void vm_format_exc_only(Vm *vm, Value exc, StrBuf *sb)
{
    format_exc_only(vm, exc, sb);
}

void vm_format_exception(Vm *vm, Value exc, StrBuf *sb)
{
    if (excgroup_format(vm, exc, sb)) /* ExceptionGroups: excgroup.c (PART2) */
        return;
    format_exc_chain(vm, exc, sb, 0);
}

void vm_print_exception(Vm *vm, Value exc)
{
    StrBuf sb;
    sb_init(&sb, &vm->rt);
    vm_format_exception(vm, exc, &sb);
    if (sb_status(&sb) != RT_OK) {
        /* Memory ran out while formatting (a MemoryError at the cap): keep
         * the whole lines written so far and end with the exception's own
         * line, which fits the inline buffer (a MemoryError allocates
         * nothing), so the last line is still what CPython prints. */
        size_t keep = sb.len;
        while (keep > 0 && sb.buf[keep - 1] != '\n')
            keep--;
        if (keep)
            vm_write_err(vm, sb.buf, keep);
        sb_fini(&sb);
        rt_clear_exc(&vm->rt);
        sb_init(&sb, &vm->rt);
        format_exc_only(vm, exc, &sb);
    }
    write_sb_err(vm, &sb);
    sb_fini(&sb);
    rt_clear_exc(&vm->rt);
}

/* ------------------------------------------------------------ warnings */

/* CPython's warnings filter shows a warning once per (text, location): a
 * registry per module keyed by text, category and line. Returns whether
 * (text, code, line) is new, and records it; code NULL stands for a place
 * outside the program (line 0: "sys:1" at exit, 80: asyncio's events.py). */
static bool warn_once(Vm *vm, const char *text, Code *code, int line)
{
    for (size_t i = 0; i < vm->nwarned; i++)
        if (vm->warned[i].code == code && vm->warned[i].line == line && strcmp(vm->warned[i].text, text) == 0)
            return false;
    if (vm->nwarned == vm->warned_cap) {
        size_t ncap = vm->warned_cap ? vm->warned_cap * 2 : 8;
        WarnKey *w = mem_realloc(vm->mem, vm->warned, vm->warned_cap * sizeof *w, ncap * sizeof *w);
        if (w) {
            vm->warned = w;
            vm->warned_cap = ncap;
        }
    }
    if (vm->nwarned < vm->warned_cap)
        vm->warned[vm->nwarned++] = (WarnKey){text, code, line};
    return true;
}

void vm_warn_never_awaited(Vm *vm, Code *code)
{
    const char *name = code->qualname->data;
    StrBuf sb;
    sb_init(&sb, &vm->rt);
    if (vm->at_exit) {
        if (warn_once(vm, name, NULL, 0))
            sb_printf(&sb, "sys:1: RuntimeWarning: coroutine '%s' was never awaited\n", name);
    } else if (!vm->frame) {
        if (warn_once(vm, name, NULL, 80))
            sb_printf(&sb,
                      "<stdlib>/asyncio/events.py:80: RuntimeWarning: coroutine '%s' was never awaited\n"
                      "  self._context.run(self._callback, *self._args)\n"
                      "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n",
                      name);
    } else {
        Frame *f = vm->frame;
        uint32_t pc = f->pc ? f->pc - 1 : 0;
        int line = f->code->locs[pc].line;
        if (!warn_once(vm, name, f->code, line)) {
            sb_fini(&sb);
            return;
        }
        sb_printf(&sb, "%s:%d: RuntimeWarning: coroutine '%s' was never awaited\n", f->code->filename, line, name);
        size_t len;
        const char *src = code_source_line(f->code->source, f->code->src_len, line, &len);
        if (src) {
            size_t lead = 0;
            while (lead < len && (src[lead] == ' ' || src[lead] == '\t'))
                lead++;
            sb_puts(&sb, "  ");
            sb_put(&sb, src + lead, len - lead);
            sb_putc(&sb, '\n');
        }
        sb_puts(&sb, "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
    }
    write_sb_err(vm, &sb);
    sb_fini(&sb);
}

/* ------------------------------------------------------------ imports */

RtStatus vm_import(Vm *vm, Str *name, Value *out)
{
    Module *m = NULL;
    if (str_eq_cstr(name, "asyncio"))
        m = vm->mod_asyncio;
    else if (str_eq_cstr(name, "time"))
        m = vm->mod_time;
    else if (str_eq_cstr(name, "random"))
        m = vm->mod_random;
    else if (net_import(vm, name, out) != RT_STOP) /* requests, aiohttp (PART2) */
        return rt_has_exc(&vm->rt) ? RT_ERR : RT_OK;
    if (!m) {
        /* CPython names the top package for dotted names. */
        const char *dot = strchr(name->data, '.');
        int n = dot ? (int)(dot - name->data) : (int)name->len;
        return rt_raise_id(&vm->rt, CLS_ModuleNotFoundError, "No module named '%.*s'", n, name->data);
    }
    obj_incref(&m->hdr);
    *out = val_obj(&m->hdr);
    return RT_OK;
}

/* ------------------------------------------------------------ setup */

RtStatus vm_init(Vm *vm, Mem *mem, Interp *ip)
{
    memset(vm, 0, sizeof *vm);
    vm->mem = mem;
    vm->ip = ip;
    vm->run_request = VAL_UNDEF_V;
    vm->budget_exc = VAL_UNDEF_V;
    vm->recursion_limit = 1000;
    vm->budget = UINT64_MAX;
    if (rt_init(&vm->rt, mem) != RT_OK)
        return RT_ERR;
    vm->rt.host = vm;
    host_init(&vm->host, mem, &vm_host_ops, vm);
    if (builtins_init(vm) != RT_OK || mod_time_init(vm) != RT_OK || mod_asyncio_init(vm) != RT_OK ||
        mod_random_init(vm) != RT_OK)
        return RT_ERR;
    /* What CPython's messages call them ("object function can't be used in
     * 'await' expression" for `await asyncio.sleep`). */
    static const struct {
        bool random; /* else asyncio */
        const char *name, *type;
    } py_types[] = {
        {false, "run", "function"},       {false, "sleep", "function"},   {false, "create_task", "function"},
        {false, "ensure_future", "function"}, {false, "gather", "function"}, {false, "wait", "function"},
        {false, "wait_for", "function"},  {false, "as_completed", "function"}, {false, "shield", "function"},
        {false, "timeout", "function"},   {false, "iscoroutine", "function"}, {false, "all_tasks", "function"},
        {false, "current_task", "function"}, {true, "seed", "method"},    {true, "uniform", "method"},
        {true, "randint", "method"},      {true, "randrange", "method"},  {true, "choice", "method"},
        {true, "shuffle", "method"},
    };
    for (size_t i = 0; i < sizeof py_types / sizeof py_types[0]; i++) {
        Value v;
        bool found;
        Module *m = py_types[i].random ? vm->mod_random : vm->mod_asyncio;
        Str *k = rt_intern_cstr(&vm->rt, py_types[i].name);
        if (!k || dict_get(&vm->rt, m->dict, val_obj(&k->hdr), &v, &found) != RT_OK)
            return RT_ERR;
        if (found && val_is_type(v, &obj_native_type))
            ((Native *)v.u.o)->py_type = py_types[i].type;
    }
    return RT_OK;
}

void vm_fini(Vm *vm)
{
    Rt *rt = &vm->rt;
    vm->at_exit = true;
    if (vm->builtins)
        obj_decref(rt, &vm->builtins->hdr);
    if (vm->globals)
        obj_decref(rt, &vm->globals->hdr);
    if (vm->mod_asyncio)
        obj_decref(rt, &vm->mod_asyncio->hdr);
    if (vm->mod_time)
        obj_decref(rt, &vm->mod_time->hdr);
    if (vm->mod_random)
        obj_decref(rt, &vm->mod_random->hdr);
    val_decref(rt, vm->run_request);
    val_decref(rt, vm->budget_exc);
    mod_random_fini(vm);
    mem_free(vm->mem, vm->warned, vm->warned_cap * sizeof *vm->warned);
    vm_task_codes_fini(vm);
    mem_free(vm->mem, vm->task_code_tab, vm->ntask_code_tab * sizeof *vm->task_code_tab);
    rt_fini(rt);
    host_fini(&vm->host);
}
