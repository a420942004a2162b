"""Optuna's ``BoTorchSampler`` (``optuna.integration`` / ``optuna_integration``) on tunewise's GP sampler."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tunewise import distributions as D
from tunewise._constraints import CONSTRAINTS_ATTR
from tunewise.samplers import GPSampler, StudyContext, TrialContext
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["BoTorchSampler"]


class BoTorchSampler(GPSampler):
    """Gaussian-process Bayesian optimization under Optuna's ``BoTorchSampler`` name and keywords.

    Without ``candidates_func`` tunewise does not run BoTorch: this is
    :class:`tunewise.samplers.GPSampler` (log expected improvement; ParEGO scalarizations for
    several objectives; one GP per constraint for ``constraints_func``), which covers what
    BoTorchSampler's default candidates functions do (qEI / qNEHVI / qParEGO by the number of
    objectives), with ``n_startup_trials`` random start-up trials as in Optuna. Constructing it
    warns once that the results differ from Optuna's. ``device`` is accepted and unused
    (tunewise's GP runs on the CPU with numpy).

    ``candidates_func`` (an acquisition of your own, BoTorch code) is called as Optuna calls it,
    after ``n_startup_trials`` trials (the GP sampler's start-up points before that):
    ``candidates_func(train_x, train_obj, train_con, bounds, pending_x)`` with float64 torch
    tensors of the COMPLETE trials' parameters in Optuna's continuous encoding (log scale for
    ``log`` parameters, a step's half-width beyond each end of a stepped or integer range, one
    column per choice of a categorical), their values turned to maximization, their constraint
    values (None without any), the ``2 x d`` bounds, and the running trials' parameters with
    ``consider_running_trials`` (else None). It returns one point (``d`` or ``1 x d``), decoded
    back (exponent, nearest step, the largest categorical column).

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
        if candidates_func is not None and not callable(candidates_func):
            raise TypeError(f"candidates_func must be a function (train_x, train_obj, train_con, bounds, pending_x) "
                            f"-> candidates, got {candidates_func!r}")
        if candidates_func is None:
            warnings.warn("BoTorchSampler runs tunewise's GPSampler (log EI; ParEGO for several objectives), not "
                          "BoTorch: the proposals, and so the results, differ from Optuna's", UserWarning, stacklevel=2)
        super().__init__(seed=seed, n_startup_trials=n_startup_trials, consider_running_trials=consider_running_trials,
                         constraints_func=constraints_func, independent_sampler=independent_sampler)
        self._candidates_func = candidates_func
        self._torch_seed = seed

    def propose(self, study: StudyContext, trial: TrialContext) -> Any:
        if self._candidates_func is None:
            return super().propose(study, trial)
        complete = [t for t in study.get_trials(states=(TrialState.COMPLETE,))
                    if t.values and all(v is not None and math.isfinite(v) for v in t.values)]
        running = [t for t in study.get_trials(states=(TrialState.RUNNING,)) if t.number != trial.number]
        dists = study.distributions
        names = sorted(n for n, d in dists.items() if isinstance(d, (D.Float, D.Int, D.Categorical))
                       and all(n in t.params for t in complete))
        n_startup = self.n_startup_trials if self.n_startup_trials is not None else 10
        if not complete or not names or len(complete) + len(running) < n_startup:
            return super().propose(study, trial)  # Optuna's start-up: independent sampling (here the GP's)
        return self._candidates_point(study, names, dists, complete, running)

    def _candidates_point(self, study: StudyContext, names: list[str], dists: dict[str, D.Distribution],
                          complete: list[FrozenTrial], running: list[FrozenTrial]) -> dict[str, Any]:
        import torch  # candidates_func is BoTorch code: torch is installed when one is given

        space = [dists[n] for n in names]
        bounds = np.array([b for d in space for b in _column_bounds(d)], dtype=np.float64)
        x = np.array([_encode_point(t.params, names, space) for t in complete], dtype=np.float64)
        signs = np.array([-1.0 if str(d) == "minimize" else 1.0 for d in study.directions])
        obj = np.array([t.values for t in complete], dtype=np.float64) * signs  # BoTorch maximizes
        constraints = [t.system_attrs.get(CONSTRAINTS_ATTR) for t in complete]
        con = (torch.from_numpy(np.array(constraints, dtype=np.float64).reshape(len(complete), -1))
               if all(constraints) else None)
        pending = None
        if self.consider_running_trials:
            rows = [_encode_point(t.params, names, space) for t in running if all(n in t.params for n in names)]
            pending = torch.from_numpy(np.array(rows, dtype=np.float64).reshape(len(rows), len(bounds)))
        func = self._candidates_func
        assert func is not None
        args = (torch.from_numpy(x), torch.from_numpy(obj), con, torch.from_numpy(bounds.T.copy()), pending)
        with torch.random.fork_rng():
            if self._torch_seed is not None:  # reproducible BoTorch draws, one seed per call (Optuna's)
                torch.manual_seed(self._torch_seed)
                self._torch_seed += 1
            candidates = func(*args)
        if not isinstance(candidates, torch.Tensor):
            raise TypeError(f"candidates_func must return a torch.Tensor, got {type(candidates).__name__}")
        if candidates.dim() == 2 and candidates.size(0) == 1:
            candidates = candidates.squeeze(0)
        if candidates.dim() != 1 or candidates.size(0) != len(bounds):
            raise ValueError(f"candidates_func must return one point of {len(bounds)} columns (shape ({len(bounds)},) "
                             f"or (1, {len(bounds)})), got shape {tuple(candidates.shape)}")
        return _decode_point(candidates.detach().cpu().numpy().astype(np.float64), names, space)


def _column_bounds(d: D.Distribution) -> list[tuple[float, float]]:
    """Optuna's continuous encoding of one parameter: its columns' (low, high)."""
    if isinstance(d, D.Categorical):
        return [(0.0, 1.0)] * len(d.choices)
    assert isinstance(d, (D.Float, D.Int))
    half = 0.5 * d.step if d.step is not None else 0.0
    if d.log:
        return [(math.log(d.low - half), math.log(d.high + half))]
    return [(d.low - half, d.high + half)]


def _encode_point(params: dict[str, Any], names: list[str], space: list[D.Distribution]) -> list[float]:
    row: list[float] = []
    for name, d in zip(names, space, strict=True):
        value = params[name]
        if isinstance(d, D.Categorical):
            row.extend(1.0 if i == d.index(value) else 0.0 for i in range(len(d.choices)))
        else:
            row.append(math.log(value) if getattr(d, "log", False) else float(value))
    return row


def _decode_point(x: np.ndarray, names: list[str], space: list[D.Distribution]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    col = 0
    for name, d in zip(names, space, strict=True):
        if isinstance(d, D.Categorical):
            out[name] = d.choices[int(np.argmax(x[col:col + len(d.choices)]))]
            col += len(d.choices)
            continue
        assert isinstance(d, (D.Float, D.Int))
        # The column's range is the distribution's unit interval (Optuna's encoding and
        # tunewise's agree: a step's half-width beyond each end, log for log); from_unit snaps
        # to the step (nearest) and clips.
        ((lo, hi),) = _column_bounds(d)
        out[name] = d.from_unit((float(x[col]) - lo) / (hi - lo) if hi > lo else 0.5)
        col += 1
    return out
