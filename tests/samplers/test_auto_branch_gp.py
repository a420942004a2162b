"""AutoSampler's branch-wise GP in conditional spaces (issue 18, session 33; dev switch ``_branch_gp``)."""

from __future__ import annotations

import math
from typing import Any

import tunewise as tw
from tunewise.samplers import AutoSampler


def _conditional(t: Any) -> float:
    model = t.suggest_categorical("model", ["a", "b", "c"])
    if model == "a":  # two continuous parameters
        x = t.suggest_float("a_x", -5.0, 5.0)
        y = t.suggest_float("a_y", 1e-3, 1e2, log=True)
        return (x - 1.3) ** 2 + (math.log10(y) - 0.5) ** 2 + 0.1
    if model == "b":  # all discrete: TPE's
        k = t.suggest_int("b_k", 1, 31, step=2)
        return abs(k - 7) / 10 + 0.6
    return 1.0  # no parameter


def _run(objective: Any, switch: bool, n: int = 40, seed: int = 3) -> tuple[tw.Study, list[tuple[str, dict[str, Any]]]]:
    sampler = AutoSampler(seed=seed)
    sampler._branch_gp = switch
    seen: list[tuple[str, dict[str, Any]]] = []

    def recorded(t: Any) -> float:
        value = objective(t)
        seen.append((sampler.choice["sampler"] if sampler.choice else "", dict(t.params)))
        return value  # type: ignore[no-any-return]

    study = tw.create_study(sampler=sampler)
    study.optimize(recorded, n_trials=n)
    return study, seen


def test_off_by_default() -> None:
    assert AutoSampler(seed=0)._branch_gp is False


def test_branch_gp_proposes_inside_the_branch_only() -> None:
    _, seen = _run(_conditional, True)
    gp = [params for name, params in seen if name == "GPSampler"]
    assert len(gp) >= 3  # the GP proposed in branch "a" once it had enough of its trials
    for params in gp:
        # only branch "a" has a continuous parameter: the GP never proposes for "b" (all discrete)
        # nor for "c" (none), and its values lie inside the branch's ranges
        assert set(params) == {"model", "a_x", "a_y"}
        assert -5.0 < params["a_x"] < 5.0 and 1e-3 < params["a_y"] < 1e2
    assert any(params["model"] == "b" for _, params in seen)


def test_branch_gp_sees_only_the_branch_trials() -> None:
    from tunewise.samplers._auto import _BranchView
    from tunewise.samplers._context import as_study_context

    study, _ = _run(_conditional, False, n=20)
    view = _BranchView(as_study_context(study), frozenset({"model", "a_x", "a_y"}))
    trials = view.get_trials()
    assert trials and all(set(t.params) == {"model", "a_x", "a_y"} for t in trials)
    assert len(trials) == sum(1 for t in study.trials if t.params.get("model") == "a")
    assert set(view.distributions) == {"model", "a_x", "a_y"}


def test_unconditional_spaces_are_identical_with_the_switch() -> None:
    def mixed(t: Any) -> float:
        x = t.suggest_float("x", -3.0, 3.0)
        k = t.suggest_int("k", 1, 9)
        c = t.suggest_categorical("c", ["p", "q"])
        return (x - 0.7) ** 2 + (k - 4) ** 2 / 10 + (c == "q") * 0.5

    off, _ = _run(mixed, False, n=18)
    on, _ = _run(mixed, True, n=18)
    assert [t.params for t in off.trials] == [t.params for t in on.trials]
    assert [t.value for t in off.trials] == [t.value for t in on.trials]


def test_switch_off_conditional_runs_tpe_as_before() -> None:
    default, _ = _run(_conditional, False, n=25)
    again, seen = _run(_conditional, False, n=25)
    assert [t.params for t in default.trials] == [t.params for t in again.trials]
    assert "GPSampler" not in {name for name, _ in seen}
