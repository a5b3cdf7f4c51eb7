/* Check suite for the compiler and the VM, through the embedding API
 * (engine/lang/interp.h): small programs whose output CPython 3.11 gives. */
#include "engine/lang/interp.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Cap {
    char out[8192], err[8192];
    size_t nout, nerr;
} Cap;

static void cap_out(void *host, const char *s, size_t n)
{
    Cap *c = host;
    if (c->nout + n < sizeof c->out) {
        memcpy(c->out + c->nout, s, n);
        c->nout += n;
        c->out[c->nout] = 0;
    }
}

static void cap_err(void *host, const char *s, size_t n)
{
    Cap *c = host;
    if (c->nerr + n < sizeof c->err) {
        memcpy(c->err + c->nerr, s, n);
        c->nerr += n;
        c->err[c->nerr] = 0;
    }
}

/* Runs src; returns the exit status; output in *c. */
static int run_cfg(const char *src, Cap *c, InterpConfig *cfg)
{
    memset(c, 0, sizeof *c);
    cfg->out = cap_out;
    cfg->err = cap_err;
    cfg->host = c;
    Interp *ip = interp_new(cfg);
    ck_assert_ptr_nonnull(ip);
    int st = 1;
    if (interp_load(ip, src, strlen(src), "t.py") == 0)
        st = interp_run(ip);
    ck_assert_int_eq(interp_exit_status(ip), st);
    interp_free(ip);
    return st;
}

static int run(const char *src, Cap *c)
{
    InterpConfig cfg;
    interp_config_init(&cfg);
    return run_cfg(src, c, &cfg);
}

/* The last non-empty line of the captured stderr. */
static const char *last_err_line(Cap *c)
{
    size_t n = c->nerr;
    while (n > 0 && c->err[n - 1] == '\n')
        c->err[--n] = 0;
    char *p = strrchr(c->err, '\n');
    return p ? p + 1 : c->err;
}

#define EXPECT(src, want_out)                                                                           \
    do {                                                                                           \
        Cap c_;                                                                                    \
        int st_ = run(src, &c_);                                                                   \
        ck_assert_msg(st_ == 0, "status %d, stderr: %s", st_, c_.err);                             \
        ck_assert_str_eq(c_.out, want_out);                                                        \
    } while (0)

#define EXPECT_ERR(src, want_out, lastline)                                                             \
    do {                                                                                           \
        Cap c_;                                                                                    \
        int st_ = run(src, &c_);                                                                   \
        ck_assert_int_eq(st_, 1);                                                                  \
        ck_assert_str_eq(c_.out, want_out);                                                             \
        ck_assert_str_eq(last_err_line(&c_), lastline);                                            \
    } while (0)

/* The frames of CPython's asyncio.run between the program's call and its
 * main coroutine, in every traceback of an exception main lets out. */
#define RUNNER_FRAMES                                                                              \
    "  File \"<stdlib>/asyncio/runners.py\", line 190, in run\n"                                  \
    "    return runner.run(main)\n"                                                               \
    "           ^^^^^^^^^^^^^^^^\n"                                                               \
    "  File \"<stdlib>/asyncio/runners.py\", line 118, in run\n"                                  \
    "    return self._loop.run_until_complete(task)\n"                                            \
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"                                            \
    "  File \"<stdlib>/asyncio/base_events.py\", line 653, in run_until_complete\n"               \
    "    return future.result()\n"                                                                \
    "           ^^^^^^^^^^^^^^^\n"

START_TEST(test_arith_and_print)
{
    EXPECT("print(1 + 2, 7 // 2, -7 // 2, 7 % -3, 2 ** 10, 1 / 4, sep='|', end='!\\n')\n",
           "3|3|-4|-2|1024|0.25!\n");
    EXPECT("a, b = 1, 2\na, b = b, a\nprint(a, b)\nx = y = [0]\nx.append(1)\nprint(y)\n",
           "2 1\n[0, 1]\n");
    EXPECT("print(1 < 2 < 3, 1 < 3 < 2, 'a' in 'cat', 3 not in [1, 2], None is None)\n",
           "True False True True True\n");
}
END_TEST

