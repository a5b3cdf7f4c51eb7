/* cmd_run: `aiotutor run FILE`, a lesson program in the terminal, the way
 * `python3 FILE` runs it: stdout is the program's output, stderr its
 * warnings and tracebacks, exit status 0 / 1 (uncaught exception or syntax
 * error) / 2 (usage, unreadable file). Options add a text timeline of the
 * run (app/textline.c) and a Chrome trace event file (app/chrometrace.c). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/chrometrace.h"
#include "app/cli.h"
#include "app/netcfg.h"
#include "app/textline.h"
#include "engine/lang/interp.h"
#include "engine/trace.h"

/* With --timeline: the main program's lane follows the module code's
 * output (textline.h). */
typedef struct RunOut {
    Interp *ip;       /* set once made */
    TextlineMain *tm; /* NULL without --timeline */
    bool bol;         /* stdout is at the start of a line */
} RunOut;

static void main_wrote(RunOut *o, bool print)
{
    if (o->tm && o->ip && !interp_in_loop(o->ip))
        textline_main_seen(o->tm, interp_trace(o->ip), interp_now(o->ip), print);
}

static void write_out(void *host, const char *s, size_t n)
{
    RunOut *o = host;
    if (n) {
        main_wrote(o, o->bol);
        o->bol = s[n - 1] == '\n';
    }
    fwrite(s, 1, n, stdout);
}

