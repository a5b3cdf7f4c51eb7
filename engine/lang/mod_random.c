/* mod_random: random with CPython's algorithms (MT19937, init_by_array
 * seeding of an int, getrandbits-based randbelow), so a seeded lesson
 * program prints the numbers CPython prints. */
#include <string.h>
#include <time.h>

#include "engine/lang/vm.h"

#define MT_N 624
#define MT_M 397

struct MtState {
    uint32_t mt[MT_N];
    int mti;
};

static void init_genrand(struct MtState *s, uint32_t seed)
{
    s->mt[0] = seed;
    for (int i = 1; i < MT_N; i++)
        s->mt[i] = 1812433253u * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + (uint32_t)i;
    s->mti = MT_N;
}

static void init_by_array(struct MtState *s, const uint32_t *key, size_t len)
{
    init_genrand(s, 19650218u);
    size_t i = 1, j = 0;
    size_t k = MT_N > len ? MT_N : len;
    for (; k; k--) {
        s->mt[i] = (s->mt[i] ^ ((s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= MT_N) {
            s->mt[0] = s->mt[MT_N - 1];
            i = 1;
        }
        if (j >= len)
            j = 0;
    }
    for (k = MT_N - 1; k; k--) {
        s->mt[i] = (s->mt[i] ^ ((s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= MT_N) {
            s->mt[0] = s->mt[MT_N - 1];
            i = 1;
        }
    }
    s->mt[0] = 0x80000000u;
}

static uint32_t genrand(struct MtState *s)
{
    static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
    uint32_t y;
    if (s->mti >= MT_N) {
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (s->mt[kk] & 0x80000000u) | (s->mt[kk + 1] & 0x7fffffffu);
            s->mt[kk] = s->mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1u];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (s->mt[kk] & 0x80000000u) | (s->mt[kk + 1] & 0x7fffffffu);
            s->mt[kk] = s->mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1u];
        }
        y = (s->mt[MT_N - 1] & 0x80000000u) | (s->mt[0] & 0x7fffffffu);
        s->mt[MT_N - 1] = s->mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1u];
        s->mti = 0;
    }
    y = s->mt[s->mti++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

static double random_double(struct MtState *s)
{
    uint32_t a = genrand(s) >> 5, b = genrand(s) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

static uint64_t getrandbits(struct MtState *s, int k)
{
    if (k <= 32)
        return genrand(s) >> (32 - k);
    uint64_t lo = genrand(s);
    uint64_t hi = genrand(s) >> (64 - k);
    return lo | (hi << 32);
}

static uint64_t randbelow(struct MtState *s, uint64_t n)
{
    int k = 64 - __builtin_clzll(n);
    uint64_t r = getrandbits(s, k);
    while (r >= n)
        r = getrandbits(s, k);
    return r;
}

static struct MtState *state(Rt *rt)
{
    return vm_of(rt)->mt;
}

static RtStatus r_seed(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "seed", "|a", a, n, kw, v) != RT_OK)
        return RT_ERR;
    struct MtState *s = state(rt);
    if (val_is_undef(v[0]) || val_is_none(v[0])) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint32_t key[2] = {(uint32_t)ts.tv_nsec, (uint32_t)ts.tv_sec};
        init_by_array(s, key, 2);
    } else if (v[0].tag == VAL_INT || v[0].tag == VAL_BOOL) {
        int64_t x = v[0].tag == VAL_INT ? v[0].u.i : v[0].u.b;
        uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
        uint32_t key[2] = {(uint32_t)u, (uint32_t)(u >> 32)};
        init_by_array(s, key, key[1] ? 2 : 1);
    } else if (v[0].tag == VAL_FLOAT) {
        int64_t h;
        if (obj_hash(rt, v[0], &h) != RT_OK)
            return RT_ERR;
        uint64_t u = h < 0 ? (uint64_t)0 - (uint64_t)h : (uint64_t)h;
        uint32_t key[2] = {(uint32_t)u, (uint32_t)(u >> 32)};
        init_by_array(s, key, key[1] ? 2 : 1);
    } else {
        return rt_raise_id(rt, CLS_TypeError,
                           "The only supported seed types are: None, int, float, str, bytes, and bytearray.");
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus r_random(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (rt_parse_args(rt, "random", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_float(random_double(state(rt)));
    return RT_OK;
}

static RtStatus num(Rt *rt, Value v, double *d)
{
    if (v.tag == VAL_INT)
        *d = (double)v.u.i;
    else if (v.tag == VAL_FLOAT)
        *d = v.u.f;
    else if (v.tag == VAL_BOOL)
        *d = v.u.b;
    else
        return rt_raise_id(rt, CLS_TypeError, "unsupported operand type(s) for -: '%s' and '%s'",
                           obj_type_name(rt, v), obj_type_name(rt, v));
    return RT_OK;
}

static RtStatus r_uniform(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[2];
    double x, y;
    if (rt_parse_args(rt, "uniform", "a,b", a, n, kw, v) != RT_OK || num(rt, v[0], &x) != RT_OK ||
        num(rt, v[1], &y) != RT_OK)
        return RT_ERR;
    *out = val_float(x + (y - x) * random_double(state(rt)));
    return RT_OK;
}

static RtStatus int_arg(Rt *rt, Value v, int64_t *out)
{
    if (v.tag == VAL_INT)
        *out = v.u.i;
    else if (v.tag == VAL_BOOL)
        *out = v.u.b;
    else
        return rt_raise_id(rt, CLS_TypeError, "'%s' object cannot be interpreted as an integer",
                           obj_type_name(rt, v));
    return RT_OK;
}

static RtStatus r_randrange(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[3];
    int64_t start = 0, stop = 0, step = 1;
    if (rt_parse_args(rt, "randrange", "start|stop,step", a, n, kw, v) != RT_OK ||
        int_arg(rt, v[0], &start) != RT_OK)
        return RT_ERR;
    if (val_is_undef(v[1])) {
        stop = start;
        start = 0;
    } else if (int_arg(rt, v[1], &stop) != RT_OK) {
        return RT_ERR;
    }
    if (!val_is_undef(v[2]) && int_arg(rt, v[2], &step) != RT_OK)
        return RT_ERR;
    if (step == 0)
        return rt_raise_id(rt, CLS_ValueError, "zero step for randrange()");
    int64_t width = stop - start;
    int64_t cnt = step > 0 ? (width + step - 1) / step : (width + step + 1) / step;
    if (cnt <= 0)
        return rt_raise_id(rt, CLS_ValueError, "empty range for randrange() (%lld, %lld, %lld)",
                           (long long)start, (long long)stop, (long long)width);
    *out = val_int(start + step * (int64_t)randbelow(state(rt), (uint64_t)cnt));
    return RT_OK;
}

static RtStatus r_randint(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[2];
    int64_t lo = 0, hi = 0;
    if (rt_parse_args(rt, "randint", "a,b", a, n, kw, v) != RT_OK || int_arg(rt, v[0], &lo) != RT_OK ||
        int_arg(rt, v[1], &hi) != RT_OK)
        return RT_ERR;
    if (hi + 1 - lo <= 0)
        return rt_raise_id(rt, CLS_ValueError, "empty range for randrange() (%lld, %lld, %lld)",
                           (long long)lo, (long long)(hi + 1), (long long)(hi + 1 - lo));
    *out = val_int(lo + (int64_t)randbelow(state(rt), (uint64_t)(hi + 1 - lo)));
    return RT_OK;
}

static RtStatus r_choice(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    int64_t len;
    if (rt_parse_args(rt, "choice", "seq", a, n, kw, v) != RT_OK || obj_len(rt, v[0], &len) != RT_OK)
        return RT_ERR;
    if (len == 0)
        return rt_raise_id(rt, CLS_IndexError, "Cannot choose from an empty sequence");
    return obj_getitem(rt, v[0], val_int((int64_t)randbelow(state(rt), (uint64_t)len)), out);
}

static RtStatus r_shuffle(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    if (rt_parse_args(rt, "shuffle", "x", a, n, kw, v) != RT_OK)
        return RT_ERR;
    if (!val_is_list(v[0]))
        return rt_raise_id(rt, CLS_TypeError, "'%s' object does not support item assignment",
                           obj_type_name(rt, v[0]));
    List *l = val_list(v[0]);
    for (size_t i = l->len; i > 1; i--) {
        size_t j = (size_t)randbelow(state(rt), i);
        Value t = l->items[i - 1];
        l->items[i - 1] = l->items[j];
        l->items[j] = t;
    }
    *out = VAL_NONE_V;
    return RT_OK;
}

RtStatus mod_random_init(Vm *vm)
{
    Rt *rt = &vm->rt;
    vm->mt = mem_calloc(vm->mem, sizeof *vm->mt);
    if (!vm->mt)
        return rt_no_memory(rt);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint32_t key[2] = {(uint32_t)ts.tv_nsec, (uint32_t)ts.tv_sec};
    init_by_array(vm->mt, key, 2);
    Module *m = module_new(rt, "random");
    if (!m)
        return RT_ERR;
    vm->mod_random = m;
    if (module_add_native(rt, m, "seed", r_seed, vm) != RT_OK ||
        module_add_native(rt, m, "random", r_random, vm) != RT_OK ||
        module_add_native(rt, m, "uniform", r_uniform, vm) != RT_OK ||
        module_add_native(rt, m, "randint", r_randint, vm) != RT_OK ||
        module_add_native(rt, m, "randrange", r_randrange, vm) != RT_OK ||
        module_add_native(rt, m, "choice", r_choice, vm) != RT_OK ||
        module_add_native(rt, m, "shuffle", r_shuffle, vm) != RT_OK)
        return RT_ERR;
    return RT_OK;
}

void mod_random_fini(Vm *vm)
{
    mem_free(vm->mem, vm->mt, sizeof *vm->mt);
    vm->mt = NULL;
}
