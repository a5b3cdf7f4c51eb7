/* mem: the one allocation path of the engine and the interpreter.
 *
 * Every byte the engine or a lesson program allocates goes through a Mem, so
 * it can be counted (peak memory in benchmarks, bytes per suspended task) and
 * capped (a student's list that doubles forever ends in MemoryError instead of
 * taking the machine down). A Mem is owned by its host; there is no global one.
 */
#ifndef AIO_MEM_H
#define AIO_MEM_H

#include <stddef.h>

typedef struct Mem {
    size_t used;  /* bytes currently allocated through this Mem */
    size_t peak;  /* highest value `used` has reached */
    size_t limit; /* 0 = no cap; otherwise allocations past it fail */
    size_t count; /* number of live blocks */
} Mem;

void mem_init(Mem *m, size_t limit);

/* Resize a block: old_size must be the size it was allocated with (0 with
 * ptr == NULL allocates, new_size 0 frees). Returns NULL when the cap would
 * be exceeded or malloc fails; the old block is then untouched. Freeing
 * never fails and returns NULL. */
void *mem_realloc(Mem *m, void *ptr, size_t old_size, size_t new_size);

void *mem_alloc(Mem *m, size_t size);   /* NULL on cap or malloc failure */
void *mem_calloc(Mem *m, size_t size);  /* zeroed; NULL on failure */
void mem_free(Mem *m, void *ptr, size_t size);

#endif
