"""AutoSampler's dev switch ``_conditional_gp`` (issue 18, session 31 candidate I): in a conditional
space the GP, fitted on a view where each finished trial's inactive parameters hold a constant,
instead of TPE. Off by default until its rule (benchmarks/history/s31/auto_decision.txt) says so."""

from __future__ import annotations

import logging

import pytest

import tunewise as tw
from tunewise.samplers import _auto

logging.getLogger("tunewise").setLevel(logging.ERROR)

pytestmark = pytest.mark.skipif(_auto._load_gp_sampler() is None, reason="GPSampler not available")


def _branches(t: tw.Trial) -> float:
    model = t.suggest_categorical("model", ["a", "b", "c"])
    if model == "a":
        return (t.suggest_float("ax", -3.0, 3.0) - 1.0) ** 2 + 0.1
    if model == "b":
        return abs(t.suggest_float("by", 1e-3, 1e3, log=True) - 5.0) / 10 + 0.1 * abs(t.suggest_int("bk", 1, 10) - 3)
    return 2.0 + t.suggest_float("cz", 0.0, 1.0)


def _sampler(on: bool) -> tw.samplers.AutoSampler:
    sampler = tw.samplers.AutoSampler(seed=3)
    sampler._conditional_gp = on
    return sampler


def test_the_switch_is_off_by_default() -> None:
    assert tw.samplers.AutoSampler()._conditional_gp is False
    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=3))
    study.optimize(_branches, n_trials=14)
    assert study.system_attrs["auto_sampler"]["sampler"] == "TPESampler"


def test_on_a_conditional_space_uses_the_gp_on_trials_with_every_parameter() -> None:
    sampler = _sampler(True)
    study = tw.create_study(sampler=sampler)
    seen: list[list[tw.FrozenTrial]] = []
    gp = sampler._gp_sampler()
    assert gp is not None
    propose = gp.propose

    def spy(ctx, trial):  # type: ignore[no-untyped-def]
        seen.append(ctx.get_trials())
        return propose(ctx, trial)

    gp.propose = spy  # type: ignore[method-assign]
    reasons: list[str] = []

    def objective(t: tw.Trial) -> float:
        reasons.append(sampler.choice["reason"])  # type: ignore[index]
        return _branches(t)

    study.optimize(objective, n_trials=16)
    # after the start-up: the GP on the conditional space, or TPE for a proposal after repeated results
    assert all("conditional space" in r and "Gaussian-process" in r or "repeat earlier results" in r
               or "the GP's point repeats trial" in r for r in reasons[10:])
    # the GP saw the study once per proposal it made, kept or (a repeat of a trial) handed to TPE
    assert sum("conditional space" in r or "the GP's point repeats" in r for r in reasons) == len(seen) >= 3
    names = {"model", "ax", "by", "bk", "cz"}
    last = seen[-1]
    assert all(set(t.params) == names for t in last if t.state.is_finished())
    dists = study.distributions
    for view, stored in zip(last, study.trials, strict=False):
        for n in names - set(stored.params):  # the constants: a range's middle, a categorical's first choice
            d = dists[n]
            assert view.params[n] == (d.choices[0] if isinstance(d, tw.distributions.Categorical) else d.from_unit(0.5))
        assert {n: view.params[n] for n in stored.params} == stored.params
    assert all(set(t.params) < names for t in study.trials)  # the stored trials are unchanged


def test_on_finds_the_best_branch() -> None:
    study = tw.create_study(sampler=_sampler(True))
    study.optimize(_branches, n_trials=30)
    assert study.best_params["model"] == "a" and study.best_value < 0.12


def test_on_leaves_unconditional_spaces_alone() -> None:
    def steps(t: tw.Trial) -> float:  # ties, so the plateau rule acts too
        return float(round(t.suggest_float("x", 0, 1) * 4) + round(t.suggest_float("y", 0, 1) * 4))

    runs = []
    for on in (False, True):
        study = tw.create_study(sampler=_sampler(on))
        study.optimize(steps, n_trials=24)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def _plateau(t: tw.Trial) -> float:
    # pipe-cond's shape (issue 18): one branch flat above a threshold (every C >= 50 scores the same)
    if t.suggest_categorical("model", ["logreg", "knn"]) == "logreg":
        return 0.2 + 0.01 * max(0.0, 50.0 - t.suggest_float("C", 1e-4, 1e3, log=True)) / 50
    return 0.25 + abs(t.suggest_int("n_neighbors", 1, 80, log=True) - 30) / 100


def test_on_never_runs_a_trial_again() -> None:
    # The GP's point differs from an imputed trial where that trial's parameters were inactive; the
    # objective then takes its branch and runs it again. Such a point goes to TPE instead.
    sampler = _sampler(True)
    study = tw.create_study(sampler=sampler)
    reasons: list[str] = []

    def objective(t: tw.Trial) -> float:
        reasons.append(sampler.choice["reason"])  # type: ignore[index]
        return _plateau(t)

    study.optimize(objective, n_trials=30)
    configs = [tuple(sorted(t.params.items())) for t in study.trials]
    by_gp = [i for i, r in enumerate(reasons) if "Gaussian-process BO over every parameter" in r]
    assert all(configs[i] not in configs[:i] for i in by_gp)
    assert any("the GP's point repeats trial" in r for r in reasons)
    assert sum("Gaussian-process BO over every parameter" in r for r in reasons) >= 3
