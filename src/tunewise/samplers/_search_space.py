"""Search-space bookkeeping shared by the model-based samplers.

``group_decompose`` splits the parameters of a define-by-run study into groups that always
co-occur (Optuna's "group decomposed search space"; Watanabe 2023, Sec. 3.5): every trial holds
either all or none of a group's parameters, so each group is a plain joint space that a
multivariate model can fit without missing values.

A search space may also evolve (ranges that depend on other parameters, a range widened when a
study is resumed): :func:`check_evolution` says which changes have a meaning, :func:`fit_value`
reads an old observation in the current space.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tunewise import distributions as D


def group_decompose(param_sets: Iterable[frozenset[str]]) -> list[frozenset[str]]:
    """Partition the parameters into groups of parameters that always appear together.

    >>> sets = [frozenset({"clf", "C", "gamma"}), frozenset({"clf", "depth"})]
    >>> sorted(sorted(g) for g in group_decompose(sets))
    [['C', 'gamma'], ['clf'], ['depth']]
    """
    groups: list[frozenset[str]] = []
    for params in param_sets:
        rest = set(params)
        out: list[frozenset[str]] = []
        for g in groups:
            inter = g & params
            if inter and inter != g:
                out.append(frozenset(inter))
                out.append(g - inter)
            else:
                out.append(g)
            rest -= g
        if rest:
            out.append(frozenset(rest))
        groups = out
    return groups


# ---- a search space that evolves ----------------------------------------------------------------
# A parameter's range may depend on another parameter's value, or be widened, narrowed, or given
# another choice when a study is resumed: each trial keeps the distribution it was sampled from,
# and the samplers see every old observation in the current space (``fit_value``). Only a change
# of kind (a float that became categorical, an int that became a float) has no meaning for the
# observations already made.

_KINDS: dict[type, str] = {D.Float: "a float", D.Int: "an integer", D.Categorical: "a categorical"}


def check_evolution(name: str, old: D.Distribution, new: D.Distribution, study_name: str = "") -> None:
    """Raise ValueError when ``name``'s distribution cannot change from ``old`` to ``new``.

    A range may widen, narrow, move, change scale (log) or step, and choices may be added or
    removed; a change of kind is refused, because the values already observed cannot be read in
    the new space.

    >>> check_evolution("lr", D.Float(1e-4, 1e-2, log=True), D.Float(1e-5, 1e-1, log=True))
    >>> check_evolution("units", D.Int(4, 128), D.Categorical((32, 64)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: parameter 'units' was an integer parameter (Int(...)), but is now suggested as a categorical ...
    """
    if type(old) is type(new):
        return
    where = f" in study {study_name!r}" if study_name else ""
    raise ValueError(
        f"parameter {name!r} was {_KINDS.get(type(old), type(old).__name__)} parameter ({old!r}){where}, but is now "
        f"suggested as {_KINDS.get(type(new), type(new).__name__)} one ({new!r}); a parameter's range or choices may "
        f"change between trials, but not its kind (float, integer, categorical), as the values already observed "
        f"would mean nothing in it: use a new parameter name or a new study"
    )


_DROP = object()


def fit_value(dist: D.Distribution, value: Any) -> Any:
    """``value`` (observed in another distribution of the same parameter) as an observation in
    ``dist``: a number outside the range at the nearest edge (on the step lattice), a choice that
    ``dist`` no longer offers :data:`DROPPED` (the observation says nothing about this parameter).

    >>> fit_value(D.Float(0.0, 1.0), 3.5), fit_value(D.Int(4, 64, step=4), 130), fit_value(D.Int(4, 64), 7)
    (1.0, 64, 7)
    >>> fit_value(D.Categorical(("a", "b")), "c") is DROPPED
    True
    """
    if dist.contains(value):
        return value
    if isinstance(dist, D.Categorical):
        return _DROP
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _DROP
    if v != v:  # NaN: no position in any range
        return _DROP
    v = min(max(v, float(dist.low)), float(dist.high))
    if isinstance(dist, D.Int):
        v = int(round(v))
    if not dist.contains(v):  # off the step lattice: its nearest point
        v = dist.from_unit(dist.to_unit(v))
        if not dist.contains(v):
            return _DROP
    return v


DROPPED: Any = _DROP
