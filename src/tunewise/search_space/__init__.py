"""Optuna's ``optuna.search_space``: the parameters every trial so far has, for samplers of one's own.

A package as in Optuna, so its module paths import too: ``optuna.search_space.intersection``
(:class:`IntersectionSearchSpace`, :func:`intersection_search_space`) and
``optuna.search_space.group_decomposed`` (``_GroupDecomposedSearchSpace``, ``_SearchSpaceGroup``,
which Optuna exports from here although their names start with ``_``).

>>> import tunewise as tw
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_int("n", 1, 3) if t.number else 0),
...                n_trials=3)
>>> sorted(tw.search_space.intersection_search_space(study.trials))
['x']
>>> sorted(tw.search_space.IntersectionSearchSpace().calculate(study))  # Optuna's class form
['x']
>>> [sorted(s) for s in tw.search_space._GroupDecomposedSearchSpace().calculate(study).search_spaces]
[['x'], ['n']]
"""

from __future__ import annotations

from tunewise.search_space.group_decomposed import _GroupDecomposedSearchSpace, _SearchSpaceGroup
from tunewise.search_space.intersection import IntersectionSearchSpace, intersection_search_space

__all__ = ["IntersectionSearchSpace", "_GroupDecomposedSearchSpace", "_SearchSpaceGroup", "intersection_search_space"]
