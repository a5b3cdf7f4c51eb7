/* fuzz_vm: compile and run arbitrary programs with small limits.
 *
 * The program runs the way the UI runs it: interp_step() one task step at
 * a time on the virtual clock, with a small instruction budget per step,
 * a small memory cap and a short virtual-time cap, so that any input ends
 * quickly. The limits are small on purpose: the error paths they lead to
 * (the budget, MemoryError, the time cap, the interrupt) are hit sooner,
 * and every execution is cheap, which is what 10 million executions on a
 * shared 2-core machine need. After MAX_STEPS steps the harness interrupts the program (the
 * UI's Ctrl-C) and the program must then finish within a few more steps:
 * an interrupted program that keeps running is a finding, like a crash. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/lang/interp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
    MAX_STEPS = 500,        /* interp_step calls before the interrupt */
    MAX_AFTER_STOP = 10000, /* steps an interrupted program may still take */
};

typedef struct Out {
    size_t bytes; /* output seen; only counted */
} Out;

static void sink(void *host, const char *text, size_t len)
{
    Out *o = host;
    (void)text;
    o->bytes += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Out out = {0};
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = sink;
    cfg.err = sink;
    cfg.host = &out;
    cfg.clock = INTERP_CLOCK_VIRTUAL;
    cfg.step_budget = 5000;   /* instructions per task step */
    cfg.mem_limit = 8u << 20; /* a list or str growing hits MemoryError fast */
    cfg.max_virtual_time = 100.0;
    cfg.trace = size % 2; /* the trace recorder on half the inputs */

    Interp *ip = interp_new(&cfg);
    if (!ip)
        return 0;
    if (interp_load(ip, (const char *)data, size, "fuzz.py") == 0) {
        InterpState st = INTERP_READY;
        int steps = 0;
        while (st != INTERP_FINISHED && steps < MAX_STEPS) {
            st = interp_step(ip, steps % 7 == 6 ? INTERP_STEP_ITERATION : INTERP_STEP_TASK);
            (void)interp_now(ip);
            (void)interp_next_deadline(ip);
            steps++;
        }
        if (st != INTERP_FINISHED) {
            interp_interrupt(ip);
            for (steps = 0; st != INTERP_FINISHED; steps++) {
                if (steps == MAX_AFTER_STOP) {
                    fprintf(stderr, "fuzz_vm: the program still runs %d steps after "
                                    "interp_interrupt\n",
                            steps);
                    abort();
                }
                st = interp_step(ip, INTERP_STEP_TASK);
            }
        }
        if (interp_exit_status(ip) < 0) {
            fprintf(stderr, "fuzz_vm: finished with exit status -1\n");
            abort();
        }
    }
    interp_free(ip);
    return 0;
}
