"""Session 27, fault 4 (third attack): a Dask worker process SIGKILLed mid-trial.

``study.optimize(objective, n_trials=--trials, executor=DaskExecutor(client))`` on a
``LocalCluster(n_workers=2, threads_per_worker=1)`` (worker processes under nannies, which restart
a killed worker), SQLite or PostgreSQL, heartbeat 1 s / grace 3 s, max_retries 2, RandomSampler
seeded. The objective sleeps ``--sleep`` s and appends its result to a ledger (fsynced). Once
``--kill-at`` trials are COMPLETE, one worker process is SIGKILLed (``--kills`` times, each after
``--kill-at`` more trials). Counted as in chaos.py: results lost, duplicated, budget, RUNNING
left, FAILED without a COMPLETE retry; plus the wall time.

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) PYTHONPATH=<tree>/src \\
        nice -n 5 python benchmarks/history/s27/faults_dask_worker_kill.py --label probe
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import tempfile
import threading
import time
import uuid

import tunewise as tw


def run(backend: str, args: argparse.Namespace) -> dict:
    from distributed import Client, LocalCluster

    tmp = tempfile.mkdtemp(prefix="s27_dask_kill_")
    url = f"sqlite:///{tmp}/tw.db" if backend == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    name = f"s27-dask-kill-{uuid.uuid4().hex[:8]}"
    ledger = os.path.join(tmp, "ledger.jsonl")
    sleep = args.sleep
    study = tw.create_study(
        study_name=name,
        storage=url,
        sampler=tw.samplers.RandomSampler(seed=0),
        heartbeat_interval=1.0,
        grace_period=3.0,
        max_retries=2,
        max_trials=args.trials,
    )

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        time.sleep(sleep)
        value = x * x
        with open(ledger, "a") as f:
            f.write(json.dumps({"pid": os.getpid(), "x": x, "value": value}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return value

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True)
    client = Client(cluster)
    kills: list[dict] = []

    def killer() -> None:
        for k in range(args.kills):
            target = args.kill_at * (k + 1)
            while True:
                done = sum(
                    t.state == tw.TrialState.COMPLETE for t in tw.load_study(study_name=name, storage=url).trials
                )
                if done >= target or done >= args.trials - 2:
                    break
                time.sleep(0.1)
            pids = client.run(os.getpid)
            address, pid = sorted(pids.items())[k % len(pids)]
            os.kill(pid, signal.SIGKILL)
            kills.append({"at_complete": done, "worker": address, "t": time.time()})

    th = threading.Thread(target=killer, daemon=True)
    th.start()
    t0 = time.perf_counter()
    error = None
    try:
        study.optimize(objective, n_trials=args.trials, executor=tw.DaskExecutor(client))
    except Exception as e:  # noqa: BLE001 - counted
        error = f"{type(e).__name__}: {e}"[:300]
    wall = time.perf_counter() - t0
    th.join(5)
    client.close()
    cluster.close()
    trials = tw.load_study(study_name=name, storage=url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [
        (t.params.get("x"), t.values[0] if t.values else None) for t in trials if t.state == tw.TrialState.COMPLETE
    ]
    late = [t.system_attrs.get("late_result") for t in trials if "late_result" in t.system_attrs]
    lost = [
        c for c in computed if not any(x == c["x"] and abs(v - c["value"]) < 1e-12 for x, v in complete) and not late
    ]
    xs = collections.Counter(x for x, _ in complete)
    started = sum(t.state != tw.TrialState.WAITING and "retried_from" not in t.system_attrs for t in trials)
    retried = {
        t.system_attrs["retried_from"]
        for t in trials
        if "retried_from" in t.system_attrs and t.state == tw.TrialState.COMPLETE
    }
    return {
        "label": args.label,
        "backend": backend,
        "kills": kills,
        "error": error,
        "wall_s": round(wall, 2),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "computed": len(computed),
        "lost": len(lost),
        "late_results": len(late),
        "duplicated": sum(n - 1 for n in xs.values() if n > 1),
        "budget": started - args.trials,
        "running_left": [t.number for t in trials if t.state == tw.TrialState.RUNNING],
        "failed_unrecovered": [
            (t.number, (t.system_attrs.get("fail_reason") or "")[:80])
            for t in trials
            if t.state == tw.TrialState.FAIL and t.number not in retried
        ],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--sleep", type=float, default=1.0)
    ap.add_argument("--kill-at", type=int, default=4)
    ap.add_argument("--kills", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = ap.parse_args()
    for backend in args.backends:
        for _ in range(args.repeats):
            print(json.dumps(run(backend, args)), flush=True)


if __name__ == "__main__":
    main()
