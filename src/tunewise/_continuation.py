"""Continue a trial as a new one: how pausing schedulers (ASHA promotion, PBT) fit define-by-run.

A paused trial ends as PRUNED with a mark in its system attrs. Resuming it later means
enqueuing a *continuation*: a WAITING trial with fixed parameters (the same ones for an ASHA
promotion, the perturbed donor's for a PBT exploit), a ``continues`` link to the trial it
continues, and a hand-off snapshot of the checkpoint it starts from, which
``trial.load_checkpoint()`` returns. Every worker claims WAITING trials before sampling new
ones, so continuations run next, wherever they are picked up.

Schedulers suggest continuations (:class:`~tunewise.schedulers.Continuation`); the loop
(``tunewise/_decisions.py``) claims, hands the checkpoint over and enqueues them.

The link is read by the schedulers (PBT), the loop and the samplers (TPE and the segment
stitching treat a continuation as the trial it continues), so it sits at the package's top
level: neither samplers nor schedulers import the other's private modules
(``tests/test_layering.py``).
"""

from __future__ import annotations

CONTINUES_ATTR = "continues"  # system attr of a continuation: number of the trial it continues
