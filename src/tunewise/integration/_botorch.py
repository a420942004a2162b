"""Optuna's ``BoTorchSampler`` (``optuna.integration`` / ``optuna_integration``) on tunewise's GP sampler."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from tunewise.samplers._gp import GPSampler
from tunewise.trial import FrozenTrial

__all__ = ["BoTorchSampler"]


class BoTorchSampler(GPSampler):
    """Gaussian-process Bayesian optimization under Optuna's ``BoTorchSampler`` name and keywords.

    tunewise does not run BoTorch: this is :class:`tunewise.samplers.GPSampler` (log expected
    improvement; ParEGO scalarizations for several objectives; one GP per constraint for
    ``constraints_func``), which covers what BoTorchSampler's default candidates functions do
    (qEI / qNEHVI / qParEGO by the number of objectives), with ``n_startup_trials`` random
    start-up trials as in Optuna. Constructing it warns once that the results differ from
    Optuna's. ``candidates_func`` (a BoTorch acquisition of your own) is refused: it needs BoTorch.
    ``device`` is accepted and unused (tunewise's GP runs on the CPU with numpy).

    >>> import warnings, tunewise as tw
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     sampler = BoTorchSampler(n_startup_trials=4, seed=0)
    >>> study = tw.create_study(directions=["minimize", "minimize"], sampler=sampler)
    >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("x", 0, 1)), n_trials=6)
    >>> len(study.best_trials) >= 1
    True
    """

    def __init__(self, *, candidates_func: Callable[..., Any] | None = None,
                 constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None, n_startup_trials: int = 10,
                 consider_running_trials: bool = False, independent_sampler: Any = None, seed: int | None = None,
                 device: Any = None) -> None:
        if candidates_func is not None:
            raise ValueError("BoTorchSampler(candidates_func=...) needs BoTorch, which tunewise does not run: leave it "
                             "out to use tunewise's GP (log EI, ParEGO for several objectives, constraint GPs)")
        warnings.warn("BoTorchSampler runs tunewise's GPSampler (log EI; ParEGO for several objectives), not BoTorch: "
                      "the proposals, and so the results, differ from Optuna's", UserWarning, stacklevel=2)
        super().__init__(seed=seed, n_startup_trials=n_startup_trials, consider_running_trials=consider_running_trials,
                         constraints_func=constraints_func, independent_sampler=independent_sampler)
