"""A GPSampler proposal whose trial's start took a queued trial instead is dropped, not queued.

GPSampler claims the state it proposed from while other trials run, only so that two workers do
not propose the same point from the same trials; the point need not run. A grid point must run,
so a claimed grid point whose start took a queued trial instead (the retry of a dead worker's
trial) is queued to run next (``test_attack_grid_retry``). Treating the GP's claim the same way
queued its point as a WAITING trial that nobody asked for, and that an ``optimize(n_trials=...)``
of several workers could leave WAITING at its end.
"""

from __future__ import annotations

import tunewise as tw
from tunewise.trial import TrialState


def _objective(t: tw.Trial) -> float:
    return (t.suggest_float("x", 0.0, 3.0) - 1.0) ** 2


def test_a_gp_proposal_whose_start_took_a_queued_trial_is_not_queued(tmp_path):
    url = f"sqlite:///{tmp_path / 'gp.db'}"
    study = tw.create_study(study_name="gp", storage=url, sampler=tw.samplers.GPSampler(seed=0, n_startup_trials=2))
    for _ in range(3):
        t = study.ask()
        study.tell(t, _objective(t))
    running = study.ask()  # runs on: the next proposal is made while a trial runs, so it is claimed
    running.suggest_float("x", 0.0, 3.0)
    # Another worker (its own handle) queues a trial, which this worker has not read yet.
    tw.load_study(study_name="gp", storage=url).enqueue_trial({"x": 1.5})
    t = study.ask()  # the GP claims its proposal; the start takes the queued trial
    study.tell(t, _objective(t))
    study.tell(running, _objective(running))
    states = [t.state for t in study.trials]
    assert TrialState.WAITING not in states, states
    assert len(states) == 5 and 1.5 in [t.params["x"] for t in study.trials]  # the queued trial ran
