"""Sweeps: what running an external program per trial costs, and what early termination saves.

1. Overhead per run. The program is a one-line shell script that prints ``loss=...``. We time:
   - ``bare loop``: ``subprocess.run`` + parsing stdout, no bookkeeping (the floor);
   - ``optuna + subprocess``: what an Optuna user writes by hand (a study on SQLite whose objective
     runs the program and parses its output);
   - ``tunewise sweep``: ``SweepRunner`` on SQLite (logs per run, params file, heartbeats), with 1
     and 2 workers; its clock includes creating the study and database (Optuna's does not).
   W&B Sweeps is not in the table: its controller needs the hosted W&B server (or a local server
   container) and an account, which this offline machine does not have.
2. Early termination. A Python program "trains" for 27 epochs (a loss curve per configuration,
   no sleeping); hyperband (``min_iter: 1, eta: 3``) stops runs that fall behind. We count the
   epochs executed and the best final loss, with and without ``early_terminate``.

    python benchmarks/sweeps.py --quick
    python benchmarks/sweeps.py --runs 100

Timings on a shared machine are noisy: compare columns within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

SHELL = '#!/bin/sh\nfor a in "$@"; do case "$a" in x=*) x="${a#x=}";; esac; done\necho "loss=$x"\n'

# Each configuration has a learning curve loss(t) = floor + (1 - floor) * t^-rate, printed per epoch;
# the final loss (epoch 27) ranks the configurations the same way as early epochs mostly do.
CURVE = r'''
import json, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
floor, rate = float(args["floor"]), float(args["rate"])
for t in range(1, 28):
    print("tunewise: " + json.dumps({"loss": floor + (1 - floor) * t ** -rate, "step": t}), flush=True)
'''


def bare_loop(prog: Path, n: int) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        out = subprocess.run(["/bin/sh", str(prog), f"x={i / n}"], capture_output=True, text=True, check=True)
        float(out.stdout.strip().split("=")[1])
    return time.perf_counter() - t0


def optuna_loop(prog: Path, n: int, db: Path) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        out = subprocess.run(["/bin/sh", str(prog), f"x={x}"], capture_output=True, text=True, check=True)
        return float(out.stdout.strip().split("=")[1])

    study = optuna.create_study(storage=f"sqlite:///{db}", sampler=optuna.samplers.RandomSampler(seed=0))
    t0 = time.perf_counter()  # creating the database (schema migrations) is left out of the clock
    study.optimize(objective, n_trials=n)
    return time.perf_counter() - t0


def tunewise_sweep(tmp: Path, n: int, workers: int, tag: str, extra: dict | None = None,
                   program: str = "prog.sh", params: dict | None = None) -> tuple[float, object]:
    from tunewise.sweeps import SweepConfig, SweepRunner

    cfg = {"name": tag, "program": program, "method": "random", "seed": 0, "metric": {"name": "loss"},
           "command": ["${interpreter}", "${program}", "${args_no_hyphens}" if program.endswith(".sh") else "${args}"],
           "parameters": params or {"x": {"min": 0.0, "max": 1.0}}, "run_cap": n, "workers": workers,
           "log_dir": str(tmp / "runs")}
    cfg.update(extra or {})
    path = tmp / f"{tag}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    t0 = time.perf_counter()
    study = SweepRunner(SweepConfig.from_file(path), storage=f"sqlite:///{tmp / (tag + '.db')}", echo=None).run()
    return time.perf_counter() - t0, study


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="30 runs (CI size)")
    ap.add_argument("--runs", type=int, default=None)
    args = ap.parse_args()
    n = args.runs or (30 if args.quick else 100)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        prog = tmp / "prog.sh"
        prog.write_text(SHELL)
        (tmp / "curve.py").write_text(CURVE)
        rows = [("bare loop (floor)", bare_loop(prog, n))]
        rows.append(("optuna + subprocess (SQLite)", optuna_loop(prog, n, tmp / "optuna.db")))
        for w in (1, 2):
            rows.append((f"tunewise sweep, {w} worker(s) (SQLite)", tunewise_sweep(tmp, n, w, f"w{w}")[0]))
        floor = rows[0][1] / n
        print(f"\n1. Overhead per run: {n} runs of a one-line shell program (seconds; ms per run)")
        print(f"{'runner':40s} {'total s':>8s} {'ms/run':>8s} {'over floor':>11s}")
        for name, total in rows:
            print(f"{name:40s} {total:8.2f} {1000 * total / n:8.1f} {1000 * (total / n - floor):+10.1f}")

        m = 15 if args.quick else 40
        params = {"floor": {"min": 0.0, "max": 0.5}, "rate": {"min": 0.2, "max": 2.0}}
        print(f"\n2. Early termination: {m} runs of a 27-epoch program (random search, seed 0, 2 workers)")
        print(f"{'setting':34s} {'epochs run':>10s} {'pruned':>7s} {'best loss':>10s} {'seconds':>8s}")
        for label, extra in (("no early termination", {}),
                             ("hyperband min_iter=1 eta=3", {"early_terminate": {"type": "hyperband", "min_iter": 1,
                                                                                "max_iter": 27, "eta": 3}})):
            secs, study = tunewise_sweep(tmp, m, 2, "curve" + str(len(extra)), extra, "curve.py", params)
            trials = study.trials  # type: ignore[attr-defined]
            epochs = sum(len(t.intermediate_values) for t in trials)
            pruned = sum(t.state.value == "PRUNED" for t in trials)
            best = min(t.value for t in trials if t.state.value == "COMPLETE")
            print(f"{label:34s} {epochs:10d} {pruned:7d} {best:10.4f} {secs:8.1f}")
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cpus; timings on a shared machine are noisy")
    print(json.dumps({"runs": n}))


if __name__ == "__main__":
    main()
