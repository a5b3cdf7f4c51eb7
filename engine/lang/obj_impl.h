/* obj_impl: what the obj*.c files share with each other and nobody else.
 *
 * The public contract is obj.h; this header only wires the pieces together
 * (constructors of the builtin classes, sequence index helpers, the repr
 * recursion guard, per-kind operations that obj.c's generic dispatch calls).
 */
#ifndef AIO_LANG_OBJ_IMPL_H
#define AIO_LANG_OBJ_IMPL_H

#include "engine/lang/obj.h"

/* Constructors of builtin classes (Class.ctor). */
RtStatus num_ctor_int(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus num_ctor_float(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out);
RtStatus num_ctor_bool(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out);
RtStatus str_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus list_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus tuple_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus dict_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus slice_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus range_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus exc_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);
RtStatus type_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out);

/* Numbers: RT_OK with *out, RT_ERR, or RT_STOP when the operands are not
 * both numbers (int, float, bool). */
RtStatus num_binop(Rt *rt, BinOp op, Value a, Value b, Value *out);
/* Three-way compare of two numbers; *unordered for NaN. */
int num_cmp(Value a, Value b, bool *unordered);
bool val_is_number(Value v);
int64_t num_hash(Value v);
RtStatus num_format(Rt *rt, Value v, const char *spec, size_t n, StrBuf *sb);

/* Float text is always in the C locale ('.' as the decimal point), whatever
 * setlocale() the host made (the tutor sets LC_ALL from the environment):
 * bracket snprintf/strtod of doubles with these (thread-local switch). */
void *num_locale_enter(void);
void num_locale_leave(void *saved);

/* Sequences. */
RtStatus str_binop(Rt *rt, BinOp op, Value a, Value b, Value *out);     /* RT_STOP: n/a */
RtStatus seq_binop(Rt *rt, BinOp op, Value a, Value b, Value *out);     /* list, tuple */
RtStatus str_getitem(Rt *rt, Str *s, Value key, Value *out);
RtStatus str_contains(Rt *rt, Str *s, Value item, bool *out);
int str_cmp(const Str *a, const Str *b);
RtStatus str_format_spec(Rt *rt, const Str *s, const char *spec, size_t n, StrBuf *sb);
RtStatus seq_compare(Rt *rt, CmpOp op, Value a, Value b, bool *out);  /* same kind */
RtStatus list_getitem(Rt *rt, List *l, Value key, Value *out);
RtStatus list_setitem(Rt *rt, List *l, Value key, Value v);
RtStatus list_delitem(Rt *rt, List *l, Value key);
RtStatus tuple_getitem(Rt *rt, Tuple *t, Value key, Value *out);
RtStatus range_getitem(Rt *rt, RangeObj *r, Value key, Value *out);
RtStatus list_extend(Rt *rt, List *l, Value iterable);
RtStatus dict_getitem(Rt *rt, Dict *d, Value key, Value *out);
/* The class registered for a kind without a builtin class (iterators...). */
Class *rt_kind_class(Rt *rt, const ObjType *t);

/* A Python index (int or bool) into [0, len): negative counts from the end.
 * `what` names the sequence for the messages ("list", "tuple", "string"). */
RtStatus seq_index(Rt *rt, Value key, size_t len, const char *what, size_t *out);
/* An integer-valued Value (int or bool) -> int64; TypeError "'str' object
 * cannot be interpreted as an integer" otherwise. */
RtStatus val_as_index(Rt *rt, Value v, int64_t *out);
/* slice.indices(len): start, step and the number of items. */
RtStatus slice_indices(Rt *rt, Value start, Value stop, Value step, int64_t len, int64_t *pstart,
                       int64_t *pstep, int64_t *pcount);

/* The repr recursion guard (obj_repr_enter / obj_repr_leave) is in obj.h. */

/* Method tables of the builtin kinds. */
extern const MethodDef str_methods[];
extern const MethodDef list_methods[];
extern const MethodDef dict_methods[];

/* Iterators over builtin kinds (obj_list.c / obj_dict.c / obj_str.c). */
RtStatus str_iter(Rt *rt, Obj *o, Value *out);

/* String helpers. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp); /* bytes used, >= 1 */
size_t str_char_offset(const Str *s, size_t index);        /* byte offset of char i */
RtStatus str_format_method(Rt *rt, Str *fmt, const Value *args, size_t nargs, Tuple *kwnames,
                           Value *out);

#endif
