#!/usr/bin/env python3
"""check_lessons.py -- holds a lesson pack to CPython: every output and time
a lesson states must be what CPython 3.11 prints under the virtual clock.

    python3 tests/oracle-fakes/check_lessons.py [--oracle PATH] [--show] DIR [LESSON...]

For each lesson folder of DIR (or only those named), runs through the oracle
(shared/tools/oracle.py) with the fake requests/aiohttp of this directory and
the lesson's "network" settings:
  * demo / walkthrough code and compare programs: stdout == "output",
    elapsed == "time", each "stderr" line found in stderr;
  * questions: "output" answers == the code's stdout, "time" answers == its
    elapsed virtual time (perf_counter at exit);
  * exercises: the reference solution passes every check that CPython can
    judge, and the starter fails at least one of them. Output, time,
    no_exception and no_warning come from a plain run; structure and
    concurrency from a probe run (sitecustomize.py wraps asyncio).
    "robust" (other legal schedules) needs aiotutor's engine: not judged here.
--show prints every program's output and time (to write a lesson).
Exit status 0 when every statement holds, 1 otherwise, 2 usage.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-9


def find_oracle(arg):
    for p in [arg, os.environ.get("AIOTUTOR_ORACLE"),
              os.path.join(HERE, "..", "..", "..", "shared", "tools", "oracle.py"),
              "/work/shared/tools/oracle.py"]:
        if p and os.path.isfile(p):
            return p
    return None


class Run:
    def __init__(self, stdout, stderr, status, elapsed, probe):
        self.stdout, self.stderr, self.status = stdout, stderr, status
        self.elapsed, self.probe = elapsed, probe


_cache = {}


def run(oracle, lesson_dir, prog, probe=False):
    key = (os.path.abspath(lesson_dir), prog, probe)
    if key not in _cache:
        _cache[key] = run_now(oracle, *key)
    return _cache[key]


def prefetch(oracle, jobs):
    """Runs the (lesson_dir, prog, probe) jobs in parallel into the cache:
    each is a separate CPython process, so threads are enough."""
    from concurrent.futures import ThreadPoolExecutor
    jobs = [(os.path.abspath(d), p, pr) for d, p, pr in jobs]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as ex:
        for key, r in zip(jobs, ex.map(lambda j: run_now(oracle, *j), jobs)):
            _cache[key] = r


def run_now(oracle, lesson_dir, prog, probe=False):
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env["PYTHONPATH"] = HERE
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["AIOTUTOR_NETWORK"] = os.path.join(lesson_dir, "lesson.json")
        env["AIOTUTOR_ELAPSED_FILE"] = os.path.join(tmp, "elapsed")
        env.pop("AIOTUTOR_PROBE_FILE", None)
        if probe:
            env["AIOTUTOR_PROBE_FILE"] = os.path.join(tmp, "probe")
        p = subprocess.run([sys.executable, oracle, prog], cwd=lesson_dir, env=env,
                           capture_output=True, text=True, timeout=60)
        elapsed = None
        try:
            with open(env["AIOTUTOR_ELAPSED_FILE"]) as f:
                elapsed = float(f.read())
        except OSError:
            pass
        rec = None
        if probe:
            try:
                with open(env["AIOTUTOR_PROBE_FILE"]) as f:
                    rec = json.load(f)
            except OSError:
                rec = None
        return Run(p.stdout, p.stderr, p.returncode, elapsed, rec)


def check_verdict(ck, plain, probe):
    """(passed, why) for one exercise check; passed is None when CPython
    cannot judge it."""
    t, op = ck["type"], ck.get("op")
    if t == "output":
        exp, out = ck["expected"], plain.stdout
        if op == "exact":
            ok = out == exp
        elif op == "contains":
            ok = exp in out
        elif op == "regex":
            ok = re.search(exp, out, re.M) is not None
        else:
            ok = sorted(out.splitlines()) == sorted(exp.splitlines())
        return ok, f"output {op}: got {out!r}"
    if t == "time":
        s, e = ck["seconds"], plain.elapsed
        if e is None:
            return False, "no elapsed time"
        tol = ck.get("tolerance", 0.05)
        ok = {"at_most": e <= s + EPS, "at_least": e >= s - EPS,
              "about": abs(e - s) <= tol + EPS}[op]
        return ok, f"time {op} {s}: took {e}"
    if t == "no_exception":
        return "Traceback (most recent call last)" not in plain.stderr, "stderr: " + plain.stderr[-200:]
    if t == "no_warning":
        return "Warning" not in plain.stderr, "stderr: " + plain.stderr[-200:]
    if probe is None:
        return False, "probe run failed"
    if t == "concurrency":
        if op == "min_waiting":
            return probe["max_sleeping"] >= ck["tasks"], f"max sleeping at once: {probe['max_sleeping']}"
        sums = list(probe["task_sleep"].values())
        tol = ck.get("tolerance", 0.05)
        e = plain.elapsed or 0
        ok = bool(sums) and e <= max(sums) + tol + EPS and (len(sums) < 2 or e < sum(sums) - EPS)
        return ok, f"elapsed {e}, per-task sleeps {probe['task_sleep']}"
    if t == "structure":
        c = ck["construct"]
        if c == "blocking_in_async":
            happened = probe["blocking_in_async"]
        elif c == "unawaited_coroutine":
            happened = "was never awaited" in plain.stderr
        elif c == "pending_task_at_exit":
            happened = probe["pending_at_exit"] > 0
        else:
            happened = c in probe["uses"]
        return happened == (op == "uses"), f"{c} {'happened' if happened else 'did not happen'}"
    return None, "not judged"


def main(argv):
    show = False
    oracle_arg = None
    args = []
    it = iter(argv)
    for a in it:
        if a == "--show":
            show = True
        elif a == "--oracle":
            oracle_arg = next(it, None)
        elif a.startswith("--oracle="):
            oracle_arg = a.split("=", 1)[1]
        elif a.startswith("-"):
            print(f"check_lessons: unknown option {a}", file=sys.stderr)
            return 2
        else:
            args.append(a)
    if not args:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    oracle = find_oracle(oracle_arg)
    if not oracle:
        print("check_lessons: cannot find shared/tools/oracle.py (use --oracle)", file=sys.stderr)
        return 77
    root, only = args[0], set(args[1:])
    problems = 0
    checked = 0

    def bad(where, msg):
        nonlocal problems
        problems += 1
        print(f"{where}: {msg}")

    lessons = []
    jobs = []
    for name in sorted(os.listdir(root)):
        ldir = os.path.join(root, name)
        jpath = os.path.join(ldir, "lesson.json")
        if not os.path.isfile(jpath) or (only and name not in only):
            continue
        with open(jpath, encoding="utf-8") as f:
            lesson = json.load(f)
        lessons.append((name, ldir, jpath, lesson))
        for pg in lesson.get("pages", []):
            for key in ("code", "compare"):
                if key in pg and pg.get("kind") in ("demo", "walkthrough", "question"):
                    jobs.append((ldir, pg[key], False))
            if pg.get("kind") == "exercise":
                for role in ("solution", "starter"):
                    jobs += [(ldir, pg[role], False), (ldir, pg[role], True)]
    prefetch(oracle, jobs)

    for name, ldir, jpath, lesson in lessons:
        for i, pg in enumerate(lesson.get("pages", []), 1):
            where = f"{jpath}: page {i} ({pg.get('kind')})"
            kind = pg.get("kind")
            if kind in ("demo", "walkthrough"):
                for key, okey, tkey in [("code", "output", "time"),
                                        ("compare", "compare_output", "compare_time")]:
                    if key not in pg:
                        continue
                    r = run(oracle, ldir, pg[key])
                    checked += 1
                    if show:
                        print(f"== {name}/{pg[key]}  elapsed={r.elapsed}\n{r.stdout}{r.stderr}", end="")
                    if okey in pg and r.stdout != pg[okey]:
                        bad(where, f"{pg[key]} prints {r.stdout!r}, the lesson says {pg[okey]!r}")
                    if tkey in pg and (r.elapsed is None or abs(r.elapsed - pg[tkey]) > EPS):
                        bad(where, f"{pg[key]} takes {r.elapsed} s, the lesson says {pg[tkey]}")
                    if key == "code":
                        for line in pg.get("stderr", []):
                            if line not in r.stderr:
                                bad(where, f"{pg[key]}: stderr has no {line!r}:\n{r.stderr}")
            elif kind == "question" and "code" in pg:
                r = run(oracle, ldir, pg["code"])
                checked += 1
                if show:
                    print(f"== {name}/{pg['code']}  elapsed={r.elapsed}\n{r.stdout}{r.stderr}", end="")
                q = pg.get("question")
                if q == "output":
                    ans = pg.get("answer")
                    if ans is None and "choices" in pg:
                        ans = pg["choices"][pg["correct"]]
                    if r.stdout != ans:
                        bad(where, f"{pg['code']} prints {r.stdout!r}, the answer says {ans!r}")
                elif q == "time":
                    if r.elapsed is None or abs(r.elapsed - pg["answer"]) > EPS:
                        bad(where, f"{pg['code']} takes {r.elapsed} s, the answer says {pg['answer']}")
            elif kind == "exercise":
                for role in ("solution", "starter"):
                    plain = run(oracle, ldir, pg[role])
                    probe = run(oracle, ldir, pg[role], probe=True)
                    checked += 1
                    if show:
                        print(f"== {name}/{pg[role]}  elapsed={plain.elapsed} probe={probe.probe}\n"
                              f"{plain.stdout}{plain.stderr}", end="")
                    verdicts = [check_verdict(ck, plain, probe.probe) for ck in pg["checks"]]
                    if role == "solution":
                        for ck, (ok, why) in zip(pg["checks"], verdicts):
                            if ok is False:
                                bad(where, f"the solution {pg[role]} fails check "
                                           f"{ck['type']} {ck.get('op', '')}: {why}")
                    elif not any(ok is False for ok, _ in verdicts):
                        bad(where, f"the starter {pg[role]} passes every check: it must fail one")
    print(f"check_lessons: {checked} programs run, {problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
