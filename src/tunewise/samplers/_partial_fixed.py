"""PartialFixedSampler: some parameters held at given values, the others searched by a base sampler."""

from __future__ import annotations

import dataclasses
from collections.abc import Container, Hashable, Mapping
from typing import Any

from tunewise import distributions as D
from tunewise.samplers._base import Sampler
from tunewise.samplers._context import ContextView, Proposal, StudyContext, TrialContext, trial_views
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["PartialFixedSampler"]


class _WithoutFixed(ContextView):
    """The study as the base sampler sees it: a search space and trials without the fixed
    parameters, so it models and proposes only the parameters it searches (a model that kept a
    held parameter as a dimension would propose its other values again and again, and see each
    of them evaluated at the held value instead)."""

    __slots__ = ("_cache", "_names")

    def __init__(self, study: StudyContext, names: frozenset[str],
                 cache: dict[int, tuple[FrozenTrial, FrozenTrial]]) -> None:
        super().__init__(study)
        self._names = names
        self._cache = cache  # trial_id -> (stored finished trial, what the base sees of it)

    @property
    def distributions(self) -> dict[str, D.Distribution]:
        return {n: d for n, d in self._study.distributions.items() if n not in self._names}

    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        names = self._names
        return trial_views(self._study.get_trials(deepcopy=deepcopy, states=states), self._cache,
                           lambda t: _without(t, names))

    @property
    def history_id(self) -> Hashable:
        return (self._study.history_id, "without", self._names)


def _without(t: FrozenTrial, names: frozenset[str]) -> FrozenTrial:
    """``t`` without the parameters ``names`` (``t`` itself when it has none of them)."""
    if names.isdisjoint(t.params):
        return t
    return FrozenTrial(
        number=t.number, trial_id=t.trial_id, state=t.state, values=t.values,
        params={n: v for n, v in t.params.items() if n not in names},
        distributions={n: d for n, d in t.distributions.items() if n not in names},
        intermediate_values=t.intermediate_values, user_attrs=t.user_attrs, system_attrs=t.system_attrs,
        datetime_start=t.datetime_start_ts, datetime_complete=t.datetime_complete_ts, heartbeat=t.heartbeat_ts,
    )


class PartialFixedSampler(Sampler):
    """Hold some parameters at fixed values and search the others with ``base_sampler``
    (Optuna's ``PartialFixedSampler``).

    The base sampler sees the study without the held parameters, as in Optuna: they leave its
    search space, earlier trials (run at other values) count as observations of the parameters
    it searches, and each point it proposes is the point evaluated. A held value outside the
    range the objective asks for is an error (Optuna warns and evaluates it).

    Args:
        fixed_params: parameter name -> the value every trial gets.
        base_sampler: the sampler for the other parameters (e.g. the study's current one).

    After a first search, fix ``y`` at its best value and search ``x`` again with the same sampler:

    >>> import tunewise as tw
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -1, 1)
    ...     y = trial.suggest_int("y", -1, 1)
    ...     return x**2 + y
    >>> study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    >>> study.optimize(objective, n_trials=10)
    >>> study.sampler = tw.samplers.PartialFixedSampler({"y": 0}, study.sampler)
    >>> study.optimize(objective, n_trials=10)
    >>> {t.params["y"] for t in study.trials[10:]}
    {0}
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: Sampler) -> None:
        if not isinstance(fixed_params, Mapping):
            raise TypeError(f"fixed_params must be a dict of parameter name -> value, got {fixed_params!r}")
        if not isinstance(base_sampler, Sampler):
            raise TypeError(f"base_sampler must be a tunewise Sampler, got {base_sampler!r}")
        self._fixed_params = dict(fixed_params)
        self._base_sampler = base_sampler
        self._names = frozenset(self._fixed_params)
        self._cache: dict[int, tuple[FrozenTrial, FrozenTrial]] = {}

    @property
    def fixed_params(self) -> dict[str, Any]:
        """The held parameters and their values (a copy)."""
        return dict(self._fixed_params)

    @property
    def base_sampler(self) -> Sampler:
        """The sampler that searches the other parameters."""
        return self._base_sampler

    def __getstate__(self) -> dict[str, Any]:  # the stripped trials are a cache: not pickled to workers
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state

    def _study(self, study: StudyContext) -> StudyContext:
        return _WithoutFixed(study, self._names, self._cache)

    def before_trial(self, study: StudyContext) -> None:
        self._base_sampler.before_trial(self._study(study))

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        proposal = self._base_sampler.propose(self._study(study), trial)
        params = proposal.params if isinstance(proposal, Proposal) else proposal
        if self._names.isdisjoint(params):
            return proposal
        # the held values come from sample() (a proposal made for a started trial may name them)
        kept = {n: v for n, v in params.items() if n not in self._names}
        return dataclasses.replace(proposal, params=kept) if isinstance(proposal, Proposal) else kept

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        if name not in self._fixed_params:
            return self._base_sampler.sample(self._study(study), trial, name, distribution)
        value = self._fixed_params[name]
        # Outside the distribution the objective asks for, Optuna warns and uses it: so does the
        # trial, recording a distribution widened to hold it.
        if distribution.contains(value):
            return value
        if D.widened(distribution, value) is None:  # a choice not offered: no trial can take it
            raise ValueError(f"PartialFixedSampler: fixed parameter {name!r} = {value!r} is outside the distribution "
                             f"the objective asks for, {distribution!r}: fix a value inside it")
        return D.FixedValue(value)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        self._base_sampler.after_trial(self._study(study), _without(trial, self._names))

    def reseed(self, seed: int | None) -> None:
        self._base_sampler.reseed(seed)
        super().reseed(seed)

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "fixed_params": dict(self._fixed_params),
                "base_sampler": self._base_sampler.describe()}
