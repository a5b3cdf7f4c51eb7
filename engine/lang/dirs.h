/* dirs: what dir() lists for a value, as CPython 3.11 does, for the "Did
 * you mean" of an AttributeError (suggestions are computed from dir(obj)).
 * The lists are CPython's own (dirs_table.h, made by gen_dirs.py): the
 * names a student may have meant include those the subset leaves out. */
#ifndef AIO_LANG_DIRS_H
#define AIO_LANG_DIRS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/lang/obj.h"

/* dir(v) as a NULL-terminated list of names in CPython's (sorted) order,
 * or NULL for a kind of value not in the table. Static storage. */
const char *const *dirs_of(Rt *rt, Value v);
/* CPython has v.name: in dir(v) or one of those dir() leaves out (a
 * module's __dict__). False for a kind not in the table. */
bool dirs_has(Rt *rt, Value v, const char *name, size_t len);

#endif
