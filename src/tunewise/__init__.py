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

from typing import TYPE_CHECKING

from tunewise import distributions, logging, samplers, schedulers, storage
from tunewise._pareto import hypervolume, hypervolume_history
from tunewise.distributions import (
    choice,
    grid,
    lograndint,
    loguniform,
    qlograndint,
    qloguniform,
    qrandint,
    qrandn,
    quniform,
    randint,
    randn,
    sample_from,
    uniform,
)
from tunewise.exceptions import (
    DuplicatedStudyError,
    SearchExhausted,
    StorageError,
    StudyNotFoundError,
    TrialPruned,
    TunewiseError,
)
from tunewise.execution import DaskExecutor, Executor, ProcessExecutor, RayExecutor, SequentialExecutor
from tunewise.study import (
    Study,
    StudySummary,
    copy_study,
    create_study,
    create_trial,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from tunewise.trial import FrozenTrial, Trial, TrialState, report

if TYPE_CHECKING:  # loaded on first use (see __getattr__)
    from tunewise.storage._sql._optuna import import_optuna

__version__ = "0.1.0"

__all__ = [
    "DaskExecutor",
    "DuplicatedStudyError",
    "Executor",
    "FrozenTrial",
    "ProcessExecutor",
    "RayExecutor",
    "SearchExhausted",
    "SequentialExecutor",
    "StorageError",
    "Study",
    "StudySummary",
    "StudyNotFoundError",
    "Trial",
    "TrialPruned",
    "TrialState",
    "TunewiseError",
    "choice",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "get_all_study_names",
    "get_all_study_summaries",
    "grid",
    "hypervolume",
    "hypervolume_history",
    "import_optuna",
    "load_study",
    "logging",
    "lograndint",
    "loguniform",
    "qlograndint",
    "qloguniform",
    "qrandint",
    "qrandn",
    "quniform",
    "randint",
    "randn",
    "report",
    "sample_from",
    "samplers",
    "schedulers",
    "storage",
    "uniform",
]


def __getattr__(name: str) -> object:
    # Integrations and presets load on first use, so `import tunewise` never imports
    # scikit-learn, torch or mlflow.
    if name in ("integrations", "integration", "presets", "plots", "importance", "insight", "transfer", "pruners",
                "search_space", "visualization", "storages", "artifacts", "terminator", "progress_bar"):
        import importlib

        return importlib.import_module(f"tunewise.{name}")
    if name == "cross_validate_objective":
        from tunewise.integrations.sklearn import cross_validate_objective

        return cross_validate_objective
    if name == "import_optuna":  # reads Optuna's databases with SQL alone: no optuna import
        from tunewise.storage._sql._optuna import import_optuna

        return import_optuna
    if name in _OPTUNA_ONLY:
        raise AttributeError(f"optuna.{name} has no tunewise counterpart: {_OPTUNA_ONLY[name]}")
    raise AttributeError(f"module 'tunewise' has no attribute {name!r}")


# Optuna modules a script moved with `import tunewise as optuna` may use, with what to do instead
# (none at present: optuna.terminator and optuna.artifacts have counterparts now).
_OPTUNA_ONLY: dict[str, str] = {}
