"""Session 27, fault 4 (second attack): the parent of ``optimize(n_jobs=2)`` SIGKILLed, then the
study resumed.

A process runs ``study.optimize(objective, n_jobs=2)`` on SQLite or PostgreSQL
(``max_trials=--trials``, heartbeat 1 s, grace 3 s, RandomSampler seeded); the objective sleeps
``--sleep`` seconds and appends its parameters and value to a ledger (fsynced) before returning.
Once 4 trials are COMPLETE the parent is SIGKILLed. Its 2 worker processes are watched: how long
they live after it (and whether any is still running at the watch's end). Then the study is
resumed by a new ``optimize(n_jobs=2)`` process, which runs the budget to its end.

Counted as in benchmarks/chaos.py: results lost (in the ledger, not COMPLETE with the same
parameters and value, nor kept as a late result), duplicated COMPLETE parameters, budget
(started trials minus max_trials, a retry not counted twice), RUNNING left; plus the workers'
lifetime after the parent's death and the resumed run's wall time.

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) PYTHONPATH=<tree>/src \\
        nice -n 5 python benchmarks/history/s27/faults_njobs_parent_kill.py --label before
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid

import tunewise as tw

RUN = textwrap.dedent("""
    import json, os, sys, time
    import tunewise as tw

    url, name, ledger, trials, sleep = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    study = tw.create_study(study_name=name, storage=url, load_if_exists=True, max_trials=trials,
                            sampler=tw.samplers.RandomSampler(seed=int(sys.argv[6])),
                            heartbeat_interval=1.0, grace_period=3.0, max_retries=2)

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        time.sleep(sleep)
        value = x * x
        with open(ledger, "a") as f:
            f.write(json.dumps({"pid": os.getpid(), "x": x, "value": value, "t": time.time()}) + "\\n")
            f.flush()
            os.fsync(f.fileno())
        return value

    study.optimize(objective, n_jobs=2)
""")


def _children(pid: int) -> list[int]:
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    out.append(int(p))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return out


def _descendants(pid: int) -> set[int]:
    seen, todo = set(), [pid]
    while todo:
        for c in _children(todo.pop()):
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def run(backend: str, args: argparse.Namespace) -> dict:
    tmp = tempfile.mkdtemp(prefix="s27_njobs_parent_")
    url = f"sqlite:///{tmp}/tw.db" if backend == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    name = f"s27-njobs-parent-{uuid.uuid4().hex[:8]}"
    script = os.path.join(tmp, "run.py")
    with open(script, "w") as f:
        f.write(RUN)
    ledger = os.path.join(tmp, "ledger.jsonl")
    cmd = [sys.executable, script, url, name, ledger, str(args.trials), str(args.sleep)]
    parent = subprocess.Popen([*cmd, "0"], stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "p1.err"), "w"))
    give_up = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < give_up:
        workers |= _descendants(parent.pid)
        try:
            done = sum(t.state == tw.TrialState.COMPLETE for t in tw.load_study(study_name=name, storage=url).trials)
        except Exception:  # noqa: BLE001 - the study is not created yet
            done = 0
        if done >= 4:
            break
        time.sleep(0.1)
    workers |= _descendants(parent.pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    killed = time.time()
    watch_until = time.monotonic() + args.watch
    lifetimes: dict[int, float | None] = {w: None for w in workers}
    while time.monotonic() < watch_until and any(v is None for v in lifetimes.values()):
        for w, v in lifetimes.items():
            if v is None and not _alive(w):
                lifetimes[w] = round(time.time() - killed, 2)
        time.sleep(0.05)
    left = [w for w, v in lifetimes.items() if v is None]
    for w in left:
        os.kill(w, signal.SIGKILL)
    states_after_kill = collections.Counter(t.state.value for t in tw.load_study(study_name=name, storage=url).trials)
    t0 = time.perf_counter()
    resumed = subprocess.run(
        [*cmd, "1"], stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "p2.err"), "w"), timeout=600
    )
    resumed_wall = time.perf_counter() - t0
    trials = tw.load_study(study_name=name, storage=url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [
        (t.params.get("x"), t.values[0] if t.values else None) for t in trials if t.state == tw.TrialState.COMPLETE
    ]
    late = [t.system_attrs.get("late_result") for t in trials if "late_result" in t.system_attrs]
    lost = [
        c
        for c in computed
        if not any(x == c["x"] and abs(v - c["value"]) < 1e-12 for x, v in complete)
        and not any(isinstance(r, dict) and c["value"] in (r.get("values") or [r.get("value")]) for r in late)
    ]
    xs = collections.Counter(x for x, _ in complete)
    started = sum(t.state != tw.TrialState.WAITING and "retried_from" not in t.system_attrs for t in trials)
    return {
        "label": args.label,
        "backend": backend,
        "workers_seen": len(workers),
        "worker_lifetimes_after_parent_kill_s": sorted(v for v in lifetimes.values() if v is not None),
        "workers_alive_at_watch_end": len(left),
        "states_after_kill": dict(states_after_kill),
        "resumed_exit": resumed.returncode,
        "resumed_wall_s": round(resumed_wall, 2),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "computed": len(computed),
        "lost": len(lost),
        "duplicated": sum(n - 1 for n in xs.values() if n > 1),
        "budget": started - args.trials,
        "running_left": [t.number for t in trials if t.state == tw.TrialState.RUNNING],
        "failed": [
            (t.number, (t.system_attrs.get("fail_reason") or "")[:70]) for t in trials if t.state == tw.TrialState.FAIL
        ],
        "dir": tmp,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--trials", type=int, default=16)
    ap.add_argument("--sleep", type=float, default=2.0)
    ap.add_argument("--watch", type=float, default=15.0)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = ap.parse_args()
    for backend in args.backends:
        for _ in range(args.repeats):
            print(json.dumps(run(backend, args)), flush=True)


if __name__ == "__main__":
    main()
