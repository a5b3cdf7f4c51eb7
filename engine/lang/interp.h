/* interp: the embedding API of the lesson-language interpreter.
 *
 * One Interp runs one lesson program: it compiles the source, runs the
 * module's code and every event loop the program starts (asyncio.run), and
 * hands all output to the host through callbacks (never fd 1 or 2). It is
 * used by `aiotutor run` (app/cmd_run.c), by the terminal UI (which drives
 * the program step by step and draws between steps) and by the exercise
 * checker (which runs a student's program and reads its output and trace).
 *
 * Typical batch use:
 *     InterpConfig cfg;
 *     interp_config_init(&cfg);
 *     cfg.out = my_write; cfg.err = my_write_err; cfg.host = me;
 *     Interp *ip = interp_new(&cfg);
 *     if (interp_load(ip, src, len, "prog.py") == 0)   // else: SyntaxError
 *         interp_run(ip);                              // already printed
 *     int status = interp_exit_status(ip);            // 0 or 1
 *     interp_free(ip);
 *
 * Stepped use (the UI): after interp_load, call interp_step() repeatedly;
 * each call does a bounded amount of work (one task step, or the module code
 * up to the point where it starts an event loop or finishes) and says what
 * happens next, so the host can draw, read keys and decide when to call
 * again. Nothing in here blocks unless the host asked for the real clock
 * and interp_run().
 *
 * Errors: nothing is printed to the terminal by the interpreter; SyntaxErrors,
 * tracebacks and warnings go to cfg.err exactly as CPython would print them
 * (the last line is what the corpus compares). Failure to allocate the
 * Interp itself returns NULL.
 */
#ifndef AIO_LANG_INTERP_H
#define AIO_LANG_INTERP_H

#include <stddef.h>
#include <stdint.h>

typedef struct Interp Interp;

/* Output callback: `len` bytes of UTF-8 text (not NUL-terminated). */
typedef void (*InterpWriteFn)(void *host, const char *text, size_t len);

typedef enum InterpClock {
    INTERP_CLOCK_VIRTUAL, /* sleeps take no time; the clock jumps */
    INTERP_CLOCK_REAL,    /* sleeps take real time, scaled by `speed` */
    INTERP_CLOCK_STEPPED  /* the host advances time (interp_step only) */
} InterpClock;

/* One URL of the simulated network, as the host describes it. The loader's
 * strings must live as long as the Interp. Fields left at their "default"
 * value take the documented defaults (lessons/README.md). */
typedef struct InterpNetReply {
    int64_t latency_ns; /* -1: default (0.5 s) */
    int status;         /* 0: default (200) */
    const char *body;   /* NULL: "<content of URL>", cut/repeated to `size` */
    long size;          /* -1: none; only used when body is NULL */
} InterpNetReply;
typedef void (*InterpNetFn)(void *net_host, const char *url, InterpNetReply *reply);

typedef struct InterpConfig {
    InterpWriteFn out; /* the program's stdout (print); NULL discards */
    InterpWriteFn err; /* stderr: tracebacks, warnings; NULL discards */
    void *host;        /* passed to out and err */
    InterpClock clock; /* default INTERP_CLOCK_VIRTUAL */
    double speed;      /* real clock: 2.0 runs twice as fast; default 1.0 */
    /* Limits; 0 means the default given in brackets. */
    uint64_t step_budget;  /* instructions one task step (or the module code
                              between awaits) may run [30M backward jumps
                              and calls, well under a second] */
    int recursion_limit;   /* nested Python calls [1000] -> RecursionError */
    size_t mem_limit;      /* bytes the program may hold [1 GiB] -> MemoryError */
    double max_virtual_time; /* seconds of loop time [1e7] -> RuntimeError */
    uint64_t spin_limit;   /* task steps in a row while the clock stands still:
                              no timer fires, the loop never has to wait
                              (`while True: await asyncio.sleep(0)`) [3M,
                              a third of a second] -> RuntimeError */
    uint64_t busy_limit;   /* task steps the program may run without the event
                              loop ever having to wait for time to pass: a
                              whole run under the virtual clock, where sleeps
                              take no time (`while True: await
                              asyncio.sleep(1)`); under the real and stepped
                              clocks only the steps since the last real wait,
                              so a program that sleeps may live as long as it
                              likes [3M, under a second] -> RuntimeError */
    int trace;             /* record the engine trace (interp_trace) [0] */
    /* The simulated network of `requests` and `aiohttp` (engine/lang/net.h):
     * net(net_host, url, &reply) fills in what the host knows about url;
     * NULL: every URL gets the defaults (lessons/README.md). */
    InterpNetFn net;
    void *net_host;
} InterpConfig;

/* Fills *cfg with the defaults above (no callbacks). */
void interp_config_init(InterpConfig *cfg);

