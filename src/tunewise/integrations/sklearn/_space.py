"""Translate a SearchCV ``param_space`` into tunewise distributions, and values back.

Accepted per parameter: a tunewise distribution (``tw.loguniform(1e-3, 1e3)``), a list of
values (a grid axis / categorical), a frozen ``scipy.stats`` distribution, or any object with an
``rvs(random_state=...)`` method (as scikit-learn's ``ParameterSampler`` takes). scipy's
``uniform``, ``loguniform``/``reciprocal`` and ``randint`` become the equivalent tunewise
distribution, so model-based samplers see their real geometry; any other scipy distribution
is searched through its quantile: the study holds ``u`` in [0, 1] and the estimator gets
``dist.ppf(u)`` (inverse-CDF sampling keeps the prior's shape under random search). An object
with only ``rvs`` is no dimension of the study: its values are drawn (:func:`drawn_parameters`)
and kept on the trial as a user attribute, so no sampler can model them. scikit-optimize's
``Real``, ``Integer`` and ``Categorical`` (``BayesSearchCV``'s ``search_spaces``) become the
equivalent tunewise distribution too (``prior="log-uniform"``: ``log=True``).
"""

from __future__ import annotations

import difflib
import json
import math
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tunewise import distributions as D

_JSON_SCALARS = (type(None), bool, int, float, str)
_PPF_EPS = 1e-9


@dataclass(frozen=True)
class Dimension:
    """One searched parameter: the distribution the study sees and how to decode its values."""

    name: str
    dist: D.Distribution
    kind: str  # "native" | "labels" | "ppf"
    payload: Any = None  # labels: {label: value}; ppf: the frozen scipy distribution

    def decode(self, raw: Any) -> Any:
        """The value the estimator receives for the study's value ``raw``."""
        if self.kind == "labels":
            return self.payload[raw]
        if self.kind == "ppf":
            u = min(max(float(raw), _PPF_EPS), 1.0 - _PPF_EPS)
            value = self.payload.ppf(u)
            value = value.item() if isinstance(value, np.generic) else float(value)
            if _is_discrete(self.payload):
                return int(round(value))
            return value
        return raw

    def encode(self, value: Any) -> Any:
        """The study's value for the estimator's ``value`` (the inverse of :meth:`decode`), for a
        configuration chosen outside the study (scikit-learn's ParameterGrid / ParameterSampler)."""
        if isinstance(value, np.generic):
            value = value.item()
        if self.kind == "labels":
            for label, candidate in self.payload.items():
                if candidate is value or _same(candidate, value):
                    return label
            raise ValueError(f"{value!r} is not one of the values of {self.name!r}")
        if self.kind == "ppf":
            return min(max(float(self.payload.cdf(value)), 0.0), 1.0)
        return value

    def grid_values(self) -> list[Any] | None:
        """Every value of a finite dimension (in the study's encoding), or None if infinite."""
        d = self.dist
        if self.kind == "ppf":
            return None
        if isinstance(d, D.Categorical):
            return list(d.choices)
        if isinstance(d, D.Int):
            return list(range(d.low, d.high + 1, d.step))
        if d.step is not None:
            n = d.n_values or 1
            return [float(d.low + i * d.step) for i in range(n)]
        if d.low == d.high:
            return [d.low]
        return None


def _is_discrete(frozen: Any) -> bool:
    from scipy import stats

    return isinstance(getattr(frozen, "dist", None), stats.rv_discrete)


def _is_scipy_frozen(value: Any) -> bool:
    return hasattr(value, "dist") and hasattr(value, "ppf") and hasattr(value, "rvs")


def _is_scipy_distribution(value: Any) -> bool:
    """A frozen scipy.stats distribution, or an unfrozen one (``scipy.stats.norm``), which
    scikit-learn's ParameterSampler draws from with its default parameters."""
    if _is_scipy_frozen(value):
        return True
    if not hasattr(value, "rvs"):
        return False
    from scipy import stats

    return isinstance(value, (stats.rv_continuous, stats.rv_discrete))


