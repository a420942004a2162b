"""Models read promote mode's segments as one configuration (issue 19): a paused trial and the
promotions continuing it (same parameters, a ``continues`` link, reports from where it resumed)
are one learning curve, observed once at its deepest step, with absolute steps."""

from __future__ import annotations

from typing import Any

import pytest

import tunewise as tw
from tunewise.trial import FrozenTrial, TrialState

N = 12  # configurations promoted from step 1 to the end (step 9)
SLOW = (0.0, 0.01, 0.02)  # configurations paused at step 1 and not promoted


def _promoted_study(sampler: tw.samplers.Sampler) -> tw.Study:
    """What promote mode leaves on curves that cross: configuration ``x = 0.05 i`` paused at step 1
    with loss ``10 - 5 x`` (the best finishers start slowest), then continued from its checkpoint
    to step 9, reporting steps 3 (``x + 1``) and 9 (``x``, its final loss); three configurations
    near 0 paused at step 1 with loss 100 and never promoted. Step 1 ranks the configurations
    backwards; step 3 like the end."""
    study = tw.create_study(sampler=sampler)
    dist = {"x": tw.uniform(0.0, 1.0)}

    def add(state: TrialState, x: float, reports: dict[int, float], **attrs: Any) -> int:
        value = reports[max(reports)]
        study.add_trial(tw.create_trial(state=state, value=value, params={"x": x}, distributions=dist,
                                        intermediate_values=reports, system_attrs=attrs))
        return study.trials[-1].number

    for i in range(N):
        x = 0.05 * i
        paused = add(TrialState.PRUNED, x, {1: 10.0 - 5.0 * x})
        add(TrialState.COMPLETE, x, {3: x + 1.0, 9: x}, continues=paused)
    for x in SLOW:
        add(TrialState.PRUNED, x, {1: 100.0})
    return study


def _observed(monkeypatch: pytest.MonkeyPatch, sampler: tw.samplers.GPSampler, study: tw.Study
              ) -> list[FrozenTrial]:
    seen: list[list[FrozenTrial]] = []
    fit = tw.samplers.GPSampler._model_point

    def spy(self: Any, study_: Any, trial: Any, space: Any, dists: Any, trials: Any, observed: Any,
            *rest: Any) -> Any:
        seen.append(list(observed))
        return fit(self, study_, trial, space, dists, trials, observed, *rest)

    monkeypatch.setattr(tw.samplers.GPSampler, "_model_point", spy)
    t = study.ask()
    t.suggest_float("x", 0.0, 1.0)
    assert seen
    return seen[-1]


def test_configurations_merge_a_promoted_configuration_into_its_deepest_segment() -> None:
    from tunewise.samplers._segments import configurations

    study = _promoted_study(tw.samplers.RandomSampler(seed=0))
    merged = configurations(study.trials)
    assert len(merged) == N + len(SLOW)
    complete = [t for t in merged if t.state == TrialState.COMPLETE]
    assert len(complete) == N
    # One curve, absolute steps: the paused segment's step 1 and the continuation's steps 3 and 9.
    for t in complete:
        x = t.params["x"]
        assert t.intermediate_values == pytest.approx({1: 10.0 - 5.0 * x, 3: x + 1.0, 9: x})
        assert t.value == pytest.approx(x)
    assert sorted(t.params["x"] for t in merged if t.state == TrialState.PRUNED) == list(SLOW)
    # The stored trials are not changed.
    assert all(sorted(t.intermediate_values) in ([1], [3, 9]) for t in study.trials)


def test_a_running_continuation_does_not_replace_the_segment_it_continues() -> None:
    from tunewise.samplers._segments import configurations

    dist = {"x": tw.uniform(0.0, 1.0)}
    paused = tw.create_trial(state=TrialState.PRUNED, value=0.5, params={"x": 0.3}, distributions=dist,
                             intermediate_values={1: 0.5})
    paused.number = 0
    running = FrozenTrial(number=1, trial_id=1, state=TrialState.RUNNING, params={"x": 0.3},
                          intermediate_values={2: 0.4}, system_attrs={"continues": 0})
    exploit = tw.create_trial(state=TrialState.COMPLETE, value=0.2, params={"x": 0.7}, distributions=dist,
                              intermediate_values={2: 0.2}, system_attrs={"continues": 0})
    exploit.number = 2  # a PBT exploit: other parameters, another configuration
    assert [t.number for t in configurations([paused, running, exploit])] == [0, 1, 2]


def test_gp_observes_each_configuration_once_and_distrusts_step_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # Read segment by segment, the GP saw 12 paused segments at the points of 12 complete ones, and
    # judged step 1 on curves that start at step 3 ("value at step 1" was the value at step 3,
    # which ranks like the end): step 1 was trusted and the slow starters near x = 0, pruned
    # there, counted as bad results.
    sampler = tw.samplers.GPSampler(seed=0, n_startup_trials=0)
    study = _promoted_study(sampler)
    observed = _observed(monkeypatch, sampler, study)
    assert len(observed) == N
    assert all(t.state == TrialState.COMPLETE for t in observed)
    assert sorted(t.value for t in observed) == pytest.approx([0.05 * i for i in range(N)])


def test_gp_follows_the_promoted_slow_starters() -> None:
    sampler = tw.samplers.GPSampler(seed=0, n_startup_trials=0)
    study = _promoted_study(sampler)
    t = study.ask()
    assert t.suggest_float("x", 0.0, 1.0) < 0.2  # the best configurations finished near x = 0


def test_tpe_ranks_each_configuration_once_at_its_deepest_step() -> None:
    sampler = tw.samplers.TPESampler(seed=0, n_startup_trials=0)
    study = _promoted_study(sampler)
    h, _ = sampler._history(study)
    assert h.n == N + len(SLOW)  # one row per configuration
    assert int((h.tier[: h.n] == 1).sum()) == len(SLOW)
    # Its complete curves start at step 1: step 1 ranks them backwards, so it is not trusted.
    trusted, _ = h.calibration.step(1.0)
    assert not trusted
    assert h.calibration.step(3.0)[0]