static void write_err(void *host, const char *s, size_t n)
{
    main_wrote(host, false);
    fflush(stdout);
    fwrite(s, 1, n, stderr);
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static void print_help(void)
{
    printf("Usage: aiotutor run [OPTION]... FILE\n"
           "Run a lesson-language program (a Python 3.11 subset) as python3 would,\n"
           "on aiotutor's own event loop. FILE '-' reads standard input.\n"
           "\n"
           "  --clock=virtual|real  virtual: sleeps take no time (the clock jumps);\n"
           "                        real: sleeps take real time (default)\n"
           "  --speed=X             real clock only: run X times faster\n"
           "  --timeline            print a timeline of the tasks after the run\n"
           "  --trace=FILE          write the run as Chrome trace events (JSON) to FILE\n"
           "  --disassemble         print the bytecode instead of running\n"
           "  --net=FILE            the simulated network's URLs (JSON, as a lesson's \"network\")\n"
           "  -h, --help            display this help and exit\n"
           "\n"
           "Limits (a program past one ends with an error, exit status 1):\n"
           "  --step-budget=N       loop passes and calls one task step may run before\n"
           "                        it counts as an endless loop (default 30000000)\n"
           "  --max-steps=N         task steps the program may run at one instant, or\n"
           "                        without the loop ever waiting for time to pass\n"
           "                        (default 3000000)\n"
           "  --recursion-limit=N   nested calls before RecursionError (default 1000)\n"
           "  --memory-limit=MIB    memory the program may hold before MemoryError\n"
           "                        (default 1024)\n"
           "  --max-time=SECONDS    seconds of event-loop time, virtual or real\n"
           "                        (default 10000000)\n");
}

/* A limit's value: the whole argument is a whole number in [lo, hi]. */
static bool limit_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* --name=VALUE for the limits; 1 when a handled, 0 when a is not a limit,
 * 2 (the usage error's status, already printed) when VALUE is invalid. */
static int parse_limit(const char *a, InterpConfig *cfg)
{
    uint64_t v;
    const char *val;
    if (strncmp(a, "--step-budget=", 14) == 0) {
        val = a + 14;
        if (!limit_u64(val, 1000, UINT64_C(1) << 40, &v))
            goto bad;
        cfg->step_budget = v;
    } else if (strncmp(a, "--max-steps=", 12) == 0) {
        val = a + 12;
        if (!limit_u64(val, 100, UINT64_C(1) << 40, &v))
            goto bad;
        cfg->spin_limit = cfg->busy_limit = v;
    } else if (strncmp(a, "--recursion-limit=", 18) == 0) {
        val = a + 18;
        /* Python calls nest on the heap; calls made from C (a sort key)
         * are cut by the VM's C-stack guard (vm_call), whatever this says. */
        if (!limit_u64(val, 10, 20000, &v))
            goto bad;
        cfg->recursion_limit = (int)v;
    } else if (strncmp(a, "--memory-limit=", 15) == 0) {
        val = a + 15;
        if (!limit_u64(val, 1, (uint64_t)(SIZE_MAX >> 21), &v))
            goto bad;
        cfg->mem_limit = (size_t)v << 20;
    } else if (strncmp(a, "--max-time=", 11) == 0) {
        val = a + 11;
        char *end;
        errno = 0;
        double d = strtod(val, &end);
        if (errno || *end || end == val || !(d > 0) || d > 1e12)
            goto bad;
        cfg->max_virtual_time = d;
    } else {
        return 0;
    }
    return 1;
bad:;
    int n = (int)(strchr(a, '=') - a);
    return cli_usage_error("run: invalid %.*s '%s'", n, a, val);
}

static const char *coro_name(void *ctx, uint64_t task_id)
{
    return interp_task_coro_name(ctx, task_id);
}

int cli_run(int argc, char **argv)
{
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.clock = INTERP_CLOCK_REAL;
    RunOut ro = {.bol = true};
    cfg.out = write_out;
    cfg.err = write_err;
    cfg.host = &ro;
    bool timeline = false, disasm = false;
    int lr;
    const char *trace_path = NULL, *file = NULL, *net_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return 0;
        } else if (strcmp(a, "--clock=virtual") == 0) {
            cfg.clock = INTERP_CLOCK_VIRTUAL;
        } else if (strcmp(a, "--clock=real") == 0) {
            cfg.clock = INTERP_CLOCK_REAL;
        } else if (strncmp(a, "--clock=", 8) == 0) {
            return cli_usage_error("run: invalid clock '%s' (use virtual or real)", a + 8);
        } else if (strncmp(a, "--speed=", 8) == 0) {
            char *end;
            errno = 0;
            double s = strtod(a + 8, &end);
            if (errno || *end || !(s > 0) || s > 1e9)
                return cli_usage_error("run: invalid speed '%s' (a positive number)", a + 8);
            cfg.speed = s;
        } else if (strcmp(a, "--timeline") == 0) {
            timeline = true;
        } else if (strncmp(a, "--trace=", 8) == 0 && a[8]) {
            trace_path = a + 8;
        } else if (strncmp(a, "--net=", 6) == 0 && a[6]) {
            net_path = a + 6;
        } else if (strncmp(a, "--", 2) == 0 && strchr(a, '=') && (lr = parse_limit(a, &cfg)) != 0) {
            if (lr == 2)
                return 2;
        } else if (strcmp(a, "--disassemble") == 0) {
            disasm = true;
        } else if (strcmp(a, "-") == 0 || a[0] != '-') {
            if (file)
                return cli_usage_error("run: only one FILE may be given");
            file = a;
        } else {
            return cli_usage_error("run: unrecognized option '%s'", a);
        }
    }
    if (!file)
        return cli_usage_error("run: missing FILE");
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "aiotutor: can't open file '%s': %s\n", file, strerror(errno));
        return 2;
    }
    size_t len = 0;
    char *src = read_all(f, &len);
    if (f != stdin)
        fclose(f);
    if (!src) {
        fprintf(stderr, "aiotutor: can't read file '%s'\n", file);
        return 2;
    }
    cfg.trace = timeline || trace_path;
    NetCfg *net = NULL;
    if (net_path) {
        char err[512];
        if (!(net = netcfg_load(net_path, err, sizeof err))) {
            free(src);
            fprintf(stderr, "aiotutor: %s\n", err);
            return 2;
        }
        cfg.net = netcfg_reply;
        cfg.net_host = net;
    }
    /* Opened before the run, so a path that can't be written is said before
     * a long run, not after it. */
    FILE *trace_file = NULL;
    if (trace_path && !(trace_file = fopen(trace_path, "w"))) {
        fprintf(stderr, "aiotutor: can't write trace file '%s': %s\n", trace_path, strerror(errno));
        netcfg_free(net);
        free(src);
        return 2;
    }
    Interp *ip = interp_new(&cfg);
    if (!ip) {
        if (trace_file)
            fclose(trace_file);
        netcfg_free(net);
        free(src);
        fprintf(stderr, "aiotutor: out of memory\n");
        return 1;
    }
    ro.ip = ip;
    if (timeline && !(ro.tm = textline_main_new())) {
        if (trace_file)
            fclose(trace_file);
        interp_free(ip);
        netcfg_free(net);
        free(src);
        fprintf(stderr, "aiotutor: out of memory\n");
        return 1;
    }
    const char *name = strcmp(file, "-") == 0 ? "<stdin>" : file;
    int status = 1;
    if (interp_load(ip, src, len, name) == 0) {
        if (disasm) {
            interp_disassemble(ip, write_out, NULL);
            status = 0;
        } else {
            status = interp_run(ip);
        }
    }
    fflush(stdout);
    if (ro.tm)
        textline_main_end(ro.tm, interp_now(ip));
    if (timeline && interp_trace(ip))
        textline_print_main(interp_trace(ip), ro.tm, stdout, 80, coro_name, ip);
    if (trace_file) {
        int r = interp_trace(ip) ? chrometrace_write(interp_trace(ip), trace_file, coro_name, ip) : 0;
        int e = errno;
        if (fclose(trace_file) != 0 && r == 0) {
            r = -1;
            e = errno;
        }
        if (r != 0) {
            fprintf(stderr, "aiotutor: can't write trace file '%s': %s\n", trace_path, strerror(e));
            if (status == 0)
                status = 1;
        } else if (interp_trace(ip) && trace_truncated(interp_trace(ip))) {
            fprintf(stderr, "aiotutor: trace file '%s' holds only the start of the run (out of memory)\n",
                    trace_path);
        }
    }
    ro.ip = NULL;
    interp_free(ip);
    textline_main_free(ro.tm);
    netcfg_free(net);
    free(src);
    return status;
}
