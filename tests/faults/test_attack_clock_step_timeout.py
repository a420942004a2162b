"""optimize(timeout=...) across a step of the system clock (s33 faults, case 2).

The deadline was a ``time.time()``: the clock stepping an hour forward (NTP, an operator) ended
the run at once (s33 probe: timeout 8 s, stopped after the step at 2 s), and stepping back made
it run an hour more. It is on the monotonic clock now, which no step moves.
"""

from __future__ import annotations

import time

import tunewise as tw


def _clocks(monkeypatch):
    """Both clocks under the test's control: ``passes(s)`` lets ``s`` seconds pass on both,
    ``step(s)`` moves the wall clock only, as a step of the system clock does."""
    real_time, real_mono = time.time, time.monotonic
    wall, mono = [0.0], [0.0]
    monkeypatch.setattr(time, "time", lambda: real_time() + wall[0])
    monkeypatch.setattr(time, "monotonic", lambda: real_mono() + mono[0])

    def passes(seconds: float) -> None:
        wall[0] += seconds
        mono[0] += seconds

    def step(seconds: float) -> None:
        wall[0] += seconds

    return passes, step


def test_a_clock_step_forward_does_not_end_the_run(monkeypatch):
    passes, step = _clocks(monkeypatch)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial):
        passes(1.0)
        if trial.number == 2:
            step(3600.0)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=10, timeout=600.0)
    assert len(study.trials) == 10


def test_a_clock_step_back_does_not_stretch_the_timeout(monkeypatch):
    passes, step = _clocks(monkeypatch)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial):
        passes(1.0)
        if trial.number == 2:
            step(-3600.0)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=50, timeout=5.0)
    # 5 simulated seconds of 1 s trials: the 6th starts at 5 s minus the real time spent (ms)
    assert 5 <= len(study.trials) <= 6
