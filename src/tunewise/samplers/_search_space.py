"""Search-space bookkeeping shared by the model-based samplers.

``group_decompose`` splits the parameters of a define-by-run study into groups that always
co-occur (Optuna's "group decomposed search space"; Watanabe 2023, Sec. 3.5): every trial holds
either all or none of a group's parameters, so each group is a plain joint space that a
multivariate model can fit without missing values.
"""

from __future__ import annotations

from collections.abc import Iterable


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
