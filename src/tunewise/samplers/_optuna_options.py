"""Optuna's sampler options that tunewise's samplers take for a script moved with
``import tunewise as optuna``, where tunewise's algorithm has no knob that means the same.

Options that only control Optuna's own warnings are accepted silently. An option that would change
the search gets one warning that names it, says what tunewise does instead and that the result
may differ from Optuna's: never silently ignored.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise.samplers._base import Sampler

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext
    from tunewise.trial import FrozenTrial

__all__ = ["WithIndependentSampler", "check_independent_sampler", "check_optional_flag", "independent_seed",
           "warn_not_honoured"]


def check_optional_flag(name: str, value: Any) -> bool | None:
    """``value`` of an Optuna flag whose default is ``None`` (``True``, ``False`` or ``None``)."""
    if value is None:
        return None
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True, False or None, got {value!r}")
    return bool(value)


def warn_not_honoured(sampler: str, option: str, value: Any, instead: str, *, stacklevel: int = 3) -> None:
    """Warn once (per constructor call) that ``sampler(option=value)`` changes nothing in tunewise.

    ``instead`` says what tunewise does; the message adds that the results may differ from
    Optuna's. ``stacklevel`` 3 points at the user's constructor call from ``__init__``'s helper.
    """
    if isinstance(value, Mapping):
        shown = "{...}"
    elif callable(value):
        shown = getattr(value, "__qualname__", None) or repr(value)
    else:
        shown = repr(value)
    warnings.warn(f"{sampler}({option}={shown}) is accepted for Optuna compatibility but has no effect in "
                  f"tunewise: {instead}. Results may differ from Optuna's.", UserWarning, stacklevel=stacklevel)


def check_independent_sampler(value: Any) -> Sampler | None:
    """Optuna's ``independent_sampler=``: a tunewise sampler (Optuna-style ``BaseSampler``
    subclasses are ones) or None. Its random stream follows its owner's (see ``independent_seed``)."""
    if value is None:
        return None
    if not isinstance(value, Sampler):
        raise TypeError(f"independent_sampler must be a tunewise sampler (e.g. tw.samplers.RandomSampler()), "
                        f"got {value!r}")
    value._stream_chosen = True
    return value


def independent_seed(seed: int | None) -> int | None:
    """The independent sampler's seed, derived from its owner's (its own stream, not a copy)."""
    if seed is None:
        return None
    return int(np.random.SeedSequence([int(seed), 1]).generate_state(1)[0])


class WithIndependentSampler(Sampler):
    """A sampler with Optuna's ``independent_sampler=``: the given sampler's hooks run with its
    owner's (``reseed`` with a seed derived from the owner's, ``before_trial``, ``after_trial``)."""

    independent_sampler: Sampler | None = None

    def _take_independent_sampler(self, value: Any, seed: int | None) -> None:
        self.independent_sampler = check_independent_sampler(value)
        if self.independent_sampler is not None and seed is not None:  # unseeded: the given sampler's own seed
            self.independent_sampler.reseed(independent_seed(seed))

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        if self.independent_sampler is not None:
            self.independent_sampler.reseed(independent_seed(seed))

    def before_trial(self, study: StudyContext) -> None:
        super().before_trial(study)
        if self.independent_sampler is not None:
            self.independent_sampler.before_trial(study)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        super().after_trial(study, trial)
        if self.independent_sampler is not None:
            self.independent_sampler.after_trial(study, trial)
