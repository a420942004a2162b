"""AutoSampler in a conditional space on a plateau (issue 18, session 30, candidate C): with the dev
switch ``_conditional_tie_fill`` on, a proposal made when 2 of the latest 4 results repeat earlier
results exactly is the next Sobol point of the start-up design instead of TPE's."""

from __future__ import annotations

import logging

import tunewise as tw
from tunewise.samplers import _auto

logging.getLogger("tunewise").setLevel(logging.ERROR)


def _plateau_pipeline(t: tw.Trial) -> float:
    # One branch is flat (every C past 1 scores the same, as logistic regression without a reducer
    # did on pipe-cond); the other has a slope.
    model = t.suggest_categorical("model", ["flat", "slope"])
    if model == "flat":
        return 0.5 if t.suggest_float("C", 1e-3, 1e3, log=True) > 1.0 else 0.9
    return 0.3 + abs(t.suggest_float("k", 0.0, 1.0) - 0.8)


def _run(fill: bool, objective, n_trials: int = 40) -> tuple[list[tuple[int, str, str]], tw.Study]:  # type: ignore[no-untyped-def]
    sampler = tw.samplers.AutoSampler(seed=3)
    sampler._conditional_tie_fill = fill
    study = tw.create_study(sampler=sampler)
    chosen: list[tuple[int, str, str]] = []

    def wrapped(t: tw.Trial) -> float:
        chosen.append((t.number, sampler.choice["sampler"], sampler.choice["reason"]))  # type: ignore[index]
        return float(objective(t))

    study.optimize(wrapped, n_trials=n_trials)
    return chosen, study


def test_the_switch_is_off_by_default() -> None:
    assert _auto._CONDITIONAL_TIE_FILL is False
    assert tw.samplers.AutoSampler(seed=0)._conditional_tie_fill is False


def test_ties_in_a_conditional_space_send_the_next_proposal_to_the_sobol_design() -> None:
    chosen, study = _run(True, _plateau_pipeline)
    values = [t.value for t in study.trials]
    filled = 0
    first_tpe = min(number for number, name, _ in chosen if name == "TPESampler")  # the start-up ends
    for number, name, reason in chosen:
        if number <= first_tpe:
            continue
        seen = values[:number]
        repeats = [v in seen[:i] for i, v in enumerate(seen)]
        tied = sum(repeats[-4:]) >= 2
        assert name == ("QMCSampler" if tied else "TPESampler"), (number, name, repeats[-4:])
        if tied:
            filled += 1
            assert "conditional space" in reason and "Sobol" in reason
    assert filled >= 3
    # Both branches keep being tried after the start-up.
    models = [t.params["model"] for t in study.trials[10:]]
    assert {"flat", "slope"} <= set(models)


def test_off_the_conditional_space_keeps_tpe_after_the_start_up() -> None:
    chosen, _ = _run(False, _plateau_pipeline)
    first_tpe = min(number for number, name, _ in chosen if name == "TPESampler")
    assert {name for number, name, _ in chosen if number > first_tpe} == {"TPESampler"}


def test_the_fill_proposals_differ_from_tpe_and_the_runs_agree_until_the_first_tie() -> None:
    on, s_on = _run(True, _plateau_pipeline)
    off, s_off = _run(False, _plateau_pipeline)
    first_tpe = min(number for number, name, _ in on if name == "TPESampler")
    first = next(number for number, name, _ in on if name == "QMCSampler" and number > first_tpe)
    assert [t.params for t in s_on.trials[:first]] == [t.params for t in s_off.trials[:first]]
    assert s_on.trials[first].params != s_off.trials[first].params


def test_unconditional_spaces_are_unchanged() -> None:
    # A staircase with ties (the GP / TPE repeat rule of unconditional spaces): same proposals on or off.
    def staircase(t: tw.Trial) -> float:
        return float(round(t.suggest_float("x", 0, 1) * 6) + round(t.suggest_float("y", 0, 1) * 6))

    on, s_on = _run(True, staircase, n_trials=20)
    off, s_off = _run(False, staircase, n_trials=20)
    assert [t.params for t in s_on.trials] == [t.params for t in s_off.trials]
    assert [name for _, name, _ in on] == [name for _, name, _ in off]
