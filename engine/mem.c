/* mem: counting, capped allocation with size classes. See mem.h.
 *
 * Small blocks: class i (0-based) holds blocks of 16 * (i + 1) bytes. A
 * freed block is pushed on its class's free list (its first word links the
 * list); an allocation pops one, or carves a new one from the newest chunk
 * (a bump pointer; the few bytes left at a chunk's end when the next block
 * does not fit are not reused). Chunks double in size from 16 KiB to 1 MiB,
 * so a small program stays small and a big one calls malloc rarely.
 *
 * Direct mode (sanitizers, valgrind): every block is malloc'ed with a
 * 16-byte header holding its size, checked when it is freed or resized. A
 * free list would hide a use-after-free from those tools (the block stays
 * "allocated" for them), and a size mismatch, harmless with malloc, would
 * put a block on the wrong list here: both must be caught where they can.
 */
#include "engine/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define MEM_FORCE_DIRECT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_FORCE_DIRECT 1
#endif
#endif
#ifndef MEM_FORCE_DIRECT
#define MEM_FORCE_DIRECT 0
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define MEM_ON_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef MEM_ON_VALGRIND
#define MEM_ON_VALGRIND() 0
#endif

enum { CHUNK_MIN = 16 << 10, CHUNK_MAX = 1 << 20, DIRECT_HDR = 16 };

/* Once a Mem holds this much in chunks, further chunks are huge pages:
 * 2 MiB mapped at a 2 MiB boundary with MADV_HUGEPAGE. Filling 100 MB of
 * tasks page by page costs ~25,000 page faults, a quarter of the CPU time of
 * the spawn benchmark on a VM; huge pages take 50. Small programs (a
 * lesson's example holds well under 256 KiB) never get there and keep
 * their small footprint; the chunks of 16-128 KiB before it cost a big one
 * ~60 faults. */
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
#define HUGE_CHUNK ((size_t)2 << 20)
#define HUGE_AFTER ((size_t)256 << 10)
#endif

/* A new block of BIG_MIN bytes or more is mapped on its own, at a 2 MiB
 * boundary with MADV_HUGEPAGE, so each whole 2 MiB of it is one huge page
 * and the rest ordinary pages: no resident byte is added, and the ready
 * ring of 100,000 tasks costs one page fault per 2 MiB instead of 512 (a
 * page fault costs ~10 us on this kind of VM; a huge page ~0.3 us per
 * 4 KiB). Resizing one to BIG_MIN or more moves its pages (mremap), never
 * copies them: both copies alive at once would be the program's peak. A
 * malloc'ed block that grows past BIG_MIN stays malloc's (realloc moves its
 * pages just as well), so the Mem lists the mapped ones (Mem.big) to tell
 * them apart at free. */
#ifdef HUGE_CHUNK
#define BIG_MIN HUGE_CHUNK
#define BIG_MIN_SIZE BIG_MIN
#else
#define BIG_MIN_SIZE SIZE_MAX
#endif

/* Chunk header; 16 bytes, so the blocks after it stay 16-aligned. */
struct MemChunk {
    MemChunk *next;
    size_t size; /* bytes, with bit 0 set when mapped (huge) */
};

#ifdef HUGE_CHUNK
static size_t page_round(size_t n)
{
    return (n + 4095) & ~(size_t)4095;
}

/* n bytes (a multiple of 4 KiB) mapped at a 2 MiB boundary, huge pages
 * advised; NULL when the mapping fails. Maps 2 MiB more and trims. */
static void *huge_map(size_t n)
{
    size_t len = n + HUGE_CHUNK;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)p + HUGE_CHUNK - 1) & ~(uintptr_t)(HUGE_CHUNK - 1);
    char *al = (char *)a;
    if (al > p) munmap(p, (size_t)(al - p));
    if (al + n < p + len) munmap(al + n, (size_t)(p + len - (al + n)));
    madvise(al, n, MADV_HUGEPAGE);
    return al;
}
#endif

