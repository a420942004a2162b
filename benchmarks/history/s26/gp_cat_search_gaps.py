"""Session 26: how far the mixed search's proposals fall short of the best untried point, on a space
where the best categorical choice moves with an integer (a, b in 0..20, c in 3 choices whose optimum
sits at a = 4, 10, 16). Every model-based proposal of a 25-trial study is searched again under the
same model (same random state) and compared with the exhaustive best untried point of the 1,323;
the gap is in nats of log EI. Run with the src to measure first on sys.path (C', C, or C' with a
refined start per categorical choice, ``cprime_per_choice_starts.diff``).

    nice -n 10 .venv/bin/python benchmarks/history/s26/gp_cat_search_gaps.py SRC SEED [SEED ...]
"""

from __future__ import annotations

import copy
import sys
from typing import Any

sys.path.insert(0, sys.argv[1])
import numpy as np  # noqa: E402

import tunewise as tw  # noqa: E402
from tunewise.samplers import _gp_acq  # noqa: E402

INTS = [tw.distributions.Int(0, 20), tw.distributions.Int(0, 20)]
SHIFT = {"a": 4, "b": 10, "c": 16}
OFFSET = {"a": 0.3, "b": 0.0, "c": 0.2}


def objective(t: tw.Trial) -> float:
    a, b = t.suggest_int("a", 0, 20), t.suggest_int("b", 0, 20)
    c = t.suggest_categorical("c", list(SHIFT))
    return float(0.01 * (a - SHIFT[c]) ** 2 + 0.5 * np.sin(b / 3.0) + 0.02 * abs(b - 6) + OFFSET[c])


def main() -> None:
    tw.logging.set_verbosity(tw.logging.ERROR)
    print(f"# {tw.__file__}")
    optimize = _gp_acq.AcquisitionOptimizer.optimize
    g = np.array([[INTS[0].to_unit(a), INTS[1].to_unit(b)] for a in range(21) for b in range(21)])
    grid, grid_cat = np.vstack([g] * 3), np.repeat(np.arange(3.0), len(g))[:, None]
    calls: list[tuple[Any, ...]] = []

    def spy(self: Any, *args: Any) -> Any:
        calls.append((self, args, copy.deepcopy(self.rng)))
        return optimize(self, *args)

    for seed in map(int, sys.argv[2:]):
        calls.clear()
        _gp_acq.AcquisitionOptimizer.optimize = spy  # type: ignore[method-assign]
        sampler = tw.samplers.GPSampler(seed=seed)
        sampler._integer_search = True
        study = tw.create_study(sampler=sampler)
        study.optimize(objective, n_trials=25)
        _gp_acq.AcquisitionOptimizer.optimize = optimize  # type: ignore[method-assign]
        gaps = []
        for acq, args, rng in calls:
            vals = acq.value(grid, grid_cat)
            best_untried = float(np.max(np.where(acq._is_taken(grid, grid_cat), -np.inf, vals)))
            acq.rng = copy.deepcopy(rng)
            _, _, value = optimize(acq, *args)
            gaps.append(best_untried - value)
        short = [round(x, 3) for x in gaps if x > 1e-9]
        print(
            f"seed {seed}: {len(gaps)} proposals, {len(short)} short of the best untried point {short}, "
            f"best value {study.best_value:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
