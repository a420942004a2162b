"""Diagnostic for the transfer benchmark: why a misleading warm start hurt TPE on Rosenbrock.

No tunewise transfer code is involved: plain ``TPESampler`` studies on the shifted bbob tasks of
``benchmarks/transfer.py``, with two points at the far corner (the misleading knowledge base's
"best" configurations) enqueued first, compared with a cold study and with a cold study that simply
loses its first two trials. If the enqueued corner points only cost their two trials, ``c2`` would
match ``lose2``; if they poison TPE's model (its Parzen estimators keep them for the whole run),
``c2`` is worse. ``c2-s12`` gives TPE 12 start-up trials, i.e. still 10 random ones of its own.

    .venv/bin/python benchmarks/transfer_tpe_poison.py              # f08, 10 seeds
    .venv/bin/python benchmarks/transfer_tpe_poison.py --quick      # 3 seeds
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import transfer as B  # noqa: E402  (benchmarks/transfer.py: the same tasks)
import tunewise as tw  # noqa: E402


def with_corners(task: B.Task, seed: int, startup: int) -> list[float]:
    corner = np.where(task.x_opt > 0, -4.5, 4.5)  # type: ignore[operator]
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=seed, n_startup_trials=startup))
    for k in range(2):
        study.enqueue_trial({f"x{j}": float(corner[j]) + 0.1 * k for j in range(B.DIM)})
    study.optimize(task.objective, n_trials=B.N_TRIALS)
    return [t.value for t in study.trials]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--function", type=int, default=8)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    seeds = range(3 if args.quick else 10)
    methods = ("cold", "lose2", "c2", "c2-s12")
    print(f"bbob f{args.function:02d}, {len(seeds)} seeds, TPESampler, mean regret after {B.N_TRIALS} trials "
          "(ratio to cold)\n")
    print("| task | " + " | ".join(methods) + " |")
    print("|---|" + "---:|" * len(methods))
    ratios: dict[str, list[float]] = {m: [] for m in methods}
    for t in B.bbob_family(args.function):
        curves: dict[str, list[np.ndarray]] = {m: [] for m in methods}
        for s in seeds:
            curves["cold"].append(B.regret_curve(B.tune(t, B.N_TRIALS, s), t.f_opt))
            lost = [float("inf")] * 2 + B.tune(t, B.N_TRIALS - 2, s)  # the same study, two trials later
            curves["lose2"].append(B.regret_curve(lost, t.f_opt))
            curves["c2"].append(B.regret_curve(with_corners(t, s, 10), t.f_opt))
            curves["c2-s12"].append(B.regret_curve(with_corners(t, s, 12), t.f_opt))
        r50 = {m: float(np.mean([c[-1] for c in curves[m]])) for m in methods}
        for m in methods:
            ratios[m].append(max(r50[m], B.FLOOR) / max(r50["cold"], B.FLOOR))
        print(f"| {t.name} | " + " | ".join(f"{r50[m]:.3g} ({ratios[m][-1]:.2f}x)" for m in methods) + " |")
    print("| **geo-mean ratio** | " + " | ".join(f"**{np.exp(np.mean(np.log(ratios[m]))):.2f}**" for m in methods)
          + " |")


if __name__ == "__main__":
    main()
