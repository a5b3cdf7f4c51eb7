/* mem: counting, capped allocation. See mem.h. */
#include "engine/mem.h"

#include <stdlib.h>
#include <string.h>

void mem_init(Mem *m, size_t limit)
{
    m->used = 0;
    m->peak = 0;
    m->limit = limit;
    m->count = 0;
}

void *mem_realloc(Mem *m, void *ptr, size_t old_size, size_t new_size)
{
    if (new_size == 0) {
        if (ptr) {
            free(ptr);
            m->used -= old_size;
            m->count--;
        }
        return NULL;
    }
    if (new_size > old_size && m->limit && m->used + (new_size - old_size) > m->limit)
        return NULL;
    void *p = realloc(ptr, new_size);
    if (!p)
        return NULL;
    if (!ptr)
        m->count++;
    m->used = m->used - old_size + new_size;
    if (m->used > m->peak)
        m->peak = m->used;
    return p;
}

void *mem_alloc(Mem *m, size_t size)
{
    return mem_realloc(m, NULL, 0, size ? size : 1);
}

void *mem_calloc(Mem *m, size_t size)
{
    void *p = mem_alloc(m, size);
    if (p)
        memset(p, 0, size ? size : 1);
    return p;
}

void mem_free(Mem *m, void *ptr, size_t size)
{
    if (ptr)
        mem_realloc(m, ptr, size ? size : 1, 0);
}
