"""Which PRUNED trials a model may learn from: those stopped at a step that ranks like the end.

A pruned trial's last value says how it looked when it was stopped, not how it would have
finished. On learning curves that cross (small learning rates start slowly and finish best) the
two rank configurations the other way round, so a model that counts the last value as the
result learns that the best region is bad, and early stopping then feeds it only fast starters.
So a pruned trial's value is used only where it has been checked: at its last step ``s``, the
COMPLETE trials' values at ``s`` rank them like their final values (Kendall's tau at least
``threshold`` on at least ``min_pairs`` complete trials). Until that is measured, pruned trials
are left out, as optuna's GP sampler always does (trust earned, not assumed; the same rule as
``ASHAScheduler``'s ``hedge_threshold``). Measured on the dev families of
``benchmarks/curves.py`` (issue 19).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np

from tunewise.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tunewise.trial import FrozenTrial

__all__ = ["trusted_pruned"]


def _tau(a: Sequence[float], b: Sequence[float]) -> float:
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    iu = np.triu_indices(len(x), k=1)
    prod = np.sign(x[:, None] - x[None, :])[iu] * np.sign(y[:, None] - y[None, :])[iu]
    return float(prod.sum() / max(len(prod), 1))


def _curve(t: FrozenTrial) -> tuple[list[float], list[float]]:
    steps = sorted(t.intermediate_values)
    return [float(s) for s in steps], [float(t.intermediate_values[s]) for s in steps]


def _value_at(curve: tuple[list[float], list[float]], step: float) -> float | None:
    """The first report at or past ``step`` (None if the trial never got there)."""
    i = bisect.bisect_left(curve[0], step)
    return curve[1][i] if i < len(curve[0]) else None


def trusted_pruned(trials: Sequence[FrozenTrial], threshold: float = 0.5, min_pairs: int = 8) -> set[int]:
    """Trial ids of the PRUNED trials whose last value may stand for their result (see module doc).

    >>> trusted_pruned([])
    set()
    """
    complete = [(_curve(t), float(t.values[0])) for t in trials  # type: ignore[index]
                if t.state == TrialState.COMPLETE and t.intermediate_values and t.values and t.values[0] is not None]
    out: set[int] = set()
    verdict: dict[float, bool] = {}
    for t in trials:
        if t.state != TrialState.PRUNED or not t.intermediate_values:
            continue
        step = max(t.intermediate_values)
        if step not in verdict:
            pairs = [(v, final) for curve, final in complete if (v := _value_at(curve, step)) is not None]
            verdict[step] = len(pairs) >= min_pairs and _tau(*zip(*pairs, strict=True)) >= threshold
        if verdict[step]:
            out.add(t.trial_id)
    return out