def _skopt_kind(value: Any) -> str | None:
    """``"Real"``, ``"Integer"`` or ``"Categorical"`` for scikit-optimize's dimensions (read by
    duck typing: skopt is not imported), else None."""
    for cls in type(value).__mro__:
        if cls.__module__.startswith("skopt.space") and cls.__name__ in ("Real", "Integer", "Categorical"):
            return cls.__name__
    return None


def _from_skopt(name: str, spec: Any, kind: str) -> Dimension:
    """A scikit-optimize dimension as the tunewise distribution it describes. Its ``transform`` only
    changes how skopt's optimizer sees it, and a Categorical's ``prior`` weights are not kept."""
    if kind == "Categorical":
        return _from_list(name, list(spec.categories))
    log = getattr(spec, "prior", "uniform") == "log-uniform"
    try:
        if kind == "Integer":
            return Dimension(name, D.Int(int(spec.low), int(spec.high), log=log), "native")
        return Dimension(name, D.Float(float(spec.low), float(spec.high), log=log), "native")
    except ValueError as e:
        raise ValueError(f"param_space[{name!r}] ({spec!r}): {e}") from None


def _is_rvs_only(value: Any) -> bool:
    """An object scikit-learn's ParameterSampler draws from (``value.rvs(random_state=rng)``) that
    tunewise cannot map to a dimension: a user's own distribution class."""
    return (
        callable(getattr(value, "rvs", None))
        and not _is_scipy_distribution(value)
        and not isinstance(value, (D.Float, D.Int, D.Categorical))
        and _skopt_kind(value) is None
    )


def space_list(space: Any) -> list[tuple[Mapping[str, Any], int | None]] | None:
    """scikit-optimize's list of search spaces (``BayesSearchCV``'s ``search_spaces``: each item a
    dict, or a ``(dict, n_iter)`` pair), as ``(dict, n_iter or None)`` items; None for any other
    space. A list of plain dicts is scikit-learn's list of grids: it is skopt's only when some item
    is a pair or some value a skopt dimension (``Real``, ``Integer``, ``Categorical``).

    >>> space_list([({"C": [1, 10]}, 3), {"C": [0.1]}])
    [({'C': [1, 10]}, 3), ({'C': [0.1]}, None)]
    >>> space_list([{"C": [1, 10]}, {"C": [0.1]}]) is None  # GridSearchCV's list of grids
    True
    """
    if isinstance(space, Mapping) or not isinstance(space, (list, tuple)) or not space:
        return None
    items: list[tuple[Mapping[str, Any], int | None]] = []
    paired = False
    for item in space:
        if isinstance(item, Mapping):
            items.append((item, None))
        elif (isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], Mapping)
              and isinstance(item[1], (int, np.integer)) and not isinstance(item[1], (bool, np.bool_))):
            if item[1] < 1:
                raise ValueError(f"param_space: a (space, n_iter) pair needs n_iter >= 1, got {item[1]!r}")
            items.append((item[0], int(item[1])))
            paired = True
        else:
            return None
    if paired or any(_skopt_kind(v) is not None for d, _ in items for v in d.values()):
        return items
    return None


