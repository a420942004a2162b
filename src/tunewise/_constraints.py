"""Constraints on a trial's outcome ("p95 latency under 20 ms"): where they are kept, and when a
trial is feasible.

A trial's constraint values come from ``trial.set_constraint(values)`` or, one named value at a
time, ``trial.set_constraint(name, value)`` (Optuna 5's form) in the objective, or from the study's
``constraints_func(frozen_trial)`` (Optuna's signature) once it finishes; they are stored in
``trial.system_attrs["constraints"]`` (the key Optuna uses), so every sampler, worker and reader
sees them (named values in the order they were set, their names in
``system_attrs["constraint_names"]``). A trial is feasible when every value is ``<= 0``; a trial
without constraint values counts as feasible. Its violation is the sum of the positive values (0
when feasible), the measure constrained TPE, NSGA-II's constrained domination and the plots use.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.trial import FrozenTrial

__all__ = ["CONSTRAINTS_ATTR", "CONSTRAINT_NAMES_ATTR", "check_constraints", "is_feasible", "named_constraint",
           "violation"]

CONSTRAINTS_ATTR = "constraints"
CONSTRAINT_NAMES_ATTR = "constraint_names"


def check_constraints(values: Any, where: str) -> list[float]:
    """``values`` as a list of floats, or a ValueError/TypeError naming ``where`` they came from."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        try:
            import numpy as np

            if isinstance(values, np.ndarray) and values.ndim == 1:
                values = values.tolist()
            else:
                raise TypeError
        except TypeError:
            raise TypeError(f"{where} must give a sequence of numbers (feasible when all <= 0), "
                            f"got {values!r}") from None
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{where} must give numbers (feasible when all <= 0), got {v!r} in {values!r}")
        f = float(v)
        if math.isnan(f):
            raise ValueError(f"{where} gave NaN in {list(values)!r}; a constraint value must be a number "
                             f"(<= 0: satisfied, > 0: violated by that much)")
        out.append(f)
    return out


def named_constraint(system_attrs: Mapping[str, Any], key: Any, value: Any) -> dict[str, list[Any]] | None:
    """The system attributes that add constraint ``key`` = ``value`` to those in ``system_attrs``
    (``trial.set_constraint(key, value)``); None, with a warning, when ``key`` already has a value
    (Optuna keeps the first one)."""
    where = f"set_constraint({key!r}, {value!r})"
    if not isinstance(key, str):
        raise TypeError(f"{where}: the constraint's name must be a str, e.g. set_constraint('latency', ms - 20)")
    if isinstance(value, (bool, str, bytes)):
        raise TypeError(f"{where}: the value must be a number (<= 0: satisfied, > 0: violated by that much)")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: the value must be a number (<= 0: satisfied, > 0: violated by that much), "
                        f"got {type(value).__name__}") from None
    if math.isnan(number):
        raise ValueError(f"{where}: a constraint value must not be NaN (<= 0: satisfied, > 0: violated by that much)")
    names = list(system_attrs.get(CONSTRAINT_NAMES_ATTR) or [])
    values = list(system_attrs.get(CONSTRAINTS_ATTR) or [])
    if len(names) != len(values):
        raise ValueError(f"{where}: this trial's constraints were given as one list ({values}); give them all by "
                         f"name, set_constraint(name, value), or all at once, set_constraint([v0, v1, ...])")
    if key in names:
        import warnings

        warnings.warn(f"{where}: constraint {key!r} is already set to {values[names.index(key)]}; the new value is "
                      f"ignored (as in Optuna)", UserWarning, stacklevel=3)
        return None
    return {CONSTRAINTS_ATTR: [*values, number], CONSTRAINT_NAMES_ATTR: [*names, key]}


def violation(trial: FrozenTrial) -> float:
    """How far ``trial`` is from feasible: the sum of its positive constraint values (0: feasible
    or unconstrained)."""
    values = trial.system_attrs.get(CONSTRAINTS_ATTR)
    if not values:
        return 0.0
    return float(sum(v for v in values if v > 0))


def is_feasible(trial: FrozenTrial) -> bool:
    """Whether every constraint value of ``trial`` is <= 0 (a trial without any is feasible)."""
    values = trial.system_attrs.get(CONSTRAINTS_ATTR)
    return not values or all(v <= 0 for v in values)
