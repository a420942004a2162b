"""Optuna's ``optuna.search_space``: the parameters every trial so far has, for samplers of one's own.

>>> import tunewise as tw
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_int("n", 1, 3) if t.number else 0),
...                n_trials=3)
>>> sorted(tw.search_space.intersection_search_space(study.trials))
['x']
"""

from __future__ import annotations

from collections.abc import Iterable

from tunewise import distributions as D
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["intersection_search_space"]


def intersection_search_space(trials: Iterable[FrozenTrial], include_pruned: bool = False
                              ) -> dict[str, D.Distribution]:
    """The parameters held by every COMPLETE trial (and PRUNED, with ``include_pruned``) with the
    same distribution, name -> distribution, sorted by name; ``{}`` before any such trial."""
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    space: dict[str, D.Distribution] | None = None
    for t in trials:
        if t.state not in states:
            continue
        dists = t.distributions
        if space is None:
            space = dict(dists)
        else:
            space = {n: d for n, d in space.items() if n in dists and dists[n] == d}
    return dict(sorted((space or {}).items()))
