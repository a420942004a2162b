"""Distributions: the one model of a search-space dimension shared by every API.

``trial.suggest_float/int/categorical`` and the declarative helpers
(:func:`uniform`, :func:`loguniform`, :func:`choice`, :func:`randint`, :func:`grid`)
all build one of :class:`Float`, :class:`Int` or :class:`Categorical`.

Every distribution maps to and from the unit interval, which is what samplers
work in: ``to_unit(value) -> float in [0, 1]`` and ``from_unit(u) -> value``.
Log-scaled dimensions are uniform in log space; integer and stepped dimensions
use equal-width cells so that every value has the same share of ``[0, 1]``.

>>> import tunewise as tw
>>> d = tw.distributions.Float(1e-5, 1e-1, log=True)
>>> round(d.from_unit(0.5), 6)
0.001
>>> tw.distributions.Int(32, 512, step=32).from_unit(1.0)
512
"""

from __future__ import annotations

import abc
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

__all__ = [
    "BaseDistribution",
    "Categorical",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "Derived",
    "DiscreteUniformDistribution",
    "Distribution",
    "FixedValue",
    "Float",
    "FloatDistribution",
    "Int",
    "IntDistribution",
    "IntLogUniformDistribution",
    "IntUniformDistribution",
    "LogUniformDistribution",
    "UniformDistribution",
    "check_distribution_compatibility",
    "choice",
    "distribution_from_json",
    "distribution_to_json",
    "grid",
    "json_to_distribution",
    "lograndint",
    "loguniform",
    "qlograndint",
    "qloguniform",
    "qrandint",
    "qrandn",
    "quniform",
    "randint",
    "randn",
    "sample_from",
    "uniform",
]

CategoricalChoice = Union[None, bool, int, float, str, list, dict]
CategoricalChoiceType = Union[None, bool, int, float, str]  # Optuna's name for a choice's type