START_TEST(test_functions_and_closures)
{
    EXPECT("def f(a, b=2, *rest, k=3):\n    return (a, b, rest, k)\n"
           "print(f(1), f(1, 5, 6, 7, k=0), f(b=9, a=8))\n",
           "(1, 2, (), 3) (1, 5, (6, 7), 0) (8, 9, (), 3)\n");
    EXPECT("def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n"
           "    return inc\nc = counter()\nc()\nc()\nprint(c())\n",
           "3\n");
    EXPECT("fs = [lambda x, i=i: x * i for i in range(3)]\nprint([f(10) for f in fs])\n",
           "[0, 10, 20]\n");
    EXPECT("g = 0\ndef bump():\n    global g\n    g += 5\nbump()\nprint(g)\n", "5\n");
    EXPECT("print({k: v * 2 for k, v in [('a', 1), ('b', 2)] if v > 1}, [x + y for x in 'ab' for y in 'cd'])\n",
           "{'b': 4} ['ac', 'ad', 'bc', 'bd']\n");
}
END_TEST

START_TEST(test_call_errors)
{
    EXPECT_ERR("def f(a, b):\n    pass\nf(1)\n", "",
               "TypeError: f() missing 1 required positional argument: 'b'");
    EXPECT_ERR("def f(a):\n    pass\nf(1, 2)\n", "",
               "TypeError: f() takes 1 positional argument but 2 were given");
    EXPECT_ERR("def f(a):\n    pass\nf(1, z=2)\n", "",
               "TypeError: f() got an unexpected keyword argument 'z'");
}
END_TEST

START_TEST(test_loops)
{
    EXPECT("for i in range(5):\n    if i == 1:\n        continue\n    if i == 3:\n        break\n    print(i)\n"
           "else:\n    print('no')\n",
           "0\n2\n");
    EXPECT("n = 0\nwhile n < 3:\n    n += 1\nelse:\n    print('done', n)\n", "done 3\n");
    EXPECT("for i, (a, b) in enumerate(zip('xy', [1, 2])):\n    print(i, a, b)\n", "0 x 1\n1 y 2\n");
}
END_TEST

START_TEST(test_try_finally)
{
    EXPECT("def f():\n    try:\n        return 1\n    finally:\n        print('fin')\nprint(f())\n",
           "fin\n1\n");
    EXPECT("for i in range(3):\n    try:\n        if i == 1:\n            break\n    finally:\n        print('f', i)\n",
           "f 0\nf 1\n");
    EXPECT("try:\n    try:\n        1 / 0\n    finally:\n        print('inner')\nexcept ZeroDivisionError as e:\n"
           "    print('caught', e)\nelse:\n    print('no')\n",
           "inner\ncaught division by zero\n");
    EXPECT("def g():\n    try:\n        raise KeyError('k')\n    except (ValueError, KeyError) as e:\n"
           "        return repr(e)\nprint(g())\n",
           "KeyError('k')\n");
    EXPECT("try:\n    raise ValueError('a')\nexcept ValueError:\n    try:\n        raise\n    except ValueError as e:\n"
           "        print('again', e)\n",
           "again a\n");
}
END_TEST

START_TEST(test_tracebacks)
{
    Cap c;
    ck_assert_int_eq(run("def f(x):\n    return 10 / x\nf(0)\n", &c), 1);
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                            "  File \"t.py\", line 3, in <module>\n"
                            "    f(0)\n"
                            "  File \"t.py\", line 2, in f\n"
                            "    return 10 / x\n"
                            "           ~~~^~~\n"
                            "ZeroDivisionError: division by zero\n");
    EXPECT_ERR("d = {}\nd['missing']\n", "", "KeyError: 'missing'");
    EXPECT_ERR("try:\n    1 / 0\nexcept ZeroDivisionError:\n    raise ValueError('v') from None\n", "",
               "ValueError: v");
    EXPECT_ERR("prnt('x')\n", "", "NameError: name 'prnt' is not defined. Did you mean: 'print'?");
    EXPECT_ERR("import numpy\n", "", "ModuleNotFoundError: No module named 'numpy'");
    EXPECT_ERR("assert 1 == 2, 'nope'\n", "", "AssertionError: nope");
}
END_TEST

/* Where CPython 3.11 puts carets and what it suggests (texts from python3
 * through the oracle): an assert's AssertionError at the last comparison of
 * its test; `~^~` kept on a line the expression fills when it has an
 * operator or an index; an uncaught traceback's line with its trailing
 * spaces; a method looked up before its arguments run, a missing one
 * underlined as `obj.name`; "Did you mean" from dir() for attributes (lists,
 * strings, modules, tasks), and tasks named _asyncio.Task in messages. */
