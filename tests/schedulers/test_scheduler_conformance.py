"""Every scheduler tunewise ships passes the scheduler conformance suite (tunewise.testing.scheduler)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import tunewise as tw
from tunewise.schedulers import Scheduler
from tunewise.testing.scheduler import SchedulerTests

S = tw.schedulers

# Sized for the suite's studies: 30 trials of up to 9 steps.
SCHEDULERS: dict[str, Callable[[], Scheduler]] = {
    "median": lambda: S.MedianScheduler(n_startup_trials=3, n_warmup_steps=1),
    "percentile": lambda: S.PercentileScheduler(25.0, n_startup_trials=2, interval_steps=2),
    "patience": lambda: S.PatienceScheduler(patience=2, min_delta=1e-3),
    "patience-median": lambda: S.PatienceScheduler(patience=1, wrapped=S.MedianScheduler(n_startup_trials=2)),
    "asha-stop": lambda: S.ASHAScheduler(1, 9, 3),
    "asha-promote": lambda: S.ASHAScheduler(1, 9, 3, mode="promote"),
    "hyperband-stop": lambda: S.HyperbandScheduler(1, 9, 3),
    "hyperband-promote": lambda: S.HyperbandScheduler(1, 9, 3, mode="promote"),
    "pbt": lambda: S.PBTScheduler(perturbation_interval=3, population_size=4, max_step=9, seed=0,
                                  resample_probability=0.5),
    "step-median": lambda: S.StepPruner("median", n_startup_trials=2),
    "step-halving": lambda: S.StepPruner("halving", eta=3, n_startup_trials=2),
}


class TestSchedulers(SchedulerTests):
    @pytest.fixture(params=sorted(SCHEDULERS))
    def scheduler(self, request: pytest.FixtureRequest) -> Scheduler:
        return SCHEDULERS[request.param]()
