"""s25: why the default loses 10.5x to optuna GP on probe 5's xgb-scurve (dev data now): optuna GP
proposes colsample_bytree = 1.0 exactly (all 3 features); tunewise keeps float proposals strictly
inside open ranges (samplers/_interior.py), and XGBoost keeps int(colsample * 3) = 2 features below 1.0.

    nice -n 5 .venv/bin/python benchmarks/history/s25/xgb_scurve_bound_check.py   # xgb_scurve_bound_check.txt
"""

from __future__ import annotations

import os
import sys
from typing import Any

import optuna

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "s24"))
import probe_real_hpo5 as p5  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)


class Fixed:
    """A trial whose suggestions return fixed values."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def suggest_int(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.params[name]

    def suggest_float(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.params[name]


best: dict[str, Any] = {}
for seed in (0, 1):
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    study.optimize(p5.xgb_scurve, n_trials=40)
    b = study.best_trial
    best = dict(b.params)
    print("optuna-gp seed", seed, round(b.value, 4), {k: round(v, 4) for k, v in b.params.items()})
for c in (1.0, 0.99999, 0.9):  # the last seed's best point, colsample_bytree changed
    print("colsample", c, round(p5.xgb_scurve(Fixed({**best, "colsample_bytree": c})), 4))
