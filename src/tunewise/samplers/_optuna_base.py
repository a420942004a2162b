"""Optuna's custom-sampler interface (``optuna.samplers.BaseSampler``) on top of :class:`Sampler`.

A sampler written for Optuna subclasses ``BaseSampler`` and implements
``infer_relative_search_space``, ``sample_relative`` and ``sample_independent``; optionally
``before_trial(study, trial)``, ``after_trial(study, trial, state, values)`` and ``reseed_rng()``.
Under ``import tunewise as optuna`` the same class runs in tunewise: ``sample_relative`` becomes
the joint proposal (``Sampler.propose``), ``sample_independent`` the per-parameter fallback
(``Sampler.sample``), and the hooks are called at the matching moments.

The ``study`` these methods get is a read-only view of the study (``direction``,
``directions``, ``trials``, ``get_trials``, ``best_trial``, ``study_name``, ``user_attrs``,
``system_attrs``), the ``trial`` the trial being built (``number``, ``params``).
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

from tunewise._constraints import is_feasible
from tunewise._study_view import Forwarding
from tunewise.samplers._base import Sampler, _optuna_style_hook
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise import distributions as D
    from tunewise.samplers._context import StudyContext, TrialContext
    from tunewise.trial import FrozenTrial

__all__ = ["BaseSampler"]


class _StudyView(Forwarding):
    """What an Optuna sampler reads of the study (``optuna.Study``'s read-only attributes): the
    strategies' :class:`~tunewise._study_view.StudyView` of it, with Optuna's direction type."""

    __slots__ = ()

    def __init__(self, ctx: StudyContext) -> None:
        super().__init__(ctx)

    @property
    def context(self) -> StudyContext:
        """The study context this view reads."""
        return self._study  # type: ignore[no-any-return]

    @property
    def directions(self) -> list[Any]:
        from tunewise.study import StudyDirection

        return [StudyDirection(d) for d in self._study.directions]

    @property
    def best_trial(self) -> FrozenTrial:
        """The best feasible COMPLETE trial, by the rule of ``Study.best_trial``."""
        done = [t for t in self._study.get_trials(states=(TrialState.COMPLETE,)) if t.values and is_feasible(t)]
        if not done:
            raise ValueError(f"study {self.study_name!r} has no feasible COMPLETE trial yet")
        sign = -1.0 if self._study.directions[0] == "maximize" else 1.0
        return min(done, key=lambda t: sign * t.values[0])  # type: ignore[index]

    @property
    def best_value(self) -> float:
        return float(self.best_trial.values[0])  # type: ignore[index]

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.best_trial.params)

    def __repr__(self) -> str:
        return f"Study(study_name={self.study_name!r})"


class BaseSampler(Sampler):
    """Optuna's ``BaseSampler``: subclass it and implement the three methods below (module doc).

    >>> import tunewise as tw
    >>> class Lowest(tw.samplers.BaseSampler):
    ...     def infer_relative_search_space(self, study, trial):
    ...         return tw.search_space.intersection_search_space(study.trials)
    ...     def sample_relative(self, study, trial, search_space):
    ...         return {name: dist.low for name, dist in search_space.items()}
    ...     def sample_independent(self, study, trial, param_name, param_distribution):
    ...         return param_distribution.high
    >>> study = tw.create_study(sampler=Lowest())
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> [t.params["x"] for t in study.trials]
    [1.0, 0.0, 0.0]
    """

    _optuna_interface = True  # the hooks below call Optuna-style overrides (not Sampler's adapter)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Optuna's hooks take the trial (before) and its state and values (after); tunewise's loop
        # calls before_trial(study) and after_trial(study, frozen_trial). Those written for Optuna
        # are kept under other names and called from the matching tunewise hooks.
        before = _optuna_style_hook(cls, "before_trial")
        if before is not None:
            cls._optuna_before_trial = before  # type: ignore[attr-defined]
            cls.before_trial = BaseSampler.before_trial  # type: ignore[method-assign]
        after = _optuna_style_hook(cls, "after_trial")
        if after is not None:
            cls._optuna_after_trial = after  # type: ignore[attr-defined]
            cls.after_trial = BaseSampler.after_trial  # type: ignore[method-assign]

    @abc.abstractmethod
    def infer_relative_search_space(self, study: Any, trial: Any) -> dict[str, D.Distribution]:
        """The parameters ``sample_relative`` proposes jointly (name -> distribution)."""

    @abc.abstractmethod
    def sample_relative(self, study: Any, trial: Any, search_space: dict[str, D.Distribution]) -> dict[str, Any]:
        """Values for the parameters of ``search_space``."""

    @abc.abstractmethod
    def sample_independent(self, study: Any, trial: Any, param_name: str, param_distribution: D.Distribution) -> Any:
        """A value for one parameter outside the relative search space."""

    # ---- the tunewise hooks, in Optuna's terms --------------------------------------------------
    def before_trial(self, study: StudyContext) -> None:
        super().before_trial(study)

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any]:
        view = _StudyView(study)
        hook = getattr(self, "_optuna_before_trial", None)
        if hook is not None:
            hook(view, trial)
        space = self.infer_relative_search_space(view, trial)
        # Called at every trial, with an empty space too, as Optuna calls it (once at the start of
        # each trial): a sampler may do its per-trial work here, e.g. build the whole configuration.
        values = dict(self.sample_relative(view, trial, space) or {})
        stray = {name: sorted(space) for name in values if name not in space}
        if stray:  # refused if suggested (sample), as Optuna refuses it. (Only then is trial.number
            # read here: reading it binds the proposal to the predicted number, see TrialContext.)
            vars(self).setdefault("_tw_stray_relative", {})[trial.number] = stray
        return {name: value for name, value in values.items() if name in space}

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        strays = vars(self).get("_tw_stray_relative")
        space = strays.get(trial.number, {}).get(name) if strays else None
        if space is not None:
            raise ValueError(
                f"{type(self).__name__}.sample_relative returned a value for {name!r} in trial "
                f"{trial.number}, which is not in the relative search space it was given ({space}): "
                f"sample_relative returns values only for the parameters of its search_space "
                f"(Optuna raises this error too); sample_independent samples the others"
            )
        return self.sample_independent(_StudyView(study), trial, name, distribution)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        strays = vars(self).get("_tw_stray_relative")
        if strays:
            strays.pop(trial.number, None)
        hook = getattr(self, "_optuna_after_trial", None)
        if hook is not None:
            hook(_StudyView(study), trial, trial.state, trial.values)

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        if type(self).reseed_rng is not Sampler.reseed_rng:  # the sampler's own (Optuna's hook)
            self.reseed_rng()


class BaseGASampler:
    """Optuna's base class for genetic-algorithm samplers: no tunewise counterpart.

    Optuna's version records each trial's generation and each generation's parents by writing
    system attributes to the study and its trials from inside the sampler; tunewise's samplers
    see a read-only study, so a faithful base cannot be offered. Subclassing it or creating one
    raises an error that says what to use instead.

    >>> import tunewise as tw
    >>> class MyGA(tw.samplers.BaseGASampler):
    ...     pass
    Traceback (most recent call last):
    ...
    NotImplementedError: optuna.samplers.BaseGASampler has no tunewise counterpart: ...
    """

    _MESSAGE = (
        "optuna.samplers.BaseGASampler has no tunewise counterpart: use NSGAIISampler or NSGAIIISampler "
        "(their crossover, mutation and selection are configurable), or write a genetic algorithm on "
        "optuna.samplers.BaseSampler, reading past trials from study.get_trials() and computing each "
        "trial's generation as trial.number // population_size"
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        raise NotImplementedError(BaseGASampler._MESSAGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(BaseGASampler._MESSAGE)