/* A compile-time diagnostic (SyntaxError and its subclasses). */
typedef struct InterpDiag {
    char kind[32];  /* "SyntaxError", "IndentationError", "TabError" */
    char msg[256];  /* "expected ':'" */
    int line;       /* 1-based, 0 if none */
    int col;        /* 1-based column of the caret (characters), 0 if none */
    char text[1024];/* the whole block python3 prints, lines end in '\n' */
} InterpDiag;

/* Compile `src` without running it. Returns 0 when it compiles, -1 with *d
 * filled on a SyntaxError (or -2 when out of memory). For editors and
 * checkers that want a diagnostic without an Interp. */
int interp_check(const char *src, size_t len, const char *filename, InterpDiag *d);

/* A new interpreter (copies *cfg; cfg may be NULL for defaults). */
Interp *interp_new(const InterpConfig *cfg);
void interp_free(Interp *ip); /* NULL is fine; frees everything it made */

/* Compile the program. Returns 0 on success; on a SyntaxError writes it to
 * cfg.err, sets the exit status to 1, fills interp_diag() and returns -1.
 * `filename` is the name tracebacks show ("prog.py", "<stdin>"). */
int interp_load(Interp *ip, const char *src, size_t len, const char *filename);
const InterpDiag *interp_diag(const Interp *ip); /* last load's diagnostic */

/* Run the loaded program to the end (all of its event loops). Returns the
 * exit status (also interp_exit_status). With the real clock, sleeps wait. */
int interp_run(Interp *ip);

typedef enum InterpStepMode {
    INTERP_STEP_TASK,      /* at most one task step (or one callback) */
    INTERP_STEP_ITERATION, /* one whole loop iteration */
} InterpStepMode;

typedef enum InterpState {
    INTERP_READY,    /* more work can run now: call interp_step again */
    INTERP_WAITING,  /* only timers are pending; the next one is due at
                        interp_next_deadline() (real/stepped clock) */
    INTERP_FINISHED, /* the program ended; see interp_exit_status */
} InterpState;

/* Do a bounded amount of work and return what comes next. Before the first
 * event loop starts (and between loops) one call runs module code until it
 * starts a loop or ends. Under the virtual clock WAITING never happens (time
 * jumps). Under the stepped clock the host moves time with
 * interp_advance_to(). */
InterpState interp_step(Interp *ip, InterpStepMode mode);
/* Loop time (ns since the program started) of the next timer, or -1. */
int64_t interp_next_deadline(const Interp *ip);
/* Stepped clock: set the loop's time (ns; never backwards). */
void interp_advance_to(Interp *ip, int64_t t_ns);
/* Loop time now, in ns. */
int64_t interp_now(const Interp *ip);
/* Whether an event loop (asyncio.run) is running: output written now comes
 * from a task or a callback, not from the module code. */
int interp_in_loop(const Interp *ip);

/* Stop the program from the outside (the UI's Ctrl-C): the next step raises
 * KeyboardInterrupt-like termination; exit status 1. */
void interp_interrupt(Interp *ip);

/* 0 (ended normally), 1 (uncaught exception, SyntaxError, limit hit), or -1
 * while the program has not finished. */
int interp_exit_status(const Interp *ip);

/* The engine's trace of every event loop run so far (engine/trace.h), when
 * cfg.trace was set; NULL otherwise. Owned by the Interp. */
struct Trace;
struct Trace *interp_trace(const Interp *ip);

/* The qualified name of the coroutine a task (by trace id) was created
 * with ("main", "worker.<locals>.step"), or NULL (unknown, native). */
const char *interp_task_coro_name(const Interp *ip, uint64_t task_id);

/* Whether trace event e creates one of asyncio.run's own shutdown tasks
 * (shutdown_asyncgens, the default executor): they take Task-N numbers as
 * in CPython, but they are not the program's, so timelines give them no
 * lane. They are the tasks created with no parent after the loop's first
 * iteration (a program's tasks have the running task as parent; its main
 * task is created before the first iteration). */
struct TraceEvent;
int interp_trace_internal_task(const struct TraceEvent *e);

/* The source line (1-based) a pending task (by trace id) is paused at: the
 * current instruction of the innermost frame of its suspended coroutine
 * chain (the running instruction while the task runs, e.g. in a blocking
 * time.sleep); the first line of its coroutine before its first step. -1
 * when the task is unknown, done or not a Python coroutine. task_id 0 is the
 * module code (the main program): the line it is paused at, -1 if none. */
int interp_task_line(const Interp *ip, uint64_t task_id);

/* The parsed program (engine/lang/ast.h) for structural checks; NULL before
 * a successful interp_load. Owned by the Interp. */
struct Ast;
const struct Ast *interp_ast(const Interp *ip);

/* Disassembly of the loaded program (every code object), through `out`. */
void interp_disassemble(Interp *ip, InterpWriteFn out, void *host);

#endif
