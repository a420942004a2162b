"""Continue a trial as a new one: how pausing schedulers (ASHA promotion, PBT) fit define-by-run.

A paused trial ends as PRUNED with a mark in its system attrs. Resuming it later means
enqueuing a *continuation*: a WAITING trial with fixed parameters (the same ones for an ASHA
promotion, the perturbed donor's for a PBT exploit), a ``continues`` link to the trial it
continues, and a hand-off snapshot of the checkpoint it starts from, which
``trial.load_checkpoint()`` returns. Every worker claims WAITING trials before sampling new
ones, so continuations run next, wherever they are picked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tunewise import _checkpoint

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

CONTINUES_ATTR = "continues"  # system attr of a continuation: number of the trial it continues


def enqueue_continuation(study: Study, source_trial_id: int, source_number: int, params: Mapping[str, Any],
                         system_attrs: Mapping[str, Any], checkpoint_from: int | None = None,
                         max_step: int | None = None) -> FrozenTrial:
    """Queue a trial that continues ``source_number`` with ``params``.

    ``checkpoint_from`` (a trial id, default the source) is the trial whose latest checkpoint at
    or before ``max_step`` is handed to the continuation.
    """
    attrs = dict(system_attrs)
    attrs[CONTINUES_ATTR] = source_number
    rel = _checkpoint.handoff(study, source_trial_id if checkpoint_from is None else checkpoint_from, max_step)
    if rel is not None:
        attrs[_checkpoint.RESUME_ATTR] = rel
    return study._storage.enqueue_trial(study._study_id, dict(params), system_attrs=attrs)
