"""The plan a worker gets (``Study._worker_options``) keeps its time left on another machine.

Since s33 (104cecf) the plan's deadline is a ``time.monotonic()``, which counts from each machine's
boot: sent as it is to a Dask worker on a machine up for longer, the deadline lay in its past
(the sampler planned no trial left), on one up for less, hours ahead.
"""

from __future__ import annotations

import time

import tunewise as tw
from tunewise.study import _planned_budget


def test_a_worker_on_a_machine_with_another_monotonic_clock_gets_the_seconds_left(monkeypatch):
    study = tw.create_study()
    study._budget = _planned_budget(study, 50, time.monotonic() + 100.0, 2)
    options = study._worker_options()

    worker = tw.create_study()
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + 1e6)  # a machine up 11.6 days longer
    worker._apply_worker_options(options)
    left = worker._budget.deadline - time.monotonic()
    assert 90.0 < left <= 100.0, left
    assert worker._budget.n_jobs == 2


def test_a_plan_without_a_timeout_stays_without_a_deadline():
    study = tw.create_study()
    study._budget = _planned_budget(study, 50, None, 1)
    worker = tw.create_study()
    worker._apply_worker_options(study._worker_options())
    assert worker._budget is not None and worker._budget.deadline is None
