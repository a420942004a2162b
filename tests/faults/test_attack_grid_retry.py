"""A grid point claimed for a trial whose start took a queued retry instead still runs (session 21).

GridSampler claims each point just before its trial starts. When another worker had queued a
trial meanwhile (the retry of a trial whose worker was killed) and this worker had not read it
yet, this worker's start claimed that queued trial, whose parameters are fixed, and the claimed
point was written to no trial: nobody could claim it again, so it never ran. Found by session 21's
probe (``grid-kill``: 2 workers SIGKILLed 6 times on a 40-point grid with ``max_trials=40``: 5
points never ran and the budget was 5 trials short). Now the claimed point is queued to run next.
"""

from __future__ import annotations

import tunewise as tw
from tunewise.trial import TrialState


def _objective(t):
    return t.suggest_float("x", 0.0, 3.0)


def test_a_claimed_grid_point_runs_when_the_start_took_a_retry_another_worker_queued(tmp_path):
    url = f"sqlite:///{tmp_path / 'grid.db'}"
    study = tw.create_study(study_name="grid", storage=url,
                            sampler=tw.samplers.GridSampler({"x": [0.0, 1.0, 2.0, 3.0]}))
    first = study.ask()  # point 0; this worker has read the study since
    study.tell(first, _objective(first))
    # Another worker (its own handle) queues a retry, which this worker has not read yet.
    tw.load_study(study_name="grid", storage=url).enqueue_trial({"x": 1.5}, user_attrs={"retry": True})
    t = study.ask()  # the grid claims point 1 for it; the start takes the queued retry
    study.tell(t, _objective(t))
    study.optimize(_objective)  # no budget: runs until the grid is exhausted
    done = sorted(t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE)
    assert done == [0.0, 1.0, 1.5, 2.0, 3.0]  # before: [0.0, 1.5, 2.0, 3.0], point 1 claimed and never run
