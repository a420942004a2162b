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

if TYPE_CHECKING:
    from tunewise.samplers._base import Sampler

__all__ = ["check_independent_sampler", "check_optional_flag", "independent_seed", "warn_not_honoured"]


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
    from tunewise.samplers._base import Sampler

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
