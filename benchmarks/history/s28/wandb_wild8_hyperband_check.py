"""Session 28: which runs of the run-side hyperband probe (wandb_wild8_runside/hyperband_maximize.yaml, goal
maximize, min_iter 1, eta 2, runs one after the other) W&B's engine would stop, and at which report, against what
tunewise did. W&B's rule (wandb/sweeps ``stop_runs``) is asked after each report of run k with runs 0..k-1 as they
ended (finished, or stopped at their last report) and run k running with the reports so far; the first report at
which it names run k is W&B's stop. tunewise's: the trial's state and its number of reports, from the study the
harness ran.

    PYTHONPATH=/tmp/s23/wbextra .venv/bin/python benchmarks/history/s28/wandb_wild8_hyperband_check.py DB
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import yaml

import tunewise as tw


def main(db: str) -> None:
    sys.path[:0] = ["/tmp/wandb_sweeps/pylib", "/tmp/wandb_sweeps/sweepspkg/src"]  # as session 25's checker
    from sweeps.run import RunState, SweepRun

    from sweeps import stop_runs

    cfg = yaml.safe_load((Path(__file__).parent / "wandb_wild8_runside" / "hyperband_maximize.yaml").read_text())
    study = tw.load_study(study_name="hyperband_maximize", storage=f"sqlite:///{db}")
    trials = sorted(study.trials, key=lambda t: t.number)
    # The full curve each configuration would log (the program's own arithmetic), for W&B's side.
    epochs = cfg["parameters"]["epochs"]["value"]
    done: list[SweepRun] = []
    rows = []
    for t in trials:
        rate = t.params["model.rate"]
        curve, acc = [], 0.0
        for _ in range(epochs):
            acc = acc + (1 - acc) * rate
            curve.append(acc)
        wandb_stop = None
        for k in range(1, epochs + 1):
            running = SweepRun(name=f"r{t.number}", state=RunState.running, history=[{"val_acc": v} for v in curve[:k]])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                names = {r.name for r in stop_runs(cfg, [*done, running])}
            if running.name in names:
                wandb_stop = k
                break
        n_w = wandb_stop or epochs
        done.append(SweepRun(name=f"r{t.number}", state=RunState.finished,
                             history=[{"val_acc": v} for v in curve[:n_w]]))
        n_t = len(t.intermediate_values)
        rows.append({"run": t.number, "rate": rate, "wandb": f"stopped at report {wandb_stop}" if wandb_stop
                     else f"runs all {epochs}", "tunewise": (f"{t.state.name} after {n_t} reports"),
                     "same": (t.state.name == "PRUNED") == (wandb_stop is not None) and n_t == n_w})
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main(sys.argv[1])
