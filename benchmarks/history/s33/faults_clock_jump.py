"""s33 faults, case 2: the system clock steps forward or back (1 h) under running studies.

Every Python process the harness starts (workers, their pool processes) loads a ``sitecustomize``
that makes ``time.time()`` return the real time plus an offset read from a shared 8-byte file (an
mmap), so the harness steps the wall clock of all of them at once, as NTP or an operator stepping
the system clock would; ``time.monotonic()`` is left alone (as the kernel leaves it).
(C-level clocks, SQLite's and ``datetime.now()``, are not shifted.)

- ``--scenario timeout``: one ``optimize(timeout=--timeout, n_jobs=--jobs)`` (objective 0.2 s);
  ``--step`` seconds added to the clock ``--at`` s after its ``optimize()`` started. Measured: how long it ran
  (monotonic), against the timeout (over/undershoot); the harness stops it after timeout + 20 s.
- ``--scenario stale``: ``--workers`` processes each ``optimize()`` one SQLite study (budget
  ``--budget``, heartbeat 0.5 s, grace 3 s, 2 retries, objective 0.3 s), the clock stepped at
  ``--at`` s (and back at ``--back-at`` s, if given). Counts: live trials failed as stale (a FAILED
  trial whose worker was alive: every worker here stays alive), lost, dup, RUNNING at the end,
  budget (COMPLETE - budget), trials with a negative duration. ``--at`` counts from the first result.

    nice -n 19 .venv/bin/python benchmarks/history/s33/faults_clock_jump.py --scenario timeout|stale \
        --step 3600|-3600 [--jobs 2] --label ... --out benchmarks/history/s33/faults_clock_jump.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

SITE = r"""
import mmap, os, struct, time as _t
_path = os.environ.get("FAULTS_CLOCK_FILE")
if _path:
    _f = open(_path, "r+b")
    _m = mmap.mmap(_f.fileno(), 8)
    _real = _t.time
    def _shifted():
        return _real() + struct.unpack_from("d", _m, 0)[0]
    _t.time = _shifted
"""

TIMEOUT_WORKER = r"""
import sys, time
import tunewise as tw
timeout, jobs, url = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
study = tw.create_study(study_name="clock", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(0.2)
    return x
open(url[len("sqlite:///"):] + ".started", "w").close()
t0 = time.monotonic()
study.optimize(objective, timeout=timeout, n_jobs=jobs)
print(f"RAN {time.monotonic() - t0:.3f} TRIALS {len(study.trials)}", flush=True)
"""

STALE_WORKER = r"""
import json, os, sys, time
import tunewise as tw
url, ledger, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.create_study(study_name="clock", storage=url, load_if_exists=True, max_trials=budget,
                        sampler=tw.samplers.RandomSampler(seed=os.getpid()),
                        heartbeat_interval=0.5, grace_period=3.0, max_retries=2)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(0.3)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"number": t.number, "x": x, "pid": os.getpid()}) + "\n").encode()); os.fsync(fd)
    os.close(fd)
    return x
