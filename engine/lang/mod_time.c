/* mod_time: the time module on the program's clock. time.sleep blocks the
 * whole event loop (asyncio-semantics §10) and advances the clock; time()
 * starts at 1700000000.0 and perf_counter()/monotonic() at 0.0, so that
 * outputs are reproducible under the virtual clock. */
#include <time.h>

#include "engine/lang/vm.h"

int64_t vm_now_ns(Vm *vm)
{
    return vm->loop ? loop_time(vm->loop) : vm->host.now_ns;
}

void vm_block_for(Vm *vm, int64_t ns)
{
    if (ns <= 0)
        return;
    if (vm->loop) {
        loop_block_for(vm->loop, ns);
        return;
    }
    double speed = 1.0;
    if (vm_clock(vm, &speed) == INTERP_CLOCK_REAL && speed > 0) {
        double real = (double)ns / speed;
        struct timespec ts;
        ts.tv_sec = (time_t)(real / 1e9);
        ts.tv_nsec = (long)(real - (double)ts.tv_sec * 1e9);
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    vm->host.now_ns += ns;
}

static RtStatus seconds_arg(Rt *rt, Value v, double *out)
{
    if (v.tag == VAL_INT)
        *out = (double)v.u.i;
    else if (v.tag == VAL_FLOAT)
        *out = v.u.f;
    else if (v.tag == VAL_BOOL)
        *out = v.u.b;
    else
        return rt_raise_id(rt, CLS_TypeError, "'%s' object cannot be interpreted as an integer",
                           obj_type_name(rt, v));
    return RT_OK;
}

static RtStatus t_sleep(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    Value v[1];
    double s = 0;
    if (rt_parse_args(rt, "sleep", "secs", a, n, kw, v) != RT_OK || seconds_arg(rt, v[0], &s) != RT_OK)
        return RT_ERR;
    if (s < 0)
        return rt_raise_id(rt, CLS_ValueError, "sleep length must be non-negative");
    vm_block_for(vm_of(rt), loop_ns_from_seconds(s));
    *out = VAL_NONE_V;
    return RT_OK;
}

static RtStatus t_time(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (rt_parse_args(rt, "time", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_float(1700000000.0 + (double)vm_now_ns(vm_of(rt)) / 1e9);
    return RT_OK;
}

static RtStatus t_perf_counter(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (rt_parse_args(rt, "perf_counter", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_float((double)vm_now_ns(vm_of(rt)) / 1e9);
    return RT_OK;
}

static RtStatus t_ns(Rt *rt, Value self, const Value *a, size_t n, Tuple *kw, Value *out)
{
    (void)self;
    if (rt_parse_args(rt, "perf_counter_ns", "", a, n, kw, NULL) != RT_OK)
        return RT_ERR;
    *out = val_int(vm_now_ns(vm_of(rt)));
    return RT_OK;
}

RtStatus mod_time_init(Vm *vm)
{
    Rt *rt = &vm->rt;
    Module *m = module_new(rt, "time");
    if (!m)
        return RT_ERR;
    vm->mod_time = m;
    if (module_add_native(rt, m, "sleep", t_sleep, vm) != RT_OK ||
        module_add_native(rt, m, "time", t_time, vm) != RT_OK ||
        module_add_native(rt, m, "perf_counter", t_perf_counter, vm) != RT_OK ||
        module_add_native(rt, m, "monotonic", t_perf_counter, vm) != RT_OK ||
        module_add_native(rt, m, "perf_counter_ns", t_ns, vm) != RT_OK ||
        module_add_native(rt, m, "monotonic_ns", t_ns, vm) != RT_OK)
        return RT_ERR;
    return RT_OK;
}
