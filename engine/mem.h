/* mem: the one allocation path of the engine and the interpreter.
 *
 * Every byte the engine or a lesson program allocates goes through a Mem, so
 * it can be counted (peak memory in benchmarks, bytes per suspended task) and
 * capped (a student's list that doubles forever ends in MemoryError instead of
 * taking the machine down). A Mem is owned by its host; there is no global one.
 *
 * Small blocks (up to MEM_SMALL_MAX bytes) come from size classes of 16
 * bytes: a freed block goes on its class's free list and the next allocation
 * of that class takes it back, new ones are carved from chunks the Mem
 * allocates in bulk. A program that creates and drops 100,000 tasks thus
 * calls malloc a few dozen times instead of half a million. Larger blocks
 * go to malloc directly, those of 2 MiB and more to a mapping of their own
 * (huge pages, mem.c). The chunks are given back when the last block is
 * freed (count drops to 0) or at mem_fini.
 *
 * Because the sizes are classes, mem_free and mem_realloc must be given the
 * exact size the block was allocated with (as before: the counts rely on it
 * too). Builds with AddressSanitizer, and runs under valgrind, bypass the
 * classes (every block is its own malloc, so use-after-free and overflows
 * are still caught) and check every size passed back (abort on a mismatch).
 */
#ifndef AIO_MEM_H
#define AIO_MEM_H

#include <stdbool.h>
#include <stddef.h>

#define MEM_SMALL_MAX 512 /* bytes; larger blocks are malloc'ed one by one */
#define MEM_NCLASS (MEM_SMALL_MAX / 16)

typedef struct MemChunk MemChunk;
typedef struct MemBig {
    void *p;
    size_t len;
} MemBig;

typedef struct Mem {
    size_t used;  /* bytes currently allocated through this Mem (as requested) */
    size_t peak;  /* highest value `used` has reached */
    size_t limit; /* 0 = no cap; otherwise allocations past it fail */
    size_t count; /* number of live blocks */
    /* size classes (mem.c) */
    bool direct;                 /* every block its own malloc, sizes checked */
    void *free_list[MEM_NCLASS]; /* class i holds blocks of 16 * (i + 1) bytes */
    char *bump, *bump_end;       /* the unused end of the newest chunk */
    bool bump_zero;              /* ... which is still zero (a fresh mapping) */
    MemChunk *chunks;
    size_t chunk_bytes; /* total size of the chunks, sets the next one's */
    MemBig *big; /* the blocks mapped on their own (mem.c); malloc'ed */
    size_t nbig, capbig;
} Mem;

void mem_init(Mem *m, size_t limit);
/* Give back the chunks. Every block must have been freed (count 0: then
 * they already were); blocks still live become invalid. */
void mem_fini(Mem *m);

/* Resize a block: old_size must be the size it was allocated with (0 with
 * ptr == NULL allocates, new_size 0 frees). Returns NULL when the cap would
 * be exceeded or malloc fails; the old block is then untouched. Freeing
 * never fails and returns NULL. */
void *mem_realloc(Mem *m, void *ptr, size_t old_size, size_t new_size);

void *mem_alloc(Mem *m, size_t size);   /* NULL on cap or malloc failure */
void *mem_calloc(Mem *m, size_t size);  /* zeroed; NULL on failure */
void mem_free(Mem *m, void *ptr, size_t size);

#endif
