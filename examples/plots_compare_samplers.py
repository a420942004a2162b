"""Overlay studies: random search vs quasi-random (Sobol) search on the same problem.

``optimization_history`` and ``edf`` take a list of studies; the figures go to
./out/plots/compare_history.html and ./out/plots/compare_edf.html.

    .venv/bin/python examples/plots_compare_samplers.py
"""

from __future__ import annotations

import math
import os

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)


def rosenbrock(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -2, 2)
    y = trial.suggest_float("y", -1, 3)
    return math.log1p((1 - x) ** 2 + 100 * (y - x * x) ** 2)


def main() -> None:
    os.makedirs(os.path.join("out", "plots"), exist_ok=True)
    studies = []
    samplers = [("random", tw.samplers.RandomSampler(seed=0)), ("sobol (QMC)", tw.samplers.QMCSampler(seed=0))]
    for name, sampler in samplers:
        study = tw.create_study(name=name, sampler=sampler)
        study.optimize(rosenbrock, n_trials=256 if not QUICK else 32)
        print(f"{name:12s} best log1p(rosenbrock) = {study.best_value:.4f}")
        studies.append(study)
    for kind, fig in [("history", tw.plots.optimization_history(studies, target_name="log1p(Rosenbrock)")),
                      ("edf", tw.plots.edf(studies, target_name="log1p(Rosenbrock)"))]:
        path = os.path.join("out", "plots", f"compare_{kind}.html")
        fig.write_html(path, include_plotlyjs="directory")
        print("wrote", path)


if __name__ == "__main__":
    main()