#ifdef BIG_MIN
/* A new big block, listed in m->big; NULL when out of memory. */
static void *big_new(Mem *m, size_t size)
{
    if (m->nbig == m->capbig) {
        size_t ncap = m->capbig ? m->capbig * 2 : 8;
        MemBig *n = realloc(m->big, ncap * sizeof *n);
        if (!n) return NULL;
        m->big = n;
        m->capbig = ncap;
    }
    void *p = huge_map(page_round(size));
    if (p) m->big[m->nbig++] = (MemBig){p, page_round(size)};
    return p;
}

/* p's index in m->big, or -1 when p was not mapped by big_new. */
static ptrdiff_t big_index(const Mem *m, const void *p, size_t size)
{
    if (size < BIG_MIN) return -1;
    for (size_t i = 0; i < m->nbig; i++)
        if (m->big[i].p == p) return (ptrdiff_t)i;
    return -1;
}

static void big_free(Mem *m, ptrdiff_t i)
{
    munmap(m->big[i].p, m->big[i].len);
    m->big[i] = m->big[--m->nbig];
}
#else
static ptrdiff_t big_index(const Mem *m, const void *p, size_t size)
{
    (void)m, (void)p, (void)size;
    return -1;
}
#endif

static MemChunk *chunk_new(Mem *m, size_t *size)
{
#ifdef HUGE_CHUNK
    if (m->chunk_bytes >= HUGE_AFTER) {
        MemChunk *c = huge_map(HUGE_CHUNK);
        if (c) {
            c->size = HUGE_CHUNK | 1;
            *size = HUGE_CHUNK;
            return c;
        }
    }
#endif
    size_t csize = m->chunk_bytes < CHUNK_MIN ? CHUNK_MIN : m->chunk_bytes;
    if (csize > CHUNK_MAX) csize = CHUNK_MAX;
    MemChunk *c = malloc(csize);
    if (!c) return NULL;
    c->size = csize;
    *size = csize;
    return c;
}

static void chunk_free(MemChunk *c)
{
    if (c->size & 1)
        munmap(c, c->size & ~(size_t)1);
    else
        free(c);
}

void mem_init(Mem *m, size_t limit)
{
    memset(m, 0, sizeof *m);
    m->limit = limit;
    m->direct = MEM_FORCE_DIRECT || MEM_ON_VALGRIND();
}

static void release_chunks(Mem *m)
{
#ifdef BIG_MIN
    while (m->nbig) /* live ones only at mem_fini: count 0 means none */
        big_free(m, (ptrdiff_t)m->nbig - 1);
    free(m->big);
    m->big = NULL;
    m->nbig = m->capbig = 0;
#endif
    while (m->chunks) {
        MemChunk *c = m->chunks;
        m->chunks = c->next;
        chunk_free(c);
    }
    memset(m->free_list, 0, sizeof m->free_list);
    m->bump = m->bump_end = NULL;
    m->bump_zero = false;
    m->chunk_bytes = 0;
}

void mem_fini(Mem *m)
{
    release_chunks(m);
}

static inline size_t class_of(size_t size)
{
    return (size - 1) >> 4; /* 1..16 -> 0, 17..32 -> 1, ... */
}

static void *small_alloc(Mem *m, size_t cls)
{
    void *p = m->free_list[cls];
    if (p) {
        m->free_list[cls] = *(void **)p;
        return p;
    }
    size_t bytes = (cls + 1) << 4;
    if ((size_t)(m->bump_end - m->bump) < bytes) {
        size_t csize;
        MemChunk *c = chunk_new(m, &csize);
        if (!c) return NULL;
        c->next = m->chunks;
        m->chunks = c;
        m->chunk_bytes += csize;
        m->bump = (char *)(c + 1);
        m->bump_end = (char *)c + csize;
        m->bump_zero = (c->size & 1) != 0; /* mmap gives zeroed pages */
    }
    p = m->bump;
    m->bump += bytes;
    return p;
}

static inline void small_free(Mem *m, void *p, size_t cls)
{
    *(void **)p = m->free_list[cls];
    m->free_list[cls] = p;
}

