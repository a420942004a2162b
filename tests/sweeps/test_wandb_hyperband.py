"""early_terminate: hyperband decides as W&B's engine (wandb/sweeps ``hyperband_stop_runs``), fractional
eta included. The expected bands and stopped runs are what W&B's engine returns for the same
settings and histories (run with wandb/sweeps b1dfc5f; benchmarks/history/s19/wandb_docs.py
compares both engines on many more)."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.sweeps import SweepConfig, SweepConfigError
from tunewise.sweeps._hyperband import WandbHyperband, hyperband_bands


@pytest.mark.parametrize(("et", "bands"), [
    ({"max_iter": 27, "s": 2, "eta": 3}, [3, 9]),
    ({"max_iter": 27, "s": 2}, [3, 9]),  # eta defaults to 3
    ({"max_iter": 27, "s": 3, "eta": 1.5}, [8, 12, 18]),
    ({"max_iter": 5, "s": 2, "eta": 2}, [1, 2]),
    ({"max_iter": 4, "s": 5, "eta": 2}, [1, 2]),  # stops below 1
])
def test_bands_from_max_iter(et, bands):
    assert hyperband_bands(et) == bands


def test_bands_from_min_iter_go_on_and_ignore_s():
    assert hyperband_bands({"min_iter": 2, "eta": 1.5})[:8] == [2, 3, 4, 6, 10, 15, 22, 34]
    assert hyperband_bands({"min_iter": 3, "eta": 3, "s": 2})[:4] == [3, 9, 27, 81]
    assert len(hyperband_bands({"min_iter": 1, "eta": 1.5})) == 100
    # min_iter with max_iter and no s (W&B's engine stops at a KeyError): max_iter ends the bands.
    assert hyperband_bands({"min_iter": 1, "max_iter": 4, "eta": 2}) == [1, 2]


def _stopped(histories: dict[str, tuple[list[float], str]], et: dict, goal: str = "minimize") -> list[str]:
    """Which running runs the scheduler stops, every run's reports recorded (as W&B sees them)."""
    sched = WandbHyperband(dict(et, type="hyperband"))
    study = tw.create_study(direction=goal, scheduler=sched)
    live = {}
    for name, (history, state) in histories.items():
        t = study.ask()
        for k, v in enumerate(history, 1):
            t.report(v, k)
        if state == "finished":
            study.tell(t, history[-1])
        else:
            live[name] = t
    return sorted(name for name, t in live.items() if t.should_prune())


def test_wandbs_own_example_stops_the_same_run():
    # hyperband_stop_runs' docstring: max_iter 5, eta 2, s 2.
    runs = {"a": ([10, 9], "finished"), "b": ([10, 10], "running"), "c": ([10, 8, 8], "running"),
            "d": ([10, 7, 7], "running"), "e": ([10, 6, 6], "finished")}
    assert _stopped(runs, {"max_iter": 5, "eta": 2, "s": 2}) == ["b"]


RUNS = {"r0": ([1.0, 0.5, 0.333], "finished"), "r1": ([1.4, 0.9, 0.733, 0.65], "finished"),
        "r2": ([1.8, 1.3, 1.133, 1.05, 1.0], "finished"), "r3": ([1.1, 0.6, 0.433, 0.35, 0.3, 0.267], "finished"),
        "r4": ([1.5, 1.0, 0.833, 0.75, 0.7, 0.667, 0.643], "running"), "r5": ([1.9, 1.4, 1.233], "running"),
        "r6": ([1.2, 0.7, 0.533, 0.45], "running"), "r7": ([1.6, 1.1, 0.933, 0.85, 0.8], "running")}


@pytest.mark.parametrize("et", [{"min_iter": 1, "eta": 1.5}, {"min_iter": 2, "eta": 1.5, "strict": False},
                                {"max_iter": 9, "s": 3, "eta": 1.5}])
def test_fractional_eta_stops_what_wandb_stops(et):
    assert _stopped(RUNS, et) == ["r5"]
    assert _stopped(RUNS, et, "maximize") == []


def test_a_lone_run_and_the_worse_of_two_go_on():
    # threshold = sorted(values)[int(n / eta)]: with n = 1 or (eta 2) n = 2 nothing is above it.
    assert _stopped({"a": ([5.0, 5.0], "running")}, {"min_iter": 1, "eta": 2}) == []
    assert _stopped({"a": ([1.0], "finished"), "b": ([5.0], "running")}, {"min_iter": 1, "eta": 2}) == []
    assert _stopped({"a": ([1.0], "finished"), "b": ([2.0], "finished"), "c": ([5.0], "running")},
                    {"min_iter": 1, "eta": 2}) == ["c"]


BASE = {"program": "t.py", "method": "random", "metric": {"name": "loss"},
        "parameters": {"x": {"min": 0.0, "max": 1.0}}}


def test_config_takes_wandbs_hyperband_schema():
    cfg = SweepConfig.from_dict(dict(BASE, early_terminate={"type": "hyperband", "min_iter": 2, "eta": 1.5}),
                                check_program=False)
    sched = cfg.make_scheduler()
    assert isinstance(sched, WandbHyperband) and sched.eta == 1.5 and sched.strict and sched.bands[:3] == [2, 3, 4]
    for et, match in [({"min_iter": 1, "eta": 1}, r"early_terminate.eta: eta must be a number > 1"),
                      ({"min_iter": 1, "eta": "3"}, r"early_terminate.eta: eta must be a number > 1"),
                      ({"max_iter": 27, "s": 2.5}, r"early_terminate.s: s must be an integer >= 1"),
                      ({"min_iter": 1.5}, r"early_terminate.min_iter: min_iter must be an integer >= 1"),
                      ({"min_iter": 1, "strict": "yes"}, r"early_terminate.strict: strict must be true or false"),
                      ({"max_iter": 2, "s": 1}, r"early_terminate: no band of at least 1 iteration: max_iter / eta"
                                                r" = 0.667 < 1")]:
        with pytest.raises(SweepConfigError, match=match):
            SweepConfig.from_dict(dict(BASE, early_terminate=dict(et, type="hyperband")), check_program=False)
