"""One configuration's segments read as one learning curve (promote-mode ASHA, issue 19).

In promote mode a configuration runs as several trials: it pauses at a rung (a PRUNED trial) and
a promotion continues it as a new trial with the same parameters, a ``continues`` link to the
paused one, and reports from the step it resumed at (steps are absolute: a continuation from
rung 27 reports 28, 29, ...). Read trial by trial, a configuration promoted twice is three
results at three budgets for one point, and a continuation's curve starts mid-way, so its
"first report at or past step 1" is its value at step 28. Models that learn from pruned trials
(the GP, TPE's ranking of pruned trials, ``_pruned_trust``) read them through
:func:`configurations`: one trial per configuration, its deepest finished segment, with the
reports of every segment before it.

Only links between equal parameters are merged: a PBT exploit continues another trial with
perturbed parameters, another configuration.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from tunewise._continuation import CONTINUES_ATTR
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tunewise.trial import FrozenTrial

__all__ = ["configurations", "continued", "stitch"]

_DONE = (TrialState.COMPLETE, TrialState.PRUNED)


def continued(t: FrozenTrial, parent: FrozenTrial | None) -> bool:
    """Whether ``t`` continues ``parent`` as the same configuration (a promotion, not an exploit)."""
    return parent is not None and t.system_attrs.get(CONTINUES_ATTR) == parent.number and t.params == parent.params


def stitch(curves: Sequence[Mapping[int, float]]) -> dict[int, float]:
    """The reports of consecutive segments, oldest first, as one curve: a later segment's report
    wins at a step both reported (a continuation that started over from step 1 replaces it).

    >>> stitch([{1: 0.9, 3: 0.7}, {4: 0.6, 9: 0.5}])
    {1: 0.9, 3: 0.7, 4: 0.6, 9: 0.5}
    """
    out: dict[int, float] = {}
    for c in curves:
        out.update(c)
    return dict(sorted(out.items()))


def configurations(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """``trials`` with every configuration's finished segments merged into one trial.

    A COMPLETE or PRUNED segment continued by a finished segment of the same configuration is left
    out; the deepest one stands for the configuration, with the reports of all its segments
    (:func:`stitch`) and its own state and values (a copy: the trials given are not changed).
    Segments still RUNNING or WAITING do not replace the one they continue. Trials that are no
    segment of anything come back as they are, in order. Without any link: ``trials`` itself.

    >>> from tunewise.trial import FrozenTrial, TrialState
    >>> a = FrozenTrial(number=0, trial_id=0, state=TrialState.PRUNED, values=[0.7], params={"x": 1.0},
    ...                 intermediate_values={1: 0.9, 3: 0.7})
    >>> b = FrozenTrial(number=1, trial_id=1, state=TrialState.COMPLETE, values=[0.4], params={"x": 1.0},
    ...                 intermediate_values={4: 0.6, 9: 0.4}, system_attrs={"continues": 0})
    >>> [(t.number, t.state.name, sorted(t.intermediate_values)) for t in configurations([a, b])]
    [(1, 'COMPLETE', [1, 3, 4, 9])]
    """
    if not any(CONTINUES_ATTR in t.system_attrs for t in trials):
        return list(trials)
    by_number = {t.number: t for t in trials}
    parent_of: dict[int, int] = {}
    superseded: set[int] = set()
    for t in trials:
        p = by_number.get(t.system_attrs.get(CONTINUES_ATTR, -1))
        if p is not None and continued(t, p):
            parent_of[t.number] = p.number
            if t.state in _DONE:
                superseded.add(p.number)
    out = []
    for t in trials:
        if t.number in superseded:
            continue
        if t.number not in parent_of or t.state not in _DONE:
            out.append(t)
            continue
        chain = [t]
        seen = {t.number}
        while chain[-1].number in parent_of and parent_of[chain[-1].number] not in seen:
            chain.append(by_number[parent_of[chain[-1].number]])
            seen.add(chain[-1].number)
        merged = copy.copy(t)
        merged.intermediate_values = stitch([s.reports for s in reversed(chain)])
        out.append(merged)
    return out