/* Direct mode: header + block, the header holding the block's size. */
static void *direct_realloc(void *ptr, size_t old_size, size_t new_size)
{
    char *base = NULL;
    if (ptr) {
        base = (char *)ptr - DIRECT_HDR;
        size_t stored;
        memcpy(&stored, base, sizeof stored);
        if (stored != old_size) {
            fprintf(stderr, "mem: block %p freed or resized with size %zu, allocated with %zu\n",
                    ptr, old_size, stored);
            abort();
        }
    }
    if (new_size == 0) {
        free(base);
        return NULL;
    }
    char *n = realloc(base, DIRECT_HDR + new_size);
    if (!n) return NULL;
    memcpy(n, &new_size, sizeof new_size);
    return n + DIRECT_HDR;
}

/* A new block: small ones from the chunks, big ones mapped, the rest
 * malloc'ed. */
static void *raw_alloc(Mem *m, size_t size)
{
    if (size <= MEM_SMALL_MAX) return small_alloc(m, class_of(size));
#ifdef BIG_MIN
    if (size >= BIG_MIN) return big_new(m, size);
#endif
    return malloc(size);
}

static void raw_free(Mem *m, void *p, size_t size)
{
    if (size <= MEM_SMALL_MAX) {
        small_free(m, p, class_of(size));
        return;
    }
#ifdef BIG_MIN
    ptrdiff_t i = big_index(m, p, size);
    if (i >= 0) {
        big_free(m, i);
        return;
    }
#endif
    free(p);
}

/* The block itself, without accounting. */
static void *block_realloc(Mem *m, void *ptr, size_t old_size, size_t new_size)
{
    if (m->direct) return direct_realloc(ptr, old_size, new_size);
    if (new_size == 0) {
        raw_free(m, ptr, old_size);
        return NULL;
    }
    if (!ptr) return raw_alloc(m, new_size);
#if defined(BIG_MIN) && defined(MREMAP_MAYMOVE)
    ptrdiff_t i = big_index(m, ptr, old_size);
    if (i >= 0 && new_size >= BIG_MIN) {
        size_t o = page_round(old_size), n = page_round(new_size);
        if (o == n) return ptr;
        void *q = mremap(ptr, o, n, MREMAP_MAYMOVE);
        if (q == MAP_FAILED) return NULL;
        m->big[i] = (MemBig){q, n};
        return q;
    }
#endif
    bool old_small = old_size <= MEM_SMALL_MAX;
    if (old_small && new_size <= MEM_SMALL_MAX && class_of(old_size) == class_of(new_size))
        return ptr;
    if (!old_small && new_size > MEM_SMALL_MAX && big_index(m, ptr, old_size) < 0)
        return realloc(ptr, new_size);
    void *n = raw_alloc(m, new_size);
    if (!n) return NULL;
    memcpy(n, ptr, old_size < new_size ? old_size : new_size);
    raw_free(m, ptr, old_size);
    return n;
}

void *mem_realloc(Mem *m, void *ptr, size_t old_size, size_t new_size)
{
    if (ptr && old_size == 0) old_size = 1; /* mem_alloc's size for 0 */
    if (new_size == 0) {
        if (ptr) {
            block_realloc(m, ptr, old_size, 0);
            m->used -= old_size;
            if (--m->count == 0 && !m->direct) release_chunks(m);
        }
        return NULL;
    }
    if (!ptr) old_size = 0;
    if (new_size > old_size && m->limit && m->used + (new_size - old_size) > m->limit)
        return NULL;
    void *p = block_realloc(m, ptr, old_size, new_size);
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
    if (!size) size = 1;
    /* Carved from a fresh mapping, or a big block (a mapping of its own):
     * already zero, and not touching it spares a page fault ahead of the
     * caller's own first write. */
    bool zero = !m->direct &&
                ((size <= MEM_SMALL_MAX && m->bump_zero && !m->free_list[class_of(size)] &&
                  (size_t)(m->bump_end - m->bump) >= ((class_of(size) + 1) << 4)) ||
                 size >= BIG_MIN_SIZE);
    void *p = mem_alloc(m, size);
    if (p && !zero)
        memset(p, 0, size);
    return p;
}

void mem_free(Mem *m, void *ptr, size_t size)
{
    if (ptr)
        mem_realloc(m, ptr, size ? size : 1, 0);
}
