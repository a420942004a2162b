"""Session 29, issue 18 (candidate H, rule tpe_h_decision.txt criterion 6): TPESampler CPU per
suggestion after 1,000 trials of a conditional space, tunewise with H off / on and optuna 5.1's
TPESampler (default settings), alternated in one process.

The space: two shared floats, a three-way model choice, and 2-3 parameters per branch (a log
float, an int, a log int, a categorical, a float). 1,000 random trials prefill each study; then
rounds of 10 suggestions each (tw off, tw on, optuna), CPU time (time.process_time).

    nice -n 10 /work/main/.venv/bin/python benchmarks/history/s29/tpe_h_cost.py [--prefill 1000 --rounds 3]

Run from the checkout whose src it should measure (it puts its own ../../../src first on sys.path).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))


def objective(t: Any) -> float:
    a = t.suggest_float("a", -3.0, 3.0)
    b = t.suggest_float("b", 0.0, 1.0)
    model = t.suggest_categorical("model", ["m1", "m2", "m3"])
    if model == "m1":
        v = (t.suggest_float("c1", 1e-4, 1e2, log=True) - 1.0) ** 2 + t.suggest_int("k1", 1, 20)
    elif model == "m2":
        v = abs(t.suggest_int("n2", 1, 500, log=True) - 40) / 40 + (t.suggest_categorical("w2", ["u", "d"]) == "u")
    else:
        v = (t.suggest_float("f3", 0.0, 1.0) - 0.3) ** 2 + t.suggest_float("g3", 1e-3, 1.0, log=True)
    return (a - 1.0) ** 2 + b + v


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--prefill", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--per-round", type=int, default=10)
    args = ap.parse_args()
    import optuna

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    studies: dict[str, Any] = {}
    for key in ("tw-off", "tw-H"):
        st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        st.optimize(objective, n_trials=args.prefill)
        s = tw.samplers.TPESampler(seed=0)
        s._conditional_gap_clip = key == "tw-H"  # type: ignore[attr-defined]
        st.sampler = s
        st.optimize(objective, n_trials=1)  # builds the incremental cache once
        studies[key] = st
    so = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    so.optimize(objective, n_trials=args.prefill)
    so.sampler = optuna.samplers.TPESampler(seed=0)
    studies["optuna-tpe"] = so
    times: dict[str, list[float]] = {k: [] for k in studies}
    for _ in range(args.rounds):
        for key, st in studies.items():
            t0 = time.process_time()
            st.optimize(objective, n_trials=args.per_round)
            times[key].append(1000 * (time.process_time() - t0) / args.per_round)
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    for k, v in times.items():
        print(
            f"{k:11s} ms/suggestion after {args.prefill} trials, rounds: "
            + " ".join(f"{x:.2f}" for x in v)
            + f"  median {med[k]:.2f}"
        )
    print(
        f"H / off {med['tw-H'] / med['tw-off']:.3f}; off / optuna {med['tw-off'] / med['optuna-tpe']:.3f}; "
        f"H / optuna {med['tw-H'] / med['optuna-tpe']:.3f}"
    )


if __name__ == "__main__":
    main()
