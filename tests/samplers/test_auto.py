"""AutoSampler: which strategy it picks, why, and that the choice is recorded in the study."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import tunewise as tw
from tunewise.samplers import _auto

logging.getLogger("tunewise").setLevel(logging.ERROR)

HAS_GP = _auto._load_gp_sampler() is not None


def _quadratic(t: tw.Trial) -> float:
    return (t.suggest_float("x", -5, 5) - 1.2) ** 2 + (t.suggest_float("y", -5, 5) + 0.7) ** 2


def test_auto_is_the_default_sampler() -> None:
    study = tw.create_study()
    assert isinstance(study.sampler, tw.samplers.AutoSampler)
    assert study.system_attrs["strategy"]["sampler"]["name"] == "AutoSampler"


def test_first_trials_are_quasi_random_then_a_model_and_the_choice_is_recorded() -> None:
    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=4))
    study.optimize(_quadratic, n_trials=3)
    rec = study.system_attrs["auto_sampler"]
    assert rec["sampler"] == "QMCSampler" and "Sobol" in rec["reason"] and rec["from_trial"] == 0
    study.optimize(_quadratic, n_trials=3)
    rec = study.system_attrs["auto_sampler"]
    expected = "GPSampler" if HAS_GP else "TPESampler"
    assert rec["sampler"] == expected
    assert rec["from_trial"] == 4
    assert [h["sampler"] for h in rec["history"]] == ["QMCSampler", expected]
    assert study.sampler.choice["sampler"] == expected  # type: ignore[attr-defined]


@pytest.mark.skipif(not HAS_GP, reason="GPSampler not available")
def test_mostly_categorical_spaces_use_the_gp_with_one_objective() -> None:
    # Session 17: on held-out categorical/integer spaces the GP reached 0.50x / 0.63x TPE's regret.
    def objective(t: tw.Trial) -> float:
        a = t.suggest_categorical("a", ["x", "y", "z"])
        b = t.suggest_categorical("b", [1, 2, 3, 4])
        return (a == "y") + abs(b - 3) + t.suggest_float("c", 0, 1)

    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=3))
    study.optimize(objective, n_trials=12)
    rec = study.system_attrs["auto_sampler"]
    assert rec["sampler"] == "GPSampler"
    assert study.best_params["a"] != "y" and study.best_params["b"] == 3


def test_conditional_spaces_use_tpe() -> None:
    def objective(t: tw.Trial) -> float:
        x = t.suggest_float("x", 0, 1)
        if x > 0.5:
            return x + t.suggest_float("extra", 0, 1)
        return x

    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=3))
    study.optimize(objective, n_trials=8)
    rec = study.system_attrs["auto_sampler"]
    assert rec["sampler"] == "TPESampler" and "conditional" in rec["reason"] and "'extra'" in rec["reason"]


def test_large_budgets_switch_to_tpe_and_stay_there() -> None:
    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=3, large_budget=5))
    study.optimize(_quadratic, n_trials=8)
    rec = study.system_attrs["auto_sampler"]
    assert rec["sampler"] == "TPESampler" and "large budget" in rec["reason"]
    assert rec["from_trial"] == 5
    assert rec["history"][0]["sampler"] == "QMCSampler"


def test_multi_objective_studies_follow_the_same_rules() -> None:
    # Numeric: the GP (a random scalarization per proposal); mostly categorical: MO-TPE.
    study = tw.create_study(directions=["minimize", "maximize"],
                            sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=3))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=6)
    rec = study.system_attrs["auto_sampler"]
    assert rec["sampler"] == "GPSampler" and "objectives" in rec["reason"]
    study = tw.create_study(directions=["minimize", "maximize"],
                            sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=3))
    study.optimize(lambda t: (t.suggest_categorical("a", [1, 2, 3]), t.suggest_categorical("b", [1, 2])), n_trials=6)
    assert study.system_attrs["auto_sampler"]["sampler"] == "TPESampler"


def test_falls_back_to_tpe_when_gp_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_auto, "_load_gp_sampler", lambda: None)
    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0, n_startup_trials=3))
    study.optimize(_quadratic, n_trials=5)
    rec = study.system_attrs["auto_sampler"]
    assert rec["sampler"] == "TPESampler" and "not available" in rec["reason"]


@pytest.mark.skipif(not HAS_GP, reason="GPSampler not available")
def test_gp_phase_reproduces_gp_sampler_with_the_same_seed() -> None:
    # AutoSampler's start-up (Sobol, first trial drawn at random before the space is known) and
    # then its GP must follow GPSampler(seed) exactly on a numeric space: same strategy, same points.
    def objective(t: tw.Trial) -> float:
        return _quadratic(t) + 0.3 * np.sin(3 * t.suggest_float("z", -2, 2))

    runs = []
    for sampler in (tw.samplers.AutoSampler(seed=3), tw.samplers.GPSampler(seed=3)):
        study = tw.create_study(sampler=sampler)
        study.optimize(objective, n_trials=10)  # 7 Sobol + 3 GP proposals (d = 3)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_auto_beats_random_search_on_a_smooth_problem() -> None:
    auto = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0))
    auto.optimize(_quadratic, n_trials=20)
    rnd = []
    for seed in range(5):
        r = tw.create_study(sampler=tw.samplers.RandomSampler(seed=seed))
        r.optimize(_quadratic, n_trials=20)
        rnd.append(r.best_value)
    assert auto.best_value < 0.2 * float(np.mean(rnd)), (auto.best_value, rnd)


def test_bad_arguments_get_clear_errors() -> None:
    with pytest.raises(ValueError, match="large_budget must be a positive integer, got 0"):
        tw.samplers.AutoSampler(large_budget=0)
    with pytest.raises(ValueError, match="n_startup_trials must be a non-negative integer"):
        tw.samplers.AutoSampler(n_startup_trials=-2)
    with pytest.raises(TypeError, match="seed must be an integer or None"):
        tw.samplers.AutoSampler(seed="x")  # type: ignore[arg-type]


def _wide(t: tw.Trial) -> float:
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    layers = t.suggest_int("layers", 1, 5)
    dropout = t.suggest_float("dropout", 0.0, 0.5)
    extra = sum(t.suggest_float(f"w{i}", -1.0, 1.0) ** 2 for i in range(2))
    return (np.log10(lr) + 2.5) ** 2 + (layers - 2) ** 2 + dropout + extra


def _with_a_choice(t: tw.Trial) -> float:
    return _wide(t) + len(t.suggest_categorical("act", ["relu", "tanh", "gelu"]))


def _small(t: tw.Trial) -> float:
    return (t.suggest_float("lr", 1e-5, 1e-1, log=True) + t.suggest_int("layers", 1, 5)
            + t.suggest_float("dropout", 0.0, 0.5))


def _is_centre(params: dict) -> bool:
    return (params["lr"] == pytest.approx(1e-3) and params["layers"] == 3
            and params["dropout"] == pytest.approx(0.25))


@pytest.mark.parametrize("make", [lambda: tw.samplers.AutoSampler(seed=1), lambda: tw.samplers.GPSampler(seed=1)])
def test_from_five_numeric_parameters_the_second_trial_is_the_centre_of_the_space(make) -> None:
    # As Ax starts its designs: every range's midpoint (the geometric one on a log scale). Trial 0
    # is drawn before the space is known; no other trial is the centre.
    study = tw.create_study(sampler=make())
    study.optimize(_wide, n_trials=5)
    assert [_is_centre(t.params) for t in study.trials] == [False, True, False, False, False]
    assert study.trials[1].params["w0"] == pytest.approx(0.0) and study.trials[1].params["w1"] == pytest.approx(0.0)
    study.optimize(_wide, n_trials=2)  # a later call on the study does not go back to it
    assert sum(_is_centre(t.params) for t in study.trials) == 1


@pytest.mark.parametrize(("make", "objective"), [
    (lambda: tw.samplers.AutoSampler(seed=1), _small),  # fewer than 5 parameters
    (lambda: tw.samplers.AutoSampler(seed=1), _with_a_choice),  # a categorical parameter: no centre
    (lambda: tw.samplers.GPSampler(seed=1), _with_a_choice),
    (lambda: tw.samplers.QMCSampler(seed=1), _wide),  # QMCSampler on its own
])
def test_otherwise_the_design_is_plain_sobol(make, objective) -> None:
    study = tw.create_study(sampler=make())
    study.optimize(objective, n_trials=5)
    assert not any(_is_centre(t.params) for t in study.trials)


@pytest.mark.skipif(not HAS_GP, reason="GPSampler not available")
def test_repeated_results_send_the_next_proposal_to_tpe() -> None:
    # A staircase, flat over whole regions as trees, forests and accuracies are (issue 18): once 2
    # of the latest 4 results repeat earlier ones exactly, that proposal comes from TPE, not the GP.
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    chosen: list[tuple[int, str, str]] = []

    def objective(t: tw.Trial) -> float:
        chosen.append((t.number, sampler.choice["sampler"], sampler.choice["reason"]))  # type: ignore[index]
        return float(round(t.suggest_float("x", 0, 1) * 6) + round(t.suggest_float("y", 0, 1) * 6))

    study.optimize(objective, n_trials=30)
    values = [t.value for t in study.trials]
    for number, name, reason in chosen:
        if number < 5:
            continue
        seen = values[:number]
        repeats = [v in seen[:i] for i, v in enumerate(seen)]
        flat = sum(repeats[-4:]) >= 2
        assert name == ("TPESampler" if flat else "GPSampler"), (number, name, repeats[-4:])
        if flat:
            assert "repeat earlier results exactly" in reason
    assert any(name == "TPESampler" for _, name, _ in chosen)
    history = [h["sampler"] for h in study.system_attrs["auto_sampler"]["history"]]
    assert history[0] == "QMCSampler" and {"GPSampler", "TPESampler"} <= set(history)


@pytest.mark.skipif(not HAS_GP, reason="GPSampler not available")
def test_a_smooth_objective_never_leaves_the_gp() -> None:
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=25)
    history = [h["sampler"] for h in study.system_attrs["auto_sampler"]["history"]]
    assert history == ["QMCSampler", "GPSampler"]
