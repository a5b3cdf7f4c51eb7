/* dirs: CPython 3.11's dir() of the lesson language's values (dirs.h). */
#include "config.h"

#include "engine/lang/dirs.h"

#include <string.h>

struct DirsEntry {
    const char *key; /* "t:" type name or "m:" module name */
    const char *const *names; /* dir() */
    const char *const *hidden; /* has, but dir() does not list */
};

#include "engine/lang/dirs_table.h"

static const struct DirsEntry *entry_of(Rt *rt, Value v)
{
    const char *kind = "t:", *name;
    if (val_is_type(v, &obj_module_type)) {
        kind = "m:";
        name = ((Module *)v.u.o)->name->data;
    } else {
        name = obj_type_name(rt, v);
        if (strrchr(name, '.')) /* "_asyncio.Task": dir() is keyed by __name__ */
            name = strrchr(name, '.') + 1;
    }
    for (size_t i = 0; i < sizeof dirs_table / sizeof dirs_table[0]; i++)
        if (strncmp(dirs_table[i].key, kind, 2) == 0 && strcmp(dirs_table[i].key + 2, name) == 0)
            return &dirs_table[i];
    return NULL;
}

const char *const *dirs_of(Rt *rt, Value v)
{
    const struct DirsEntry *e = entry_of(rt, v);
    return e ? e->names : NULL;
}

static bool listed(const char *const *l, const char *name, size_t len)
{
    for (; *l; l++)
        if (strlen(*l) == len && memcmp(*l, name, len) == 0)
            return true;
    return false;
}

bool dirs_has(Rt *rt, Value v, const char *name, size_t len)
{
    const struct DirsEntry *e = entry_of(rt, v);
    return e && (listed(e->names, name, len) || listed(e->hidden, name, len));
}
