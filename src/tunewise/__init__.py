"""tunewise: hyperparameter optimization that finds more in fewer trials and never loses one.

>>> import tunewise as tw
>>> def objective(trial: tw.Trial) -> float:
...     x = trial.suggest_float("x", -5, 5)
...     return (x - 1) ** 2
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> study.optimize(objective, n_trials=30)
>>> round(study.best_params["x"])
1
"""

from __future__ import annotations

from tunewise import distributions, samplers, schedulers, storage
from tunewise.distributions import choice, grid, loguniform, quniform, randint, uniform
from tunewise.exceptions import (
    DuplicatedStudyError,
    SearchExhausted,
    StorageError,
    StudyNotFoundError,
    TrialPruned,
    TunewiseError,
)
from tunewise.execution import DaskExecutor, Executor, ProcessExecutor, SequentialExecutor
from tunewise.study import Study, create_study, delete_study, get_all_study_names, load_study
from tunewise.trial import FrozenTrial, Trial, TrialState, report

__version__ = "0.1.0"

__all__ = [
    "DaskExecutor",
    "DuplicatedStudyError",
    "Executor",
    "FrozenTrial",
    "ProcessExecutor",
    "SearchExhausted",
    "SequentialExecutor",
    "StorageError",
    "Study",
    "StudyNotFoundError",
    "Trial",
    "TrialPruned",
    "TrialState",
    "TunewiseError",
    "choice",
    "create_study",
    "delete_study",
    "distributions",
    "get_all_study_names",
    "grid",
    "load_study",
    "loguniform",
    "quniform",
    "randint",
    "report",
    "samplers",
    "schedulers",
    "storage",
    "uniform",
]


def __getattr__(name: str) -> object:
    # Integrations and presets load on first use, so `import tunewise` never imports
    # scikit-learn, torch or mlflow.
    if name in ("integrations", "presets", "plots", "importance", "insight", "transfer"):
        import importlib

        return importlib.import_module(f"tunewise.{name}")
    if name == "cross_validate_objective":
        from tunewise.integrations.sklearn import cross_validate_objective

        return cross_validate_objective
    raise AttributeError(f"module 'tunewise' has no attribute {name!r}")
