"""Carry a configuration from a source task's search space into a new one, by parameter name
(what :class:`~tunewise.samplers.WarmStartSampler` and ``tw.transfer`` do with earlier tasks' results).

A parameter is matched by name only (a renamed parameter is a different parameter). Numbers are
clipped into the new range and snapped to its lattice (step, integer); a categorical value must be
one of the new choices, or the configuration does not fit and is skipped, because its meaning would
change. Parameters the new space lacks are dropped; parameters only the new space has are left to
the sampler.

Shared by the warm-start sampler and ``tw.transfer``'s knowledge base, so it sits at the
package's top level: neither package imports the other's private modules
(``tests/test_layering.py``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from tunewise import distributions as D

__all__ = ["map_config", "map_value"]

_NO_FIT = object()


def map_value(value: Any, dist: D.Distribution) -> Any:
    """``value`` moved into ``dist`` (clipped, snapped), or ``_NO_FIT`` when it cannot be."""
    if isinstance(dist, D.Categorical):
        if dist.contains(value):
            return dist.choices[dist.index(value)]
        # 2 and 2.0 are different JSON values but the same number: accept the number.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            for c in dist.choices:
                if isinstance(c, (int, float)) and not isinstance(c, bool) and float(c) == float(value):
                    return c
        return _NO_FIT
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, (np.integer, np.floating)):
                value = value.item()
            else:
                return _NO_FIT
        except ImportError:  # pragma: no cover
            return _NO_FIT
    v = float(value)
    if not math.isfinite(v):
        return _NO_FIT
    v = min(max(v, float(dist.low)), float(dist.high))
    if isinstance(dist, D.Int):
        v = round(v)
        if dist.log:
            return int(min(max(v, dist.low), dist.high))
        k = round((v - dist.low) / dist.step)
        return int(min(dist.low + k * dist.step, dist.high))
    if dist.step is not None:
        k = round((v - dist.low) / dist.step)
        return float(min(dist.low + k * dist.step, dist.high))
    return v


def map_config(params: Mapping[str, Any], space: Mapping[str, D.Distribution]) -> dict[str, Any] | None:
    """The part of ``params`` that fits ``space`` (clipped and snapped), or None if it does not fit.

    None means: a categorical value is not among the new choices, or no parameter is shared.

    >>> from tunewise.distributions import Float, Int, Categorical
    >>> space = {"lr": Float(1e-4, 1e-2, log=True), "depth": Int(2, 8), "opt": Categorical(["adam", "sgd"])}
    >>> map_config({"lr": 0.5, "depth": 9.6, "opt": "adam", "dropout": 0.1}, space)
    {'lr': 0.01, 'depth': 8, 'opt': 'adam'}
    >>> map_config({"lr": 1e-3, "opt": "rmsprop"}, space) is None
    True
    """
    out: dict[str, Any] = {}
    for name, value in params.items():
        dist = space.get(name)
        if dist is None:
            continue  # the new space has no such parameter (removed or renamed)
        mapped = map_value(value, dist)
        if mapped is _NO_FIT:
            return None
        out[name] = mapped
    return out or None
