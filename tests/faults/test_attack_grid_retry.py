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


def test_the_retry_of_a_grid_trial_killed_before_it_saved_its_values_runs_the_same_point(tmp_path):
    # A worker killed right after its trial started (before its values reached the storage): the
    # retry had no values to rerun, so it ran another point, and the killed trial's point, claimed
    # by it, never ran (session 21's probe: 4-6 of 40 points per run). The point is now published
    # with the start, so the retry runs it.
    from tunewise.storage import _heartbeat

    url = f"sqlite:///{tmp_path / 'grid.db'}"
    study = tw.create_study(study_name="grid", storage=url, heartbeat_interval=1.0, max_retries=2,
                            sampler=tw.samplers.GridSampler({"x": [0.0, 1.0, 2.0, 3.0]}))
    killed = study.ask()  # started with point 0 claimed; killed before it suggested anything
    _heartbeat.on_finish(study, killed._trial_id)
    assert _heartbeat.fail_dead_trial(study, killed._trial_id, "worker died: signal 9") is not None
    study.optimize(_objective)
    done = sorted(t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE)
    assert done == [0.0, 1.0, 2.0, 3.0]  # before: [1.0, 2.0, 3.0] and a rerun of one of them


def test_a_worker_that_runs_out_of_grid_points_still_retries_a_dead_workers_trial(tmp_path):
    # The grid is run through while another worker's trial is still RUNNING, and that worker has
    # died: before, optimize() ended at once (the sampler had nothing left), the trial stayed
    # RUNNING for good and its point never ran (session 21's probe: 1 stale trial and 1 point
    # missing on both backends). Now, as at the end of a max_trials budget, the worker waits for
    # the other trials, fails the dead one as stale and runs its retry.
    from tunewise.storage import _heartbeat

    url = f"sqlite:///{tmp_path / 'grid.db'}"
    grid = tw.samplers.GridSampler({"x": [0.0, 1.0, 2.0, 3.0]})
    study = tw.create_study(study_name="grid", storage=url, sampler=grid, heartbeat_interval=0.2,
                            grace_period=1.0, max_retries=2)
    other = tw.load_study(study_name="grid", storage=url, sampler=tw.samplers.GridSampler(grid.search_space))
    dead = other.ask()  # another worker takes point 0 ...
    _heartbeat.on_finish(other, dead._trial_id)  # ... and dies: no heartbeat any more
    study.optimize(_objective)
    states = [t.state for t in study.trials]
    assert TrialState.RUNNING not in states
    done = sorted(t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE)
    assert done == [0.0, 1.0, 2.0, 3.0]  # before: [1.0, 2.0, 3.0], trial 0 left RUNNING