study.optimize(objective)
print("worker done", flush=True)
"""


def _set(clock_file: str, offset: float) -> None:
    with open(clock_file, "r+b") as f:
        f.write(struct.pack("d", offset))
        f.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", choices=["timeout", "stale"], required=True)
    ap.add_argument("--step", type=float, default=3600.0)
    ap.add_argument("--at", type=float, default=2.0)
    ap.add_argument("--back-at", type=float, default=None)
    ap.add_argument("--timeout", type=float, default=8.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--budget", type=int, default=40)
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.makedirs("/tmp/faults33", exist_ok=True)
    side = tempfile.mkdtemp(prefix="faults33_clock_", dir="/tmp/faults33")
    with open(os.path.join(side, "sitecustomize.py"), "w") as f:
        f.write(SITE)
    clock_file = os.path.join(side, "offset.bin")
    with open(clock_file, "wb") as f:
        f.write(struct.pack("d", 0.0))
    paths = [side] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = dict(os.environ, FAULTS_CLOCK_FILE=clock_file, TUNEWISE_SPOOL_DIR=os.path.join(side, "spool"),
               PYTHONPATH=os.pathsep.join(paths))
    url = f"sqlite:///{side}/clock.db"
    row: dict[str, object] = {"label": args.label, "scenario": args.scenario, "step": args.step, "at": args.at,
                              "back_at": args.back_at, "jobs": args.jobs}
    if args.scenario == "timeout":
        script = os.path.join(side, "timeout_worker.py")
        with open(script, "w") as f:
            f.write(TIMEOUT_WORKER)
        t0 = time.monotonic()
        log = open(os.path.join(side, "worker.log"), "w")  # noqa: SIM115 - closed below
        p = subprocess.Popen([sys.executable, script, str(args.timeout), str(args.jobs), url], env=env,
                             stdout=subprocess.PIPE, stderr=log, text=True)
        stepped = False
        cap = args.timeout + 40.0
        started = None  # when the worker's optimize() began (its marker file): --at counts from there
        # (a worker still starting after 240 s is stopped too: the load here can be 13 on 2 cores)
        while p.poll() is None and time.monotonic() - (t0 + 240.0 if started is None else started) < cap:
            if started is None and os.path.exists(f"{side}/clock.db.started"):
                started = time.monotonic()
            if not stepped and started is not None and time.monotonic() - started >= args.at:
                _set(clock_file, args.step)
                stepped = True
            time.sleep(0.02)
        hung = p.poll() is None
        if hung:
            p.kill()
        out, _ = p.communicate()
        log.close()
        with open(os.path.join(side, "worker.log")) as f:
            err = f.read()
        ran = None
        for line in out.splitlines():
            if line.startswith("RAN "):
                ran = float(line.split()[1])
        if hung and started is not None:
            ran = f">{time.monotonic() - started:.1f} (stopped by the harness)"
        row.update({"timeout": args.timeout, "ran": ran, "process_s": round(time.monotonic() - t0, 2),
                    "stopped_by_harness": hung, "over_under_s": round(ran - args.timeout, 2) if isinstance(ran, float)
                    else ran,
                    "rc": p.returncode, "err": [ln for ln in err.splitlines() if "Error" in ln][-1:]})
    else:
        ledger = os.path.join(side, "ledger.jsonl")
        script = os.path.join(side, "stale_worker.py")
        with open(script, "w") as f:
            f.write(STALE_WORKER)
        # The study first, so the workers do not race to create it.
        subprocess.run([sys.executable, "-c", "import tunewise as tw, sys; tw.create_study(study_name='clock', "
                        "storage=sys.argv[1], max_trials=int(sys.argv[2]), heartbeat_interval=0.5, grace_period=3.0, "
                        "max_retries=2)", url, str(args.budget)], env=env, check=True)
        t0 = time.monotonic()
        procs = [subprocess.Popen([sys.executable, script, url, ledger, str(args.budget)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(args.workers)]
        stepped = back = False
        cap = 180.0
        first = None  # the first result: --at and --back-at count from there
        while any(p.poll() is None for p in procs) and time.monotonic() - t0 < cap:
            if first is None and os.path.exists(ledger):
                first = time.monotonic()
            el = -1.0 if first is None else time.monotonic() - first
            if not stepped and el >= args.at:
                _set(clock_file, args.step)
                stepped = True
            if args.back_at is not None and not back and el >= args.back_at:
                _set(clock_file, 0.0)
                back = True
            time.sleep(0.02)
        hung = [p.pid for p in procs if p.poll() is None]
        for p in procs:
            if p.poll() is None:
                p.kill()
        outs = [p.communicate() for p in procs]
        _set(clock_file, 0.0)
        import tunewise as tw

        trials = tw.load_study(study_name="clock", storage=url).trials
        with open(ledger) as f:
            computed = [json.loads(line) for line in f if line.strip()]
        complete = [t.params.get("x") for t in trials if t.state == tw.TrialState.COMPLETE]
        late = {t.system_attrs["late_result"].get("params", {}).get("x")
                if isinstance(t.system_attrs.get("late_result"), dict) else None for t in trials}
        lost = [c for c in computed if c["x"] not in set(complete) | late]
        failed = [t for t in trials if t.state == tw.TrialState.FAILED]
        neg = [t.number for t in trials if t.datetime_start is not None and t.datetime_complete is not None
               and t.datetime_complete < t.datetime_start]
        warnings = [ln for _, e in outs for ln in e.splitlines() if "stale" in ln]
        row.update({
            "workers": args.workers, "budget_max": args.budget, "worker_rc": [p.returncode for p in procs],
            "hung": hung, "ran_s": round(time.monotonic() - t0, 1), "computed": len(computed),
            "lost": len(lost), "dup": len(complete) - len(set(complete)),
            "running_end": sum(t.state == tw.TrialState.RUNNING for t in trials),
            "budget": len(complete) - args.budget, "failed_stale_live": len(failed),
            "failed_reasons": [str(t.system_attrs.get("fail_reason", t.system_attrs.get("failed_as", "")))[:160]
                               for t in failed][:4],
            "negative_durations": len(neg), "stale_warnings": warnings[:3],
            "states": {s: sum(t.state.name == s for t in trials) for s in ("COMPLETE", "FAILED", "RUNNING", "WAITING")},
        })
    row["side"] = side
    print(json.dumps(row, indent=1))
    if args.out:
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