class BaseDistribution(abc.ABC):
    """What :class:`Float`, :class:`Int` and :class:`Categorical` share: Optuna's
    ``optuna.distributions.BaseDistribution``, for ``isinstance`` checks, the type hints of a
    sampler written for Optuna, and Optuna's ``single``, ``to_internal_repr`` and
    ``to_external_repr`` (a choice's index and back).

    >>> isinstance(Int(1, 3), BaseDistribution)
    True
    >>> d = Categorical(["adam", "sgd"])
    >>> d.to_internal_repr("sgd"), d.to_external_repr(1), d.single()
    (1, 'sgd', False)
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def n_values(self) -> int | None:
        """Number of distinct values, or None for a continuous range."""

    def single(self) -> bool:
        """Whether the distribution holds exactly one value (a trial then takes it unsampled)."""
        return self.n_values == 1

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """The value as Optuna's storages keep it: a float (a choice's index for categoricals).
        ValueError, as in Optuna, for what is not a number, NaN, or not positive on a log scale."""
        value = param_value_in_external_repr
        try:
            internal = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a number, so not a value of {self!r}") from None
        if math.isnan(internal):
            raise ValueError(f"NaN is not a value of {self!r}")
        if getattr(self, "log", False) and internal <= 0:
            raise ValueError(f"{value!r} is not a value of {self!r}, which is log-scaled (values > 0)")
        return internal

    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        """The inverse of :meth:`to_internal_repr`."""
        return float(param_value_in_internal_repr)


def check_distribution_compatibility(dist_old: BaseDistribution, dist_new: BaseDistribution) -> None:
    """Raise ValueError if ``dist_new`` cannot replace ``dist_old`` under one parameter name, by
    Optuna's rule: a different kind, a different ``log``, or other categorical choices.

    (tunewise's own trials are more lenient: choices may change between trials.)

    >>> check_distribution_compatibility(Float(0.0, 1.0), Float(0.0, 2.0))  # a new range is fine
    """
    if type(dist_old) is not type(dist_new):
        raise ValueError(f"a parameter's distribution cannot change kind: {dist_old!r} -> {dist_new!r}")
    if isinstance(dist_old, (Float, Int)) and isinstance(dist_new, (Float, Int)) and dist_old.log != dist_new.log:
        raise ValueError(f"a parameter's distribution cannot change log: {dist_old!r} -> {dist_new!r}")
    if isinstance(dist_old, Categorical) and dist_old != dist_new:
        raise ValueError(f"a categorical parameter's choices cannot change: {dist_old!r} -> {dist_new!r}")


def _check_finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _warn_off_lattice(step: float, low: float, high: float, top: float) -> None:
    import warnings

    warnings.warn(f"step={step!r} does not divide the range [{low!r}, {high!r}]: the range is [{low!r}, {top!r}], "
                  f"the last value on the step (as in Optuna)", UserWarning, stacklevel=4)


@dataclass(frozen=True)
class Float(BaseDistribution):
    """A real-valued dimension in ``[low, high]``; ``log`` for log-uniform, ``step`` for a lattice.

    >>> Float(0.0, 1.0, step=0.25).contains(0.5)
    True
    """

    low: float
    high: float
    log: bool = False
    step: float | None = None

    def __post_init__(self) -> None:
        low = _check_finite("low", self.low)
        high = _check_finite("high", self.high)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        if low > high:
            raise ValueError(f"low must be <= high, got low={low!r} > high={high!r}")
        if self.log and self.step is not None:
            raise ValueError("step and log cannot be combined: use log=True or step=..., not both")
        if self.log and low <= 0:
            raise ValueError(f"log=True needs low > 0, got low={low!r}")
        if self.step is not None:
            step = _check_finite("step", self.step)
            if step <= 0:
                raise ValueError(f"step must be > 0, got step={step!r}")
            n = (high - low) / step
            if abs(n - round(n)) > 1e-8 * max(1.0, abs(n)):
                # As Optuna: the range ends at the last value on the lattice, with a warning.
                top = float(f"{low + math.floor(n) * step:.12g}")
                _warn_off_lattice(step, low, high, top)
                object.__setattr__(self, "high", top)
            object.__setattr__(self, "step", step)

    @property
    def n_values(self) -> int | None:
        """Number of distinct values, or None for a continuous range."""
        if self.step is None:
            return 1 if self.low == self.high else None
        return int(round((self.high - self.low) / self.step)) + 1

    def contains(self, value: Any) -> bool:
        try:
            v = float(value)
        except (TypeError, ValueError):
            return False
        if not (self.low <= v <= self.high) or isinstance(value, bool):
            return False
        if self.step is not None:
            k = (v - self.low) / self.step
            return abs(k - round(k)) < 1e-8 * max(1.0, abs(k))
        return True

    def to_unit(self, value: Any) -> float:
        v = float(value)
        if self.high == self.low:
            return 0.5
        if self.log:
            return (math.log(v) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        n = self.n_values
        if n is not None:
            return (round((v - self.low) / self.step) + 0.5) / n  # type: ignore[operator]
        return (v - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> float:
        u = min(max(float(u), 0.0), 1.0)
        if self.high == self.low:
            return self.low
        if self.log:
            lo, hi = math.log(self.low), math.log(self.high)
            return min(max(math.exp(lo + u * (hi - lo)), self.low), self.high)
        n = self.n_values
        if n is not None:
            k = min(int(u * n), n - 1)
            return min(self.low + k * self.step, self.high)  # type: ignore[operator]
        return self.low + u * (self.high - self.low)

    def to_json(self) -> dict[str, Any]:
        return {"type": "float", "low": self.low, "high": self.high, "log": self.log, "step": self.step}


@dataclass(frozen=True)
class Int(BaseDistribution):
    """An integer dimension in ``[low, high]`` (both inclusive), optionally log-scaled or stepped.

    >>> Int(2, 6).contains(6)
    True
    """

    low: int
    high: int
    log: bool = False
    step: int = 1

    def __post_init__(self) -> None:
        for name in ("low", "high", "step"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                if isinstance(v, (float, np.floating)) and float(v).is_integer():
                    v = int(v)
                else:
                    raise TypeError(f"{name} must be an integer, got {v!r} ({type(v).__name__})")
            object.__setattr__(self, name, int(v))
        if self.low > self.high:
            raise ValueError(f"low must be <= high, got low={self.low!r} > high={self.high!r}")
        if self.step <= 0:
            raise ValueError(f"step must be > 0, got step={self.step!r}")
        if self.log and self.step != 1:
            raise ValueError("step and log cannot be combined for integers: use step=1 with log=True")
        if self.log and self.low < 1:
            raise ValueError(f"log=True needs low >= 1, got low={self.low!r}")
        if (self.high - self.low) % self.step:
            top = self.high - (self.high - self.low) % self.step  # as Optuna, with a warning
            _warn_off_lattice(self.step, self.low, self.high, top)
            object.__setattr__(self, "high", top)

    @property
    def n_values(self) -> int:
        return (self.high - self.low) // self.step + 1

    def contains(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if isinstance(value, (float, np.floating)):
            if not float(value).is_integer():
                return False
        elif not isinstance(value, (int, np.integer)):
            return False
        v = int(value)
        return self.low <= v <= self.high and (v - self.low) % self.step == 0

    def to_unit(self, value: Any) -> float:
        v = int(value)
        if self.high == self.low:
            return 0.5
        if self.log:
            # Cells of equal width in log space between low-0.5 and high+0.5.
            lo, hi = math.log(self.low - 0.5), math.log(self.high + 0.5)
            return (math.log(v) - lo) / (hi - lo)
        return ((v - self.low) // self.step + 0.5) / self.n_values

    def from_unit(self, u: float) -> int:
        u = min(max(float(u), 0.0), 1.0)
        if self.high == self.low:
            return self.low
        if self.log:
            lo, hi = math.log(self.low - 0.5), math.log(self.high + 0.5)
            return int(min(max(round(math.exp(lo + u * (hi - lo))), self.low), self.high))
        k = min(int(u * self.n_values), self.n_values - 1)
        return self.low + k * self.step

    def to_external_repr(self, param_value_in_internal_repr: float) -> int:
        return int(param_value_in_internal_repr)

    def to_json(self) -> dict[str, Any]:
        return {"type": "int", "low": self.low, "high": self.high, "log": self.log, "step": self.step}


@dataclass(frozen=True)
class Categorical(BaseDistribution):
    """A choice among JSON-serializable values. ``grid=True`` marks a declarative grid axis.

    >>> Categorical(["adam", "sgd"]).index("sgd")
    1
    """

    choices: tuple[Any, ...]
    grid: bool = False

    def __post_init__(self) -> None:
        choices = self.choices
        if isinstance(choices, (str, bytes)) or not isinstance(choices, (Sequence, np.ndarray)):
            raise TypeError(f"choices must be a list or tuple of values, got {choices!r}")
        choices = tuple(c.item() if isinstance(c, np.generic) else c for c in choices)
        if not choices:
            raise ValueError("choices must not be empty")
        keys = []
        for c in choices:
            try:
                keys.append(json.dumps(c, sort_keys=True))
            except (TypeError, ValueError) as e:
                raise TypeError(
                    f"every choice must be JSON-serializable (None, bool, int, float, str, list, dict), "
                    f"got {c!r} ({type(c).__name__})"
                ) from e
            if isinstance(c, float) and not math.isfinite(c):
                raise ValueError(f"choices must be finite, got {c!r}")
        if len(set(keys)) != len(keys):
            dup = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(f"choices must be unique, got duplicates {', '.join(dup)}")
        object.__setattr__(self, "choices", choices)
        object.__setattr__(self, "_keys", {k: i for i, k in enumerate(keys)})

    @property
    def n_values(self) -> int:
        return len(self.choices)

    def index(self, value: Any) -> int:
        """Position of ``value`` among the choices (ValueError if absent)."""
        try:
            return self._keys[json.dumps(value, sort_keys=True)]  # type: ignore[attr-defined,no-any-return]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not one of the choices {list(self.choices)!r}") from None

    def contains(self, value: Any) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def to_unit(self, value: Any) -> float:
        return (self.index(value) + 0.5) / len(self.choices)

    def to_internal_repr(self, param_value_in_external_repr: Any) -> int:  # type: ignore[override]
        return self.index(param_value_in_external_repr)

    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        return self.choices[int(param_value_in_internal_repr)]

    def from_unit(self, u: float) -> Any:
        n = len(self.choices)
        return self.choices[min(int(min(max(float(u), 0.0), 1.0) * n), n - 1)]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "categorical", "choices": list(self.choices)}
        if self.grid:
            out["grid"] = True
        return out

    def __eq__(self, other: object) -> bool:
        # Compare by JSON so that 1 and True, or 1 and 1.0, are different choices.
        return (
            isinstance(other, Categorical)
            and self.grid == other.grid
            and list(self._keys) == list(other._keys)  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return hash(tuple(self._keys))  # type: ignore[attr-defined]


Distribution = Union[Float, Int, Categorical]


def distribution_to_json(dist: Distribution) -> str:
    """Serialize a distribution to a JSON string (the storage format).

    >>> distribution_to_json(Float(0.1, 1.0, log=True))
    '{"type": "float", "low": 0.1, "high": 1.0, "log": true, "step": null}'
    >>> distribution_from_json(distribution_to_json(Int(1, 9, step=2)))
    Int(low=1, high=9, log=False, step=2)
    """
    return json.dumps(dist.to_json())


def distribution_from_json(data: str | Mapping[str, Any]) -> Distribution:
    """Inverse of :func:`distribution_to_json`. Optuna's form is read too, as Optuna's
    ``distribution_to_json`` writes it (its older distribution names included), so Optuna's
    ``json_to_distribution`` is this function.

    >>> from tunewise.distributions import json_to_distribution
    >>> json_to_distribution('{"name": "FloatDistribution", "attributes": {"low": -10.0, "high": 10.0}}')
    Float(low=-10.0, high=10.0, log=False, step=None)
    >>> json_to_distribution({"name": "LogUniformDistribution", "attributes": {"low": 1e-05, "high": 0.1}})
    Float(low=1e-05, high=0.1, log=True, step=None)
    """
    d = json.loads(data) if isinstance(data, str) else data
    if not isinstance(d, Mapping):
        raise ValueError(f"a distribution is a JSON object such as {_OPTUNA_EXAMPLE}, got {d!r}")
    try:
        if "name" in d:
            return _from_optuna_json(d["name"], d.get("attributes", {}))
        kind = d.get("type")
        if kind == "float":
            return Float(d["low"], d["high"], log=d.get("log", False), step=d.get("step"))
        if kind == "int":
            return Int(d["low"], d["high"], log=d.get("log", False), step=d.get("step", 1))
        if kind == "categorical":
            return Categorical(tuple(d["choices"]), grid=d.get("grid", False))
    except KeyError as e:
        raise ValueError(f"distribution {dict(d)!r} lacks {e.args[0]!r}") from None
    raise ValueError(f"unknown distribution type {kind!r} in {dict(d)!r}: expected tunewise's form "
                     f'({{"type": "float" | "int" | "categorical", ...}}) or Optuna\'s ({_OPTUNA_EXAMPLE})')


_OPTUNA_EXAMPLE = '{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}}'


def _from_optuna_json(name: Any, a: Any) -> Distribution:
    """A distribution in Optuna's JSON form: its class name and its attributes."""
    if not isinstance(a, Mapping):
        raise ValueError(f"the attributes of an Optuna {name} must be a JSON object, got {a!r}")
    if name == "FloatDistribution":
        return Float(a["low"], a["high"], log=bool(a.get("log", False)), step=a.get("step"))
    if name == "IntDistribution":
        return Int(a["low"], a["high"], log=bool(a.get("log", False)), step=a.get("step", 1) or 1)
    if name == "CategoricalDistribution":
        return Categorical(tuple(a["choices"]))
    if name == "UniformDistribution":
        return Float(a["low"], a["high"])
    if name == "LogUniformDistribution":
        return Float(a["low"], a["high"], log=True)
    if name == "DiscreteUniformDistribution":
        return Float(a["low"], a["high"], step=a["q"])
    if name == "IntUniformDistribution":
        return Int(a["low"], a["high"], step=a.get("step", 1) or 1)
    if name == "IntLogUniformDistribution":
        return Int(a["low"], a["high"], log=True, step=a.get("step", 1) or 1)
    raise ValueError(f"unknown Optuna distribution {name!r}: expected FloatDistribution, IntDistribution or "
                     f"CategoricalDistribution (or a legacy name such as LogUniformDistribution)")


# Optuna's name for it.
json_to_distribution = distribution_from_json


@dataclass(frozen=True)
class FixedValue:
    """A value a trial must take for a parameter even outside the distribution the objective asks
    for: what ``Sampler.sample`` returns for a grid point or a held parameter (Optuna's fixed
    params). The trial warns, runs with it and records its own distribution widened to hold it
    (see :func:`widened`).

    >>> FixedValue(32).value
    32
    """

    value: Any


def widened(dist: Distribution, value: Any) -> Distribution | None:
    """The smallest change of a numeric ``dist`` that contains ``value`` (range stretched to it; a
    step it is off dropped), or None where none can (a categorical, a non-number, a fraction for
    an integer, a value <= 0 on a log scale: Optuna refuses that one too, and a sampler modelling
    the parameter on its log scale cannot take it).

    >>> widened(Int(64, 512, step=64), 32)
    Int(low=32, high=512, log=False, step=32)
    >>> widened(Float(0.0, 10.0, step=2.0), 1.0)
    Float(low=0.0, high=10.0, log=False, step=None)
    >>> widened(Categorical(("a", "b")), "z") is None
    True
    >>> widened(Float(1e-5, 1e-1, log=True), 0.0) is None
    True
    """
    if dist.contains(value):
        return dist
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    v = float(value)
    if not math.isfinite(v):
        return None
    if isinstance(dist, Int):
        if not v.is_integer():
            return None
        iv = int(v)
        ilow, ihigh = min(dist.low, iv), max(dist.high, iv)
        if dist.log:
            return Int(ilow, ihigh, log=True) if ilow >= 1 else None
        step = math.gcd(dist.step, abs(iv - dist.low)) or 1
        if (ihigh - ilow) % step:
            step = 1
        return Int(ilow, ihigh, step=step)
    if isinstance(dist, Float):
        low, high = min(dist.low, v), max(dist.high, v)
        if dist.log:
            return Float(low, high, log=True) if low > 0 else None
        if dist.step is not None:
            k = (v - dist.low) / dist.step
            if abs(k - round(k)) < 1e-8 * max(1.0, abs(k)):  # on the lattice, past its end: keep the step
                return Float(low, high, step=dist.step)
        return Float(low, high)
    return None


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def check_value(name: str, dist: Distribution, value: Any) -> Any:
    """Validate a user-fixed value (enqueued trial) against its distribution; return it normalized."""
    if not dist.contains(value):
        hint = ""
        if isinstance(dist, (Int, Float)) and dist.log and _is_number(value) and float(value) <= 0:
            hint = ": a log scale holds only positive values"
        raise ValueError(f"value {value!r} for parameter {name!r} is outside its distribution {dist!r}{hint}")
    if isinstance(dist, Int):
        return int(value)
    if isinstance(dist, Float):
        return float(value)
    return dist.choices[dist.index(value)]


def with_choice_objects(params: Mapping[str, Any], distributions: Mapping[str, Distribution]) -> dict[str, Any]:
    """``params`` with each categorical value that is stored as a JSON list given back as the
    choice it stands for, when that choice is a tuple (``(1, 2)`` for ``ngram_range``: stored
    values are JSON, which has no tuples). Optuna's default in-memory storage gives the tuple
    back, and refits such as ``TfidfVectorizer(**study.best_params)`` refuse a list.

    >>> space = {"ngram_range": Categorical([(1, 1), (1, 2)]), "layers": Categorical([[8], [8, 8]])}
    >>> with_choice_objects({"ngram_range": [1, 2], "layers": [8], "x": 0.5}, space)
    {'ngram_range': (1, 2), 'layers': [8], 'x': 0.5}
    """
    out = dict(params)
    for name, value in params.items():
        dist = distributions.get(name)
        if isinstance(value, list) and isinstance(dist, Categorical) and dist.contains(value):
            out[name] = dist.choices[dist.index(value)]
    return out


# Declarative helpers (the Ray Tune habit): `space = {"lr": tw.loguniform(1e-5, 1e-2), ...}`.


def uniform(low: float, high: float) -> Float:
    """A float drawn uniformly from ``[low, high]``.

    >>> uniform(0.1, 0.5)
    Float(low=0.1, high=0.5, log=False, step=None)
    """
    return Float(low, high)


def loguniform(low: float, high: float) -> Float:
    """A float drawn uniformly in log space from ``[low, high]`` (``low > 0``).

    >>> loguniform(1e-5, 1e-2)
    Float(low=1e-05, high=0.01, log=True, step=None)
    """
    return Float(low, high, log=True)


def quniform(low: float, high: float, q: float) -> Float:
    """A float from ``[low, high]`` on a lattice of step ``q``.

    >>> quniform(0, 1, 0.25)
    Float(low=0.0, high=1.0, log=False, step=0.25)
    """
    return Float(low, high, step=q)


def randint(low: int, high: int) -> Int:
    """An integer in ``[low, high)`` (``high`` excluded, as in numpy and Ray Tune).

    >>> randint(2, 7)
    Int(low=2, high=6, log=False, step=1)
    """
    if isinstance(high, (int, np.integer)) and isinstance(low, (int, np.integer)) and high <= low:
        raise ValueError(f"randint needs low < high (high is excluded), got low={low!r}, high={high!r}")
    return Int(low, int(high) - 1)


def choice(values: Sequence[Any]) -> Categorical:
    """One of ``values``, each equally likely a priori.

    >>> choice(["adam", "sgd"])
    Categorical(choices=('adam', 'sgd'), grid=False)
    """
    return Categorical(tuple(values))


def grid(values: Sequence[Any]) -> Categorical:
    """A grid axis: trials cycle through every value in turn (Ray Tune's ``grid_search``).

    >>> import tunewise as tw
    >>> study = tw.create_study()
    >>> study.optimize(lambda config: config["batch"] / 64, space={"batch": tw.grid([16, 32, 64])}, n_trials=3)
    >>> [t.params["batch"] for t in study.trials]
    [16, 32, 64]
    """
    return Categorical(tuple(values), grid=True)


# Ray Tune's other search-space functions. Each is a `Derived` entry of a declarative space: the
# trial samples an ordinary distribution (what the sampler models and the storage keeps), and the
# config the training function gets holds the value derived from it.


@dataclass(frozen=True)
class Derived:
    """A declarative-space entry whose config value is computed rather than sampled directly.

    ``base`` (a distribution, or None) is what the trial samples under the entry's name, and
    ``transform(sampled, config)`` gives the config value; entries without a base (``sample_from``)
    are computed after every sampled entry, in the order of the space, and are not parameters.
    Build them with :func:`qloguniform`, :func:`qrandint`, :func:`lograndint`, :func:`qlograndint`,
    :func:`randn`, :func:`qrandn` or :func:`sample_from`.

    >>> d = qloguniform(1e-4, 1e-1, 5e-5)
    >>> d
    qloguniform(0.0001, 0.1, 5e-05)
    >>> d.base   # what the trial samples and the storage keeps
    Float(low=0.0001, high=0.1, log=True, step=None)
    >>> d.transform(0.0123456, {})   # what the config gets
    0.01235
    """

    base: Distribution | None
    transform: Any  # Callable[[Any, dict[str, Any]], Any]
    label: str

    def __repr__(self) -> str:
        return self.label


def _quantize(value: float, q: float) -> float:
    # Ray's rounding: to the nearest multiple of q, printed without float noise.
    return float(round(round(value / q) * q, 12))


def qloguniform(low: float, high: float, q: float) -> Derived:
    """A log-uniform float rounded to a multiple of ``q`` (Ray Tune's ``tune.qloguniform``).

    >>> d = qloguniform(1e-4, 1e-1, 5e-5)
    >>> d.transform(0.0123456, {})
    0.01235
    """
    base = loguniform(low, high)
    q = _check_finite("q", q)
    if q <= 0:
        raise ValueError(f"q must be > 0, got q={q!r}")
    return Derived(base, lambda v, _c: max(_quantize(v, q), q), f"qloguniform({low!r}, {high!r}, {q!r})")


def lograndint(low: int, high: int) -> Int:
    """An integer in ``[low, high)`` drawn log-uniformly (Ray Tune's ``tune.lograndint``).

    >>> lograndint(1, 1025)
    Int(low=1, high=1024, log=True, step=1)
    """
    if high <= low:
        raise ValueError(f"lograndint needs low < high (high is excluded), got low={low!r}, high={high!r}")
    return Int(low, int(high) - 1, log=True)


def qrandint(low: int, high: int, q: int = 1) -> Int:
    """An integer in ``[low, high]`` (inclusive) on multiples of ``q`` from ``low`` (Ray Tune's
    ``tune.qrandint``).

    >>> qrandint(0, 100, 25)
    Int(low=0, high=100, log=False, step=25)
    """
    if (high - low) % q:
        raise ValueError(f"qrandint: q={q!r} must divide high - low = {high - low!r}")
    return Int(low, high, step=q)


def qlograndint(low: int, high: int, q: int) -> Derived:
    """A log-uniform integer in ``[low, high]`` rounded to a multiple of ``q`` (Ray Tune's
    ``tune.qlograndint``).

    >>> d = qlograndint(1, 1024, 8)
    >>> d.base, d.transform(100, {}), d.transform(3, {})   # the trial samples d.base; at least q
    (Int(low=1, high=1024, log=True, step=1), 96, 8)
    """
    base = Int(low, high, log=True)
    if q < 1:
        raise ValueError(f"q must be a positive integer, got q={q!r}")
    return Derived(base, lambda v, _c: int(min(max(round(v / q) * q, q), high)),
                   f"qlograndint({low!r}, {high!r}, {q!r})")


_NORMAL_TAIL = 1e-6  # the quantile range (tail, 1 - tail) covers mean +- 4.75 sd


def randn(mean: float = 0.0, sd: float = 1.0) -> Derived:
    """A normally distributed float (Ray Tune's ``tune.randn``).

    The trial's parameter is the normal quantile ``u`` in (0, 1), so random search draws exactly
    from N(mean, sd) and model-based samplers search a bounded space; the config gets
    ``mean + sd * Phi^-1(u)``.

    >>> round(randn(10.0, 2.0).transform(0.5, {}), 6)
    10.0
    """
    from statistics import NormalDist

    if not sd > 0:
        raise ValueError(f"randn needs sd > 0, got sd={sd!r}")
    normal = NormalDist(mean, sd)
    return Derived(Float(_NORMAL_TAIL, 1.0 - _NORMAL_TAIL), lambda u, _c: normal.inv_cdf(u),
                   f"randn({mean!r}, {sd!r})")


def qrandn(mean: float, sd: float, q: float) -> Derived:
    """:func:`randn` rounded to a multiple of ``q`` (Ray Tune's ``tune.qrandn``).

    >>> d = qrandn(0.0, 1.0, 0.1)
    >>> d.transform(0.5, {}), d.transform(0.9, {})   # the normal quantiles 0.5 and 0.9, rounded
    (0.0, 1.3)
    """
    inner = randn(mean, sd)
    if not q > 0:
        raise ValueError(f"q must be > 0, got q={q!r}")
    return Derived(inner.base, lambda u, c: _quantize(inner.transform(u, c), q), f"qrandn({mean!r}, {sd!r}, {q!r})")


class _Spec(dict):  # type: ignore[type-arg]
    """The argument of a ``sample_from`` function: the config so far, also as ``spec.config``
    (Ray Tune passes a spec whose ``.config`` is the config)."""

    @property
    def config(self) -> _Spec:
        return self


def sample_from(func: Any) -> Derived:
    """A value computed from the rest of the config (Ray Tune's ``tune.sample_from``).

    ``func(spec)`` is called after every sampled entry of the space; ``spec`` is the config so
    far, readable as ``spec["lr"]`` or, as in Ray Tune, ``spec.config.lr``-style via
    ``spec.config["lr"]``. The value is part of the config, not a parameter of the trial.

    >>> import tunewise as tw
    >>> space = {"a": tw.choice([1, 2]), "b": tw.sample_from(lambda spec: spec.config["a"] * 10)}
    >>> study = tw.create_study()
    >>> study.optimize(lambda config: config["b"] - config["a"] * 10, space=space, n_trials=2)
    >>> study.best_value
    0.0
    """
    if not callable(func):
        raise TypeError(f"sample_from needs a function of the config, got {func!r}")
    return Derived(None, lambda _v, config: func(_Spec(config)), f"sample_from({getattr(func, '__name__', func)!r})")


# Optuna's class names (same arguments and order: low, high, log, step; choices), so code that
# builds distributions for ask(fixed_distributions) or create_trial runs unchanged.
FloatDistribution = Float
IntDistribution = Int
CategoricalDistribution = Categorical


def _deprecated_name(old: str, new: str) -> None:
    import warnings

    warnings.warn(f"{old} is Optuna's name from before version 3 (deprecated there); it builds {new}",
                  FutureWarning, stacklevel=3)


def UniformDistribution(low: float, high: float) -> Float:  # noqa: N802 - Optuna's (deprecated) class name
    """Optuna 2's ``UniformDistribution(low, high)``: ``Float(low, high)``, with a FutureWarning
    (as Optuna gives). The other names of that time build the same way:
    ``LogUniformDistribution(low, high)`` -> ``Float(low, high, log=True)``,
    ``DiscreteUniformDistribution(low, high, q)`` -> ``Float(low, high, step=q)``,
    ``IntUniformDistribution(low, high, step=1)`` -> ``Int(low, high, step=step)``,
    ``IntLogUniformDistribution(low, high, step=1)`` -> ``Int(low, high, log=True)``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", FutureWarning)
    ...     UniformDistribution(0.0, 1.0) == Float(0.0, 1.0)
    True
    """
    _deprecated_name("UniformDistribution(low, high)", "FloatDistribution(low, high)")
    return Float(low, high)


def LogUniformDistribution(low: float, high: float) -> Float:  # noqa: N802
    """Optuna 2's ``LogUniformDistribution(low, high)``: ``Float(low, high, log=True)``."""
    _deprecated_name("LogUniformDistribution(low, high)", "FloatDistribution(low, high, log=True)")
    return Float(low, high, log=True)


def DiscreteUniformDistribution(low: float, high: float, q: float) -> Float:  # noqa: N802
    """Optuna 2's ``DiscreteUniformDistribution(low, high, q)``: ``Float(low, high, step=q)``."""
    _deprecated_name("DiscreteUniformDistribution(low, high, q)", "FloatDistribution(low, high, step=q)")
    return Float(low, high, step=q)


def IntUniformDistribution(low: int, high: int, step: int = 1) -> Int:  # noqa: N802
    """Optuna 2's ``IntUniformDistribution(low, high, step=1)``: ``Int(low, high, step=step)``."""
    _deprecated_name("IntUniformDistribution(low, high, step)", "IntDistribution(low, high, step=step)")
    return Int(low, high, step=step)


def IntLogUniformDistribution(low: int, high: int, step: int = 1) -> Int:  # noqa: N802
    """Optuna 2's ``IntLogUniformDistribution(low, high)``: ``Int(low, high, log=True)`` (``step``
    other than 1 is refused, as log and step do not combine)."""
    _deprecated_name("IntLogUniformDistribution(low, high)", "IntDistribution(low, high, log=True)")
    if step != 1:
        raise ValueError(f"IntLogUniformDistribution(step={step!r}): a log-scaled integer range takes step=1")
    return Int(low, high, log=True)
