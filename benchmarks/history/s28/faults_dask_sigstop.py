"""Session 28, faults: a Dask worker process SIGSTOPped mid-trial (stopped, not killed).

``study.optimize(objective, max_trials=--trials, executor=DaskExecutor(client))`` on a
``LocalCluster(n_workers=2, threads_per_worker=1)``, SQLite, heartbeat 0.5 s / grace 3 s,
max_retries 2, seeded RandomSampler; the objective sleeps 1 s and appends its result to a ledger
(fsynced). Once 3 trials are COMPLETE, the worker process running a trial is SIGSTOPped; with
``--cont S`` it gets SIGCONT S seconds later, without it, it stays stopped (it is SIGKILLed when
optimize() has returned, or at the deadline). Counted: optimize()'s wall time and whether it
returned before ``--deadline``; results lost, duplicated COMPLETE parameters, budget, RUNNING left,
FAILED without a COMPLETE retry; late results recorded.

    PYTHONPATH=<tree>/src nice -n 5 .venv/bin/python benchmarks/history/s28/faults_dask_sigstop.py \\
        --cont 15 --label probe
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=12)
    ap.add_argument("--cont", type=float, default=None)
    ap.add_argument("--deadline", type=float, default=240.0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="s28_dask_stop_")
    url = f"sqlite:///{tmp}/tw.db"
    name = f"s28-dask-stop-{uuid.uuid4().hex[:8]}"
    ledger = os.path.join(tmp, "ledger.jsonl")
    busy = os.path.join(tmp, "busy")
    os.makedirs(busy)
    study = tw.create_study(
        study_name=name,
        storage=url,
        sampler=tw.samplers.RandomSampler(seed=0),
        heartbeat_interval=0.5,
        grace_period=3.0,
        max_retries=2,
    )

    def objective(trial):
        x = trial.suggest_float("x", -5, 5)
        mark = os.path.join(busy, str(os.getpid()))
        open(mark, "w").close()
        time.sleep(1.0)
        with open(ledger, "a") as f:
            f.write(json.dumps({"pid": os.getpid(), "x": x, "number": trial.number}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.unlink(mark)
        return x * x

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True)
    client = Client(cluster)
    stopped: dict = {}

    def attacker() -> None:
        while sum(t.state == tw.TrialState.COMPLETE for t in tw.load_study(study_name=name, storage=url).trials) < 3:
            time.sleep(0.1)
        pids = set(client.run(os.getpid).values())
        while True:
            inside = [int(p) for p in os.listdir(busy) if int(p) in pids]
            if inside:
                break
            time.sleep(0.02)
        os.kill(inside[0], signal.SIGSTOP)
        stopped.update(pid=inside[0], t=time.time())
        if args.cont is not None:
            time.sleep(args.cont)
            os.kill(inside[0], signal.SIGCONT)
            stopped["cont"] = time.time()

    threading.Thread(target=attacker, daemon=True).start()
    result: dict = {}

    def run() -> None:
        t0 = time.perf_counter()
        try:
            study.optimize(objective, max_trials=args.trials, executor=tw.DaskExecutor(client))
            result["error"] = None
        except Exception as e:  # noqa: BLE001 - counted
            result["error"] = f"{type(e).__name__}: {e}"[:300]
        result["wall"] = time.perf_counter() - t0

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(args.deadline)
    returned = not th.is_alive()
    if "pid" in stopped:
        try:
            os.kill(stopped["pid"], signal.SIGCONT if returned and args.cont is not None else signal.SIGKILL)
        except ProcessLookupError:
            pass
    trials = tw.load_study(study_name=name, storage=url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [(t.params.get("x"), t.number) for t in trials if t.state == tw.TrialState.COMPLETE]
    lates = [t.system_attrs.get("late_result") for t in trials if "late_result" in t.system_attrs]
    late_xs = {(lr.get("params") or {}).get("x") for lr in lates if isinstance(lr, dict)}
    xs = collections.Counter(x for x, _ in complete)
    lost = [c for c in computed if c["x"] not in xs and c["x"] not in late_xs]
    started = [t for t in trials if t.state != tw.TrialState.WAITING]
    reruns = [t for t in started if "retried_from" in t.system_attrs]
    row = {
        "label": args.label,
        "cont_s": args.cont,
        "returned": returned,
        "wall_s": round(result.get("wall", args.deadline), 1),
        "error": result.get("error"),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "computed": len(computed),
        "lost": len(lost),
        "duplicated": sum(n - 1 for n in xs.values() if n > 1),
        "budget": len(started) - len(reruns) - args.trials,
        "running_left": [t.number for t in trials if t.state == tw.TrialState.RUNNING],
        "failed_unrecovered": [
            t.number
            for t in trials
            if t.state == tw.TrialState.FAIL
            and not any(
                r.state == tw.TrialState.COMPLETE and r.system_attrs.get("retried_from") == t.number for r in trials
            )
        ],
        "late_results": len(lates),
    }
    try:
        client.close(timeout=10)
        cluster.close(timeout=10)
    except Exception:  # noqa: BLE001 - a stopped worker may hold the close up
        pass
    line = json.dumps(row)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")
    os._exit(0)


if __name__ == "__main__":
    main()