/* A lone \r ends a line as \n and \r\n do (CPython's tokenizer): the
 * traceback shows the line the error is on, carets in its columns
 * (CPython 3.11's output for the same files). */
START_TEST(test_cr_line_ends)
{
    Cap c;
    ck_assert_int_eq(run("x = (1 +\r 2 ** 3 ** [5])\n", &c), 1);
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    2 ** 3 ** [5])\n"
                "         ~~^^~~~~\n"
                "TypeError: unsupported operand type(s) for ** or pow(): 'int' and 'list'\n");
    ck_assert_int_eq(run("print(1)\rx = [1]\r\nx[5]\r", &c), 1);
    ck_assert_str_eq(c.out, "1\n");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 3, in <module>\n"
                "    x[5]\n"
                "    ~^^^\n"
                "IndexError: list index out of range\n");
}
END_TEST

START_TEST(test_carets_and_suggestions)
{
    Cap c;
    ck_assert_int_eq(run("x = 5\n"
                "y = 0\n"
                "assert x > 10 and y\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 3, in <module>\n"
                "    assert x > 10 and y\n"
                "           ^^^^^^\n"
                "AssertionError\n");
    ck_assert_int_eq(run("x = 5\n"
                "assert isinstance(x, str), 'not a str'\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    assert isinstance(x, str), 'not a str'\n"
                "AssertionError: not a str\n");
    ck_assert_int_eq(run("x = 5\n"
                "y = 0\n"
                "assert (y or x > 10) and y, 'm'\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 3, in <module>\n"
                "    assert (y or x > 10) and y, 'm'\n"
                "                 ^^^^^^\n"
                "AssertionError: m\n");
    ck_assert_int_eq(run("x = [1]\n"
                "x[5]\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    x[5]\n"
                "    ~^^^\n"
                "IndexError: list index out of range\n");
    ck_assert_int_eq(run("x = [1]\n"
                "(x)  [5]\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    (x)  [5]\n"
                "    ~~~~~^^^\n"
                "IndexError: list index out of range\n");
    ck_assert_int_eq(run("x = 1\n"
                "-'x'   \n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    -'x'   \n"
                "    ^^^^\n"
                "TypeError: bad operand type for unary -: 'str'\n");
    ck_assert_int_eq(run("def side(v):\n"
                "    print('side', v)\n"
                "    return v\n"
                "x = []\n"
                "x.foo(side(1))\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 5, in <module>\n"
                "    x.foo(side(1))\n"
                "    ^^^^^\n"
                "AttributeError: 'list' object has no attribute 'foo'\n");
    ck_assert_int_eq(run("x = []\n"
                "x.foo()\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    x.foo()\n"
                "    ^^^^^\n"
                "AttributeError: 'list' object has no attribute 'foo'\n");
    ck_assert_int_eq(run("x = [1]\n"
                "x.pop(5)\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    x.pop(5)\n"
                "IndexError: pop index out of range\n");
    EXPECT_ERR("x = []\n"
                "x.apend(1)\n",
               "", "AttributeError: 'list' object has no attribute 'apend'. Did you mean: 'append'?");
    EXPECT_ERR("import asyncio\n"
                "asyncio.slep(1)\n",
               "", "AttributeError: module 'asyncio' has no attribute 'slep'. Did you mean: 'sleep'?");
    EXPECT_ERR("import asyncio\n"
                "async def w():\n"
                "    pass\n"
                "asyncio.create_tsk(w())\n",
               "", "AttributeError: module 'asyncio' has no attribute 'create_tsk'. Did you mean: 'create_task'?");
    EXPECT_ERR("import time\n"
                "time.perfcounter()\n",
               "", "AttributeError: module 'time' has no attribute 'perfcounter'. Did you mean: 'perf_counter'?");
    EXPECT_ERR("x = 'a'\n"
                "x.uppr()\n",
               "", "AttributeError: 'str' object has no attribute 'uppr'. Did you mean: 'upper'?");
    EXPECT_ERR("d = {}\n"
                "d.iteritems()\n",
               "", "AttributeError: 'dict' object has no attribute 'iteritems'");
    EXPECT_ERR("import asyncio\n"
                "async def main():\n"
                "    t = asyncio.create_task(asyncio.sleep(0))\n"
                "    t.cancell()\n"
                "asyncio.run(main())\n",
               "", "AttributeError: '_asyncio.Task' object has no attribute 'cancell'. Did you mean: 'cancel'?");
    EXPECT_ERR("import asyncio\n"
                "async def main():\n"
                "    t = asyncio.create_task(asyncio.sleep(0))\n"
                "    t[0]\n"
                "asyncio.run(main())\n",
               "", "TypeError: '_asyncio.Task' object is not subscriptable");
}
END_TEST

/* A mistake caught inside CPython's asyncio (asyncio.run(5), asyncio.run in
 * a coroutine, create_task(5), wait([]), a full or empty queue, releasing
 * a free lock...) shows asyncio's frames where it was raised (texts from
 * python3 through the oracle), and what those frames hold lives as long as
 * the exception (the never-awaited warnings after the traceback). */
START_TEST(test_asyncio_raises)
{
    Cap c;
    ck_assert_int_eq(run("import asyncio\n"
                "asyncio.run(5)\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    asyncio.run(5)\n"
                "  File \"<stdlib>/asyncio/runners.py\", line 190, in run\n"
                "    return runner.run(main)\n"
                "           ^^^^^^^^^^^^^^^^\n"
                "  File \"<stdlib>/asyncio/runners.py\", line 89, in run\n"
                "    raise ValueError(\"a coroutine was expected, got {!r}\".format(coro))\n"
                "ValueError: a coroutine was expected, got 5\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    asyncio.run(asyncio.sleep(0))\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    asyncio.run(asyncio.sleep(0))\n"
                "  File \"<stdlib>/asyncio/runners.py\", line 186, in run\n"
                "    raise RuntimeError(\n"
                "RuntimeError: asyncio.run() cannot be called from a running event loop\n"
                "sys:1: RuntimeWarning: coroutine 'sleep' was never awaited\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    asyncio.create_task(5)\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    asyncio.create_task(5)\n"
                "  File \"<stdlib>/asyncio/tasks.py\", line 384, in create_task\n"
                "    task = loop.create_task(coro)\n"
                "           ^^^^^^^^^^^^^^^^^^^^^^\n"
                "  File \"<stdlib>/asyncio/base_events.py\", line 436, in create_task\n"
                "    task = tasks.Task(coro, loop=self, name=name, context=context)\n"
                "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
                "TypeError: a coroutine was expected, got 5\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    await asyncio.wait([])\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    await asyncio.wait([])\n"
                "  File \"<stdlib>/asyncio/tasks.py\", line 418, in wait\n"
                "    raise ValueError('Set of Tasks/Futures is empty.')\n"
                "ValueError: Set of Tasks/Futures is empty.\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def f():\n"
                "    pass\n"
                "async def main():\n"
                "    await asyncio.wait([f()])\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 6, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 5, in main\n"
                "    await asyncio.wait([f()])\n"
                "  File \"<stdlib>/asyncio/tasks.py\", line 425, in wait\n"
                "    raise TypeError(\"Passing coroutines is forbidden, use tasks explicitly.\")\n"
                "TypeError: Passing coroutines is forbidden, use tasks explicitly.\n"
                "sys:1: RuntimeWarning: coroutine 'f' was never awaited\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    q = asyncio.Queue(1)\n"
                "    q.put_nowait(1)\n"
                "    q.put_nowait(2)\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 6, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 5, in main\n"
                "    q.put_nowait(2)\n"
                "  File \"<stdlib>/asyncio/queues.py\", line 143, in put_nowait\n"
                "    raise QueueFull\n"
                "asyncio.queues.QueueFull\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    asyncio.Queue().get_nowait()\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    asyncio.Queue().get_nowait()\n"
                "  File \"<stdlib>/asyncio/queues.py\", line 181, in get_nowait\n"
                "    raise QueueEmpty\n"
                "asyncio.queues.QueueEmpty\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    asyncio.Queue().task_done()\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    asyncio.Queue().task_done()\n"
                "  File \"<stdlib>/asyncio/queues.py\", line 201, in task_done\n"
                "    raise ValueError('task_done() called too many times')\n"
                "ValueError: task_done() called too many times\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    asyncio.Lock().release()\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    asyncio.Lock().release()\n"
                "  File \"<stdlib>/asyncio/locks.py\", line 140, in release\n"
                "    raise RuntimeError('Lock is not acquired.')\n"
                "RuntimeError: Lock is not acquired.\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    s = asyncio.BoundedSemaphore(1)\n"
                "    s.release()\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 5, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 4, in main\n"
                "    s.release()\n"
                "  File \"<stdlib>/asyncio/locks.py\", line 434, in release\n"
                "    raise ValueError('BoundedSemaphore released too many times')\n"
                "ValueError: BoundedSemaphore released too many times\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    asyncio.Semaphore(-1)\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    asyncio.Semaphore(-1)\n"
                "  File \"<stdlib>/asyncio/locks.py\", line 348, in __init__\n"
                "    raise ValueError(\"Semaphore initial value must be >= 0\")\n"
                "ValueError: Semaphore initial value must be >= 0\n");
}
END_TEST

/* An augmented assignment reads and writes its target at the target's
 * location (texts from python3 through the oracle): `x` for an
 * UnboundLocalError, `counts[w]` with its anchors for a KeyError. */
START_TEST(test_augassign_locations)
{
    Cap c;
    ck_assert_int_eq(run("x = 0\n"
                "def f():\n"
                "    x += 1\n"
                "f()\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    f()\n"
                "  File \"t.py\", line 3, in f\n"
                "    x += 1\n"
                "    ^\n"
                "UnboundLocalError: cannot access local variable 'x' where it is not associated with a value\n");
    ck_assert_int_eq(run("counts = {}\n"
                "for w in ['a', 'b']:\n"
                "    counts[w] += 1\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 3, in <module>\n"
                "    counts[w] += 1\n"
                "    ~~~~~~^^^\n"
                "KeyError: 'a'\n");
    ck_assert_int_eq(run("x = [1]\n"
                "x  [5] += 1\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    x  [5] += 1\n"
                "    ~~~^^^\n"
                "IndexError: list index out of range\n");
}
END_TEST

/* A frame left by an exception drops its value stack while it is still
 * the current frame (a coroutine there warns at that line, before the
 * traceback), and asyncio's functions are 'function' in messages, random's
 * 'method' (texts from python3 through the oracle). */
START_TEST(test_unwind_and_type_names)
{
    Cap c;
    ck_assert_int_eq(run("import asyncio\n"
                "async def work():\n"
                "    return 7\n"
                "async def main():\n"
                "    print(work() + 1)\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "t.py:5: RuntimeWarning: coroutine 'work' was never awaited\n"
                "  print(work() + 1)\n"
                "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"
                "Traceback (most recent call last):\n"
                "  File \"t.py\", line 6, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 5, in main\n"
                "    print(work() + 1)\n"
                "          ~~~~~~~^~~\n"
                "TypeError: unsupported operand type(s) for +: 'coroutine' and 'int'\n");
    ck_assert_int_eq(run("import asyncio\n"
                "async def main():\n"
                "    await asyncio.sleep\n"
                "asyncio.run(main())\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 4, in <module>\n"
                "    asyncio.run(main())\n"
                RUNNER_FRAMES
                "  File \"t.py\", line 3, in main\n"
                "    await asyncio.sleep\n"
                "TypeError: object function can't be used in 'await' expression\n");
    ck_assert_int_eq(run("import random\n"
                "random.choice[0]\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "Traceback (most recent call last):\n"
                "  File \"t.py\", line 2, in <module>\n"
                "    random.choice[0]\n"
                "    ~~~~~~~~~~~~~^^^\n"
                "TypeError: 'method' object is not subscriptable\n");
}
END_TEST

/* Calling a literal warns at compile time, as CPython's check_caller: a
 * missing comma between two tuples in a list (texts from python3 through
 * the oracle). */
START_TEST(test_syntax_warning_caller)
{
    Cap c;
    ck_assert_int_eq(run("pairs = [(1, 2) (3, 4)]\n", &c), 1);
    ck_assert_str_eq(c.out, "");
    ck_assert_str_eq(c.err, "t.py:1: SyntaxWarning: 'tuple' object is not callable; perhaps you missed a comma?\n"
                "  pairs = [(1, 2) (3, 4)]\n"
                "Traceback (most recent call last):\n"
                "  File \"t.py\", line 1, in <module>\n"
                "    pairs = [(1, 2) (3, 4)]\n"
                "             ^^^^^^^^^^^^^\n"
                "TypeError: 'tuple' object is not callable\n");
    ck_assert_int_eq(run("def f():\n"
                "    return [\n"
                "        ('a', 1)\n"
                "        ('b', 2)\n"
                "    ]\n"
                "try:\n"
                "    f()\n"
                "except TypeError as e:\n"
                "    print(e)\n"
                "x = 5()\n", &c), 1);
    ck_assert_str_eq(c.out, "'tuple' object is not callable\n");
    ck_assert_str_eq(c.err, "t.py:3: SyntaxWarning: 'tuple' object is not callable; perhaps you missed a comma?\n"
                "  ('a', 1)\n"
                "t.py:10: SyntaxWarning: 'int' object is not callable; perhaps you missed a comma?\n"
                "  x = 5()\n"
                "Traceback (most recent call last):\n"
                "  File \"t.py\", line 10, in <module>\n"
                "    x = 5()\n"
                "        ^^^\n"
                "TypeError: 'int' object is not callable\n");
}
END_TEST

START_TEST(test_limits)
{
    Cap c;
    ck_assert_int_eq(run("def f(n):\n    return f(n + 1)\nf(0)\n", &c), 1);
    ck_assert_str_eq(last_err_line(&c), "RecursionError: maximum recursion depth exceeded");
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.step_budget = 100000;
    ck_assert_int_eq(run_cfg("while True:\n    pass\n", &c, &cfg), 1);
    ck_assert_ptr_nonnull(strstr(last_err_line(&c), "never"));
    /* A handler cannot swallow the budget. */
    ck_assert_int_eq(run_cfg("try:\n    while True:\n        pass\nexcept Exception:\n    print('no')\n", &c, &cfg), 1);
    ck_assert_str_eq(c.out, "");
    interp_config_init(&cfg);
    cfg.mem_limit = 4 << 20;
    ck_assert_int_eq(run_cfg("x = [0]\nwhile True:\n    x = x + x\n", &c, &cfg), 1);
    ck_assert_str_eq(last_err_line(&c), "MemoryError");
}
END_TEST

/* The busy watch (interp.c): under the virtual clock a program that keeps
 * sleeping in a loop ends after busy_limit task steps; under a clock where
 * sleeps take time (stepped here, as in the tutor) it may live on. */
START_TEST(test_busy_limit)
{
    const char *src = "import asyncio\nasync def main():\n    while True:\n        await asyncio.sleep(1)\n"
                      "asyncio.run(main())\n";
    Cap c;
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.busy_limit = 1000;
    ck_assert_int_eq(run_cfg(src, &c, &cfg), 1);
    ck_assert_str_eq(last_err_line(&c), "RuntimeError: endless loop: 1000 task steps ran and the program is still "
                                        "not done (it keeps awaiting in a loop, e.g. asyncio.sleep(1), and the "
                                        "virtual clock skips every wait at once, so it would never finish)");
    /* Only the work counts: the clock stood at about 1000 s. */
    ck_assert_ptr_null(strstr(c.err, "clock passed"));

    memset(&c, 0, sizeof c);
    interp_config_init(&cfg);
    cfg.busy_limit = 1000;
    cfg.clock = INTERP_CLOCK_STEPPED;
    cfg.err = cap_err;
    cfg.host = &c;
    Interp *ip = interp_new(&cfg);
    ck_assert_int_eq(interp_load(ip, src, strlen(src), "t.py"), 0);
    int waits = 0;
    for (int n = 0; n < 20000; n++) {
        InterpState s = interp_step(ip, INTERP_STEP_TASK);
        ck_assert_msg(s != INTERP_FINISHED, "stopped after %d waits: %s", waits, c.err);
        if (s == INTERP_WAITING) {
            waits++;
            interp_advance_to(ip, interp_next_deadline(ip));
        }
    }
    ck_assert_int_gt(waits, 5000); /* five times the limit, asleep in between */
    ck_assert_int_eq(interp_exit_status(ip), -1);
    interp_free(ip);
}
END_TEST

START_TEST(test_async)
{
    EXPECT("import asyncio\nasync def w(n):\n    await asyncio.sleep(n)\n    print('w', n)\n    return n * 2\n"
           "async def main():\n    print(await asyncio.gather(w(2), w(1)))\n    t = asyncio.create_task(w(0))\n"
           "    print(t.get_name(), await t, t.done())\nasyncio.run(main())\n",
           "w 1\nw 2\n[4, 2]\nw 0\nTask-4 0 True\n");
    Cap c;
    ck_assert_int_eq(run("import asyncio\nasync def f():\n    pass\nasync def main():\n    f()\nasyncio.run(main())\n", &c), 0);
    ck_assert_str_eq(c.err, "t.py:5: RuntimeWarning: coroutine 'f' was never awaited\n"
                            "  f()\n"
                            "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
    EXPECT_ERR("import asyncio\nasync def main():\n    await 5\nasyncio.run(main())\n", "",
               "TypeError: object int can't be used in 'await' expression");
    EXPECT("import asyncio, time\nasync def main():\n    t = asyncio.create_task(asyncio.sleep(5))\n"
           "    await asyncio.sleep(1)\n    t.cancel()\n    try:\n        await t\n"
           "    except asyncio.CancelledError:\n        print('cancelled', t.cancelled(), time.monotonic())\n"
           "asyncio.run(main())\n",
           "cancelled True 1.0\n");
}
END_TEST

/* CPython's compiler warns about `is` with a literal, on stderr before the
 * program runs: once per comparison, twice for a while loop's test (3.11
 * compiles it twice), never for None/True/False. Text from python3. */
START_TEST(test_syntax_warning)
{
    Cap c;
    ck_assert_int_eq(run("x = 1\nwhile x is not 1:\n    pass\nprint(x is (1, 2), x == 1 is 1, x is None)\n", &c), 0);
    ck_assert_str_eq(c.out, "False True False\n");
    const char *w2 = "t.py:2: SyntaxWarning: \"is not\" with a literal. Did you mean \"!=\"?\n"
                     "  while x is not 1:\n";
    const char *w4 = "t.py:4: SyntaxWarning: \"is\" with a literal. Did you mean \"==\"?\n"
                     "  print(x is (1, 2), x == 1 is 1, x is None)\n";
    char want[1024];
    snprintf(want, sizeof want, "%s%s%s%s", w2, w2, w4, w4);
    ck_assert_str_eq(c.err, want);
    /* Folded operands count; singletons, names and f-strings do not. */
    ck_assert_int_eq(run("x = 2\nprint(x is -1, x is not 2 * 3)\n", &c), 0);
    ck_assert_ptr_nonnull(strstr(c.err, "t.py:2: SyntaxWarning: \"is\" with a literal."));
    ck_assert_ptr_nonnull(strstr(c.err, "t.py:2: SyntaxWarning: \"is not\" with a literal."));
    ck_assert_int_eq(run("x = 2\nprint(x is True, x is not None, x is f'{x}', x is [1], not x is x)\n", &c), 0);
    ck_assert_str_eq(c.err, "");
}
END_TEST

/* KNOWN 13: "never awaited" is shown once per (text, place), as CPython's
 * warnings filter does: three coroutines dropped by callbacks give one
 * asyncio/events.py block, two left at exit one "sys:1" line. */
START_TEST(test_never_awaited_once)
{
    Cap c;
    ck_assert_int_eq(run("import asyncio\nasync def work():\n    pass\nasync def main():\n"
                         "    t = asyncio.create_task(asyncio.sleep(1))\n    for i in range(3):\n"
                         "        t.add_done_callback(lambda f: work())\n    await t\n    await asyncio.sleep(1)\n"
                         "asyncio.run(main())\na = work()\nb = work()\n",
                         &c),
                     0);
    ck_assert_str_eq(c.err, "<stdlib>/asyncio/events.py:80: RuntimeWarning: coroutine 'work' was never awaited\n"
                            "  self._context.run(self._callback, *self._args)\n"
                            "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"
                            "sys:1: RuntimeWarning: coroutine 'work' was never awaited\n");
}
END_TEST

START_TEST(test_stepping)
{
    const char *src = "import asyncio\nasync def w(i):\n    for _ in range(3):\n        await asyncio.sleep(0)\n"
                      "async def main():\n    await asyncio.gather(w(1), w(2))\nasyncio.run(main())\nprint('end')\n";
    Cap c;
    memset(&c, 0, sizeof c);
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = cap_out;
    cfg.host = &c;
    cfg.trace = 1;
    Interp *ip = interp_new(&cfg);
    ck_assert_int_eq(interp_load(ip, src, strlen(src), "t.py"), 0);
    int steps = 0;
    InterpState s;
    while ((s = interp_step(ip, INTERP_STEP_TASK)) != INTERP_FINISHED) {
        ck_assert_int_ne(s, INTERP_WAITING);
        steps++;
        ck_assert_int_lt(steps, 1000);
    }
    ck_assert_int_gt(steps, 8);
    ck_assert_str_eq(c.out, "end\n");
    ck_assert_int_eq(interp_exit_status(ip), 0);
    ck_assert_ptr_nonnull(interp_trace(ip));
    ck_assert_str_eq(interp_task_coro_name(ip, 1), "main");
    interp_free(ip);
}
END_TEST

/* The task id -> coroutine name table (timelines, reprs) over runs of one
 * coroutine, mixed runs, page boundaries (4,096 ids) and tasks of native
 * coroutines, which have none. */
START_TEST(test_task_codes)
{
    const char *src = "import asyncio\nasync def a(): pass\nasync def b(): pass\n"
                      "async def main():\n"
                      "    await asyncio.gather(*[a() for _ in range(5000)])\n"
                      "    await asyncio.gather(*[a() if i % 3 else b() for i in range(3000)])\n"
                      "    await asyncio.gather(*[b() for _ in range(100)])\n"
                      "    await asyncio.gather(asyncio.sleep(0))\n"
                      "    await asyncio.create_task(a())\n"
                      "    await asyncio.gather(*[b() for _ in range(200)])\n"
                      "asyncio.run(main())\n";
    Cap c;
    memset(&c, 0, sizeof c);
    InterpConfig cfg;
    interp_config_init(&cfg);
    cfg.out = cap_out;
    cfg.err = cap_err;
    cfg.host = &c;
    Interp *ip = interp_new(&cfg);
    ck_assert_int_eq(interp_load(ip, src, strlen(src), "t.py"), 0);
    ck_assert_int_eq(interp_run(ip), 0);
    ck_assert_str_eq(c.err, "");
    ck_assert_str_eq(interp_task_coro_name(ip, 1), "main");
    for (uint64_t id = 2; id <= 5001; id++) /* ids 1-4095 are page 0 */
        ck_assert_str_eq(interp_task_coro_name(ip, id), "a");
    for (uint64_t id = 5002; id <= 8001; id++)
        ck_assert_str_eq(interp_task_coro_name(ip, id), (id - 5002) % 3 ? "a" : "b");
    for (uint64_t id = 8002; id <= 8101; id++)
        ck_assert_str_eq(interp_task_coro_name(ip, id), "b");
    ck_assert_ptr_null(interp_task_coro_name(ip, 8102)); /* asyncio.sleep(0)'s task */
    ck_assert_str_eq(interp_task_coro_name(ip, 8103), "a");
    for (uint64_t id = 8104; id <= 8303; id++) /* page 2 (from 8192) is one range */
        ck_assert_str_eq(interp_task_coro_name(ip, id), "b");
    ck_assert_ptr_null(interp_task_coro_name(ip, 8304));
    ck_assert_ptr_null(interp_task_coro_name(ip, 0));
    ck_assert_ptr_null(interp_task_coro_name(ip, (uint64_t)1 << 40));
    interp_free(ip);
}
END_TEST

START_TEST(test_syntax_diag)
{
    InterpDiag d;
    ck_assert_int_eq(interp_check("x = 1\nif x\n    pass\n", 18, "t.py", &d), -1);
    ck_assert_str_eq(d.kind, "SyntaxError");
    ck_assert_int_eq(d.line, 2);
    ck_assert_int_eq(interp_check("def f():\n    nonlocal q\n", 24, "t.py", &d), -1);
    ck_assert_str_eq(d.msg, "no binding for nonlocal 'q' found");
    ck_assert_int_eq(interp_check("return 5\n", 9, "t.py", &d), -1);
    ck_assert_str_eq(d.msg, "'return' outside function");
    ck_assert_int_eq(interp_check("print(1)\n", 9, "t.py", &d), 0);
}
END_TEST

static Suite *vm_suite(void)
{
    Suite *s = suite_create("vm");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_arith_and_print);
    tcase_add_test(tc, test_functions_and_closures);
    tcase_add_test(tc, test_call_errors);
    tcase_add_test(tc, test_loops);
    tcase_add_test(tc, test_try_finally);
    tcase_add_test(tc, test_tracebacks);
    tcase_add_test(tc, test_carets_and_suggestions);
    tcase_add_test(tc, test_asyncio_raises);
    tcase_add_test(tc, test_augassign_locations);
    tcase_add_test(tc, test_unwind_and_type_names);
    tcase_add_test(tc, test_syntax_warning_caller);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_busy_limit);
    tcase_add_test(tc, test_syntax_warning);
    tcase_add_test(tc, test_never_awaited_once);
    tcase_add_test(tc, test_async);
    tcase_add_test(tc, test_stepping);
    tcase_add_test(tc, test_task_codes);
    tcase_add_test(tc, test_syntax_diag);
    tcase_add_test(tc, test_cr_line_ends);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vm_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
