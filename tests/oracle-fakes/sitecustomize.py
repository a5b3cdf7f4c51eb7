"""sitecustomize for check_lessons.py's oracle runs (inactive otherwise).

$AIOTUTOR_ELAPSED_FILE: at exit, write the virtual clock (time.perf_counter(),
which the oracle has patched) there: the program's elapsed virtual time.

$AIOTUTOR_PROBE_FILE: a probe run for exercise checks that need more than the
output: wraps asyncio functions to record, as JSON at exit, which constructs
the program used, the most coroutines sleeping at once, each task's total
sleep time, time.sleep called inside a running event loop, and tasks still
pending when main returned. A probe run's own output is not compared (the
wrappers change tracebacks).
"""
import atexit
import json
import os
import time

_elapsed = os.environ.get("AIOTUTOR_ELAPSED_FILE")
_probe = os.environ.get("AIOTUTOR_PROBE_FILE")

if _elapsed:
    def _write_elapsed():
        with open(_elapsed, "w") as f:
            f.write(repr(time.perf_counter()))
    atexit.register(_write_elapsed)

if _probe:
    import asyncio
    from asyncio import events as _events

    rec = {"uses": [], "max_sleeping": 0, "task_sleep": {}, "blocking_in_async": False,
           "pending_at_exit": 0}
    state = {"sleeping": 0}

    def used(name):
        if name not in rec["uses"]:
            rec["uses"].append(name)

    _sleep = asyncio.sleep

    async def sleep(delay, result=None):
        if delay > 0:
            t = asyncio.current_task()
            if t is not None:
                k = t.get_name()
                rec["task_sleep"][k] = rec["task_sleep"].get(k, 0) + delay
        state["sleeping"] += 1
        rec["max_sleeping"] = max(rec["max_sleeping"], state["sleeping"])
        try:
            return await _sleep(delay, result)
        finally:
            state["sleeping"] -= 1
    asyncio.sleep = sleep

    def wrap(name, key):
        orig = getattr(asyncio, name)

        def w(*a, **k):
            used(key)
            return orig(*a, **k)
        setattr(asyncio, name, w)

    for n, k in [("gather", "gather"), ("create_task", "create_task"),
                 ("wait_for", "wait_for"), ("timeout", "timeout"),
                 ("Semaphore", "semaphore"), ("Queue", "queue"),
                 ("TaskGroup", "task_group")]:
        wrap(n, k)

    _run = asyncio.run

    def run(main, **kw):
        async def probe_main():
            try:
                return await main
            finally:
                me = asyncio.current_task()
                rec["pending_at_exit"] += sum(1 for t in asyncio.all_tasks()
                                              if t is not me and not t.done())
        return _run(probe_main(), **kw)
    asyncio.run = run

    # The oracle patches time.sleep after this file runs, then installs its
    # event loop policy: wrap time.sleep at that moment.
    _set_policy = asyncio.set_event_loop_policy

    def set_policy(p):
        virt_sleep = time.sleep

        def tsleep(s):
            used("time_sleep")
            if _events._get_running_loop() is not None:
                rec["blocking_in_async"] = True
            return virt_sleep(s)
        time.sleep = tsleep
        return _set_policy(p)
    asyncio.set_event_loop_policy = set_policy

    def _write_probe():
        import sys
        if "aiohttp" in sys.modules:
            used("aiohttp")
        with open(_probe, "w") as f:
            json.dump(rec, f)
    atexit.register(_write_probe)