def drawn_parameters(param_space: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of ``param_space`` that are only drawn, by their ``rvs``, not searched."""
    return {name: spec for name, spec in param_space.items() if _is_rvs_only(spec)}


def check_drawn_value(what: str, name: str, value: Any) -> Any:
    """``value``, drawn by ``rvs`` for ``name``, as the JSON the trial stores it in (numpy scalars
    become Python's); a TypeError naming the parameter for a value JSON cannot hold."""
    plain = value.item() if isinstance(value, np.generic) else value
    try:
        json.dumps(plain, allow_nan=False)
    except (TypeError, ValueError):
        raise TypeError(f"{what}[{name!r}].rvs() returned {value!r} ({type(value).__name__}), which the study cannot "
                        f"store: a drawn value is kept on the trial as JSON, so rvs must return a finite number, a "
                        f"str, a bool, None, or a list or dict of them; to choose among other objects, give a list "
                        f"of them instead") from None
    return plain


def _frozen(name: str, spec: Any) -> Any:
    """``spec`` frozen: an unfrozen scipy.stats distribution with its default parameters."""
    if _is_scipy_frozen(spec):
        return spec
    try:
        return spec()
    except TypeError as e:
        raise TypeError(f"param_space[{name!r}]: the scipy.stats distribution {spec.name!r} needs its shape "
                        f"parameters ({e}); freeze it with them, such as scipy.stats.{spec.name}(...)") from None


def _labels_for(name: str, values: Sequence[Any]) -> tuple[D.Categorical, dict[str, Any]] | None:
    """Values that JSON cannot round-trip (estimators, tuples, arrays...) are searched by label."""
    plain = all(isinstance(v, _JSON_SCALARS) and not (isinstance(v, float) and not math.isfinite(v))
                for v in values)
    if plain:
        return None
    labels: dict[str, Any] = {}
    for i, v in enumerate(values):
        base = repr(v) if not isinstance(v, str) else v
        label = base if base not in labels else f"{base}#{i}"
        labels[label] = v
    return D.Categorical(tuple(labels)), labels


def warn_skopt_shorthand(what: str, name: str, spec: Any) -> None:
    """Warn when a tuple of values reads as scikit-optimize's range shorthand ``(low, high, "log-uniform")``:
    SearchCV, as scikit-learn's searches, takes a tuple as values to choose from, prior name included."""
    if not (isinstance(spec, tuple) and len(spec) in (3, 4) and spec[2] in ("uniform", "log-uniform")):
        return
    low, high = spec[0], spec[1]
    if not all(isinstance(b, (int, float, np.number)) and not isinstance(b, bool) for b in (low, high)):
        return
    kind = "Integer" if all(isinstance(b, (int, np.integer)) for b in (low, high)) else "Real"
    tw_name = "loguniform" if spec[2] == "log-uniform" else "uniform"
    warnings.warn(
        f"{what}[{name!r}] is {spec!r}, which SearchCV (as GridSearchCV and RandomizedSearchCV) reads as "
        f"{len(spec)} values to choose from, {spec[2]!r} among them; BayesSearchCV reads it as a range. For the "
        f"range, write skopt.space.{kind}({low!r}, {high!r}, prior={spec[2]!r}) (or tw.{tw_name}({low!r}, "
        f"{high!r})); a (low, high) pair is likewise two values, not a range",
        UserWarning,
        stacklevel=_caller_level(),
    )


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside tunewise and scikit-learn (the user's ``fit``): the space is
    checked at different depths of ``fit``."""
    frame, level = sys._getframe(2), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(("tunewise.", "sklearn.")):
        frame, level = frame.f_back, level + 1
    return level


def _from_list(name: str, values: Any) -> Dimension:
    warn_skopt_shorthand("param_space", name, values)
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"param_space[{name!r}] must be a 1-D list of values, got an array of shape "
                             f"{values.shape}")
        values = list(values)
    values = [v.item() if isinstance(v, np.generic) else v for v in values]
    if not values:
        raise ValueError(f"param_space[{name!r}] is an empty list: give at least one value")
    coded = _labels_for(name, values)
    if coded is not None:
        return Dimension(name, coded[0], "labels", coded[1])
    try:
        return Dimension(name, D.Categorical(tuple(values)), "native")
    except ValueError as e:
        raise ValueError(f"param_space[{name!r}]: {e}") from None


def _from_scipy(name: str, frozen: Any) -> Dimension:
    dist_name = getattr(frozen.dist, "name", "")
    # Scaling keeps a log-uniform log-uniform; a shift (loc != 0) does not.
    loc = float(frozen.args[2]) if len(frozen.args) > 2 else float(frozen.kwds.get("loc", 0.0))
    try:
        low, high = (float(b) for b in frozen.support())
    except Exception as e:  # pragma: no cover - scipy always has support()
        raise TypeError(f"param_space[{name!r}]: cannot read the support of {frozen!r}: {e}") from None
    if dist_name == "uniform" and math.isfinite(low) and math.isfinite(high):
        return Dimension(name, D.Float(low, high), "native")
    if dist_name in ("loguniform", "reciprocal") and loc == 0.0 and low > 0 and math.isfinite(high):
        return Dimension(name, D.Float(low, high, log=True), "native")
    if dist_name == "randint" and math.isfinite(low) and math.isfinite(high):
        return Dimension(name, D.Int(int(low), int(high)), "native")
    # Anything else: search the quantile and map it through the inverse CDF.
    return Dimension(name, D.Float(0.0, 1.0), "ppf", frozen)


def convert_space(param_space: Any, *, allow_empty: bool = False) -> dict[str, Dimension]:
    """Validate a SearchCV ``param_space`` and turn it into searchable dimensions (none for an
    empty scikit-learn grid, ``allow_empty``: one configuration, the estimator's own parameters)."""
    if not isinstance(param_space, Mapping):
        raise TypeError(
            "param_space must be a dict of parameter name -> distribution / list of values / scipy.stats "
            f"distribution, got {type(param_space).__name__}: {param_space!r}"
        )
    if not param_space and not allow_empty:
        raise ValueError("param_space is empty: give at least one parameter to search")
    dims: dict[str, Dimension] = {}
    for name, spec in param_space.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"param_space keys must be estimator parameter names (str), got {name!r}")
        if isinstance(spec, D.Categorical):
            coded = _labels_for(name, spec.choices)
            dims[name] = (Dimension(name, D.Categorical(spec.choices), "native") if coded is None
                          else Dimension(name, coded[0], "labels", coded[1]))
        elif isinstance(spec, (D.Float, D.Int)):
            dims[name] = Dimension(name, spec, "native")
        elif (skopt_kind := _skopt_kind(spec)) is not None:
            dims[name] = _from_skopt(name, spec, skopt_kind)
        elif _is_scipy_distribution(spec):
            dims[name] = _from_scipy(name, _frozen(name, spec))
        elif isinstance(spec, (list, tuple, np.ndarray, range)):
            dims[name] = _from_list(name, list(spec) if isinstance(spec, range) else spec)
        elif _is_rvs_only(spec):
            continue  # drawn by its rvs (drawn_parameters), not a dimension of the study
        else:
            raise TypeError(
                f"param_space[{name!r}] must be a tunewise distribution (tw.uniform, tw.loguniform, tw.randint, "
                f"tw.choice, ...), a list of values, a frozen scipy.stats distribution, or an object with "
                f"rvs(random_state=...); got {spec!r}. "
                f"To fix a parameter to one value, use a one-element list: [{spec!r}]"
            )
    return dims


def _same(a: Any, b: Any) -> bool:
    """Equality that never raises (arrays, estimators) and tells 1 from True and 1.0."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - e.g. an array's ambiguous truth value
        return False


def _is_value_list(spec: Any) -> bool:
    return isinstance(spec, (list, tuple, np.ndarray, range))


def check_sklearn_space(what: str, space: Any, *, grid: bool) -> list[dict[str, Any]]:
    """``param_grid`` / ``param_distributions`` as scikit-learn takes them: a dict or a non-empty
    list of dicts; a grid's values are lists, a distribution's lists, frozen scipy.stats or any
    object with ``rvs``."""
    dicts = [space] if isinstance(space, Mapping) else space
    if not isinstance(dicts, (list, tuple)) or not dicts or not all(isinstance(d, Mapping) for d in dicts):
        raise TypeError(f"{what} must be a dict of parameter name -> values, or a non-empty list of such dicts "
                        f"(searched one after the other), got {space!r}")
    for d in dicts:
        for name, spec in d.items():
            if not isinstance(name, str) or not name:
                raise TypeError(f"{what} keys must be estimator parameter names (str), got {name!r}")
            if _is_value_list(spec):
                warn_skopt_shorthand(what, name, spec)
                if isinstance(spec, np.ndarray) and spec.ndim != 1:
                    raise ValueError(f"{what}[{name!r}] must be a 1-D list of values, got an array of shape "
                                     f"{spec.shape}")
                if len(spec) == 0:
                    # scikit-learn's sentence first (scripts and tests match it), then ours.
                    raise ValueError(f"Parameter grid for parameter {name!r} need to be a non-empty sequence, got: "
                                     f"{spec!r}. {what}[{name!r}] is an empty list: give at least one value")
            elif grid:
                raise TypeError(f"Parameter grid for parameter {name!r} needs to be a list or a numpy array, but got "
                                f"{spec!r} (of type {type(spec).__name__}) instead. Single values need to be wrapped "
                                f"in a list with one element. ({what}[{name!r}] must be a list of values, as in "
                                f"GridSearchCV; for distributions use param_distributions, RandomizedSearchCV's "
                                f"meaning)")
            elif _skopt_kind(spec) is not None:
                raise TypeError(
                    f"{what}[{name!r}] is scikit-optimize's {spec!r}, which RandomizedSearchCV "
                    f"cannot draw from (its rvs returns a list); pass BayesSearchCV's search_spaces "
                    f"dict as SearchCV's param_space (the second positional argument, n_trials= its "
                    f"n_iter), searched by the study's sampler"
                )
            elif not (_is_scipy_distribution(spec) or _is_rvs_only(spec)):
                raise TypeError(f"{what}[{name!r}] must be a list of values, a scipy.stats distribution or an "
                                f"object with rvs(random_state=...) (as in RandomizedSearchCV), got {spec!r}")
    return [dict(d) for d in dicts]


def merge_spaces(dicts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One ``param_space`` covering a list of grids or distributions: each parameter's lists are
    joined (so a study keeps one distribution per parameter). A parameter given different
    distributions in different dicts (``{"C": loguniform(...)}`` in one, ``{"C": [1, 10]}`` in
    another) is only drawn, by scikit-learn's ``ParameterSampler``, which picks a dict and then
    draws from it: its values are kept on each trial, not searched by the study.

    >>> from scipy.stats import loguniform
    >>> merged = merge_spaces([{"kernel": ["linear"], "C": loguniform(0.01, 10)}, {"kernel": ["rbf"], "C": [1, 10]}])
    >>> merged["kernel"], sorted(drawn_parameters(merged))
    (['linear', 'rbf'], ['C'])
    """
    merged: dict[str, Any] = {}
    mixed: dict[str, list[Any]] = {}
    for d in dicts:
        for name, spec in d.items():
            if name in mixed:
                mixed[name].append(spec)
            elif _is_value_list(spec) and (name not in merged or isinstance(merged[name], list)):
                # A value listed twice is one value of the study's distribution; scikit-learn's
                # ParameterGrid still runs its configurations twice, and so do we.
                values = [v.item() if isinstance(v, np.generic) else v for v in spec]
                kept = merged.setdefault(name, [])
                for v in values:
                    if not any(_same(v, w) for w in kept):
                        kept.append(v)
            elif name not in merged:
                merged[name] = spec
            elif spec is not merged[name]:
                mixed[name] = [merged[name], spec]
    for name, specs in mixed.items():
        merged[name] = _DrawnPerDict(name, specs)
    return merged


class _DrawnPerDict:
    """A parameter with different distributions in different dicts of a list: drawn by
    ``ParameterSampler`` from the dict it picks, never by this object."""

    def __init__(self, name: str, specs: Sequence[Any]) -> None:
        self.name = name
        self.specs = list(specs)

    def rvs(self, random_state: Any = None) -> Any:
        raise TypeError(f"parameter {self.name!r} has a different distribution in each dict of the list: its "
                        f"values come from scikit-learn's ParameterSampler (strategy='random'), not from one "
                        f"distribution")

    def __repr__(self) -> str:
        return f"<{self.name!r} drawn per dict from {self.specs!r}>"


def _set_by_searched_value(name: str, space: Mapping[str, Any]) -> tuple[str, str, list[Any]] | None:
    """For ``name`` = ``step__param`` where ``step`` is itself searched over estimators (scikit-learn's
    ``{"reduce_dim": [PCA(), NMF()], "reduce_dim__n_components": [2, 4]}``): the step, the
    sub-parameter, and the searched values that lack it."""
    parts = name.split("__")
    for i in range(len(parts) - 1, 0, -1):
        step, sub = "__".join(parts[:i]), "__".join(parts[i:])
        values = space.get(step)
        if isinstance(values, D.Categorical):
            values = list(values.choices)
        if not _is_value_list(values):
            continue
        assert values is not None
        if len(values) and any(hasattr(v, "get_params") for v in values):
            lacking = [v for v in values if not (hasattr(v, "get_params") and sub in v.get_params(deep=True))]
            return step, sub, lacking
    return None


def _settable(estimator: Any, name: str, spaces: Sequence[Mapping[str, Any]] | None) -> bool:
    """Whether ``set_params`` of a clone takes ``name`` (with a value searched for it): an
    estimator written by hand may accept parameters its ``get_params`` does not list."""
    from sklearn.base import clone

    value = None
    for space in spaces or ():
        spec: Any = space.get(name)
        if _is_value_list(spec) and len(spec):
            value = list(spec)[0]
            break
    try:
        clone(estimator).set_params(**{name: value})
    except Exception:  # noqa: BLE001 - any refusal means the name is not a parameter
        return False
    return True


def check_estimator_params(estimator: Any, names: Sequence[str],
                           spaces: Sequence[Mapping[str, Any]] | None = None, what: str = "param_space") -> None:
    """Raise a ValueError naming any parameter the estimator does not have, and the valid ones.

    ``spaces`` (the dicts searched together) allow a parameter of an estimator that is itself a
    searched value, as ``set_params`` sets the step before its parameters."""
    valid = sorted(estimator.get_params(deep=True))
    for name in names:
        if name in valid:
            continue
        found = [_set_by_searched_value(name, space) for space in spaces or () if name in space]
        settable = [f for f in found if f is not None]
        if found and len(settable) == len(found):
            for step, sub, lacking in settable:
                if lacking:
                    raise ValueError(f"{name!r} sets {sub!r} on every value searched for {step!r}, but "
                                     f"{', '.join(repr(v) for v in lacking)} has no parameter {sub!r}: put "
                                     f"those values in a separate dict of the list (a list of grids)")
            continue
        if _settable(estimator, name, spaces):
            continue  # not in get_params, but set_params takes it (as scikit-learn's searches only ask)
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"{what} has {name!r}, which is not a parameter of {type(estimator).__name__}{hint}. "
            f"Valid parameters: {', '.join(valid)}"
        )


def is_sklearn_space(space: Any) -> bool:
    """A dict (or non-empty list of dicts) whose values are all lists of values, frozen
    scipy.stats distributions or objects with ``rvs``: scikit-learn's ``param_grid`` /
    ``param_distributions`` shape."""
    dicts = [space] if isinstance(space, Mapping) else space
    if not isinstance(dicts, (list, tuple)) or not dicts or not all(isinstance(d, Mapping) for d in dicts):
        return False
    return all(_is_value_list(v) or _is_scipy_distribution(v) or _is_rvs_only(v) for d in dicts for v in d.values())


def has_distribution(dicts: Sequence[Mapping[str, Any]]) -> bool:
    """Whether some parameter is a distribution (scipy.stats or any object with ``rvs``), not a list."""
    return any(_is_scipy_distribution(v) or _is_rvs_only(v) for d in dicts for v in d.values())


def grid_size(dims: Mapping[str, Dimension]) -> int | None:
    """Number of grid points if every dimension is finite, else None."""
    n = 1
    for dim in dims.values():
        values = dim.grid_values()
        if values is None:
            return None
        n *= len(values)
    return n


def encode_for_json(value: Any) -> Any:
    """Decoded parameter values as JSON-friendly as possible (for logs and user attrs)."""
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)
