"""Constraints on a trial's outcome: constraints_func / trial.set_constraint, feasibility in
best_trial / best_trials, and the samplers that steer towards feasible trials."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tunewise as tw
from tunewise import TrialState


def _latency_objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    trial.set_user_attr("latency", 30 * x)  # a faster model (small x) is worse
    return (x - 1) ** 2


def _latency_limit(frozen: tw.FrozenTrial) -> list[float]:
    return [frozen.user_attrs["latency"] - 15.0]  # feasible when latency <= 15 ms, i.e. x <= 0.5


def test_constraints_func_sees_the_finished_trial_and_its_values_are_stored() -> None:
    seen: list[tuple[TrialState, list[float] | None]] = []

    def func(frozen: tw.FrozenTrial) -> list[float]:
        seen.append((frozen.state, frozen.values))
        return [frozen.params["x"] - 0.5, -1.0]

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), constraints_func=func)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    for t in study.trials:
        assert t.system_attrs["constraints"] == [t.params["x"] - 0.5, -1.0] == t.constraints
    assert [s for s, _ in seen] == [TrialState.COMPLETE] * 5
    assert [v for _, v in seen] == [t.values for t in study.trials]


def test_constraints_survive_a_sqlite_round_trip_and_load_study(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/c.db"
    study = tw.create_study(name="c", storage=url, sampler=tw.samplers.RandomSampler(seed=0),
                            constraints_func=_latency_limit)
    study.optimize(_latency_objective, n_trials=6)
    again = tw.load_study("c", url, constraints_func=_latency_limit)
    assert again.constraints_func is _latency_limit
    assert all(t.constraints == [t.user_attrs["latency"] - 15.0] for t in again.trials)
    assert again.best_params["x"] <= 0.5


def test_pruned_trials_get_constraints_and_failed_ones_do_not() -> None:
    calls: list[TrialState] = []

    def func(frozen: tw.FrozenTrial) -> list[float]:
        calls.append(frozen.state)
        return [0.0]

    def objective(t: tw.Trial) -> float:
        x = t.suggest_float("x", 0, 1)
        if t.number == 1:
            t.report(1.0, 0)
            raise tw.TrialPruned
        if t.number == 2:
            raise RuntimeError("boom")
        return x

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), constraints_func=func)
    study.optimize(objective, n_trials=3, catch=(RuntimeError,))
    assert calls == [TrialState.COMPLETE, TrialState.PRUNED]
    assert study.trials[2].constraints is None


def test_set_constraint_takes_precedence_over_constraints_func() -> None:
    def objective(t: tw.Trial) -> float:
        x = t.suggest_float("x", 0, 1)
        if t.number == 0:
            t.set_constraint([-5.0, -6.0])
        return x

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), constraints_func=lambda ft: [1.0])
    study.optimize(objective, n_trials=2)
    assert [t.constraints for t in study.trials] == [[-5.0, -6.0], [1.0]]


def test_a_raising_or_malformed_constraints_func_fails_the_trial_with_the_reason() -> None:
    def func(frozen: tw.FrozenTrial) -> object:
        if frozen.number == 0:
            raise KeyError("latency")
        if frozen.number == 1:
            return "0.5"
        return [float("nan")]

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), constraints_func=func)  # type: ignore[arg-type]
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    reasons = [t.system_attrs["fail_reason"] for t in study.trials]
    assert all(t.state == TrialState.FAILED for t in study.trials)
    assert "constraints_func raised KeyError" in reasons[0]
    assert "must give a sequence of numbers" in reasons[1]
    assert "NaN" in reasons[2]


def test_bad_arguments_are_refused_before_anything_is_created() -> None:
    with pytest.raises(TypeError, match="constraints_func must be a function"):
        tw.create_study(name="never", constraints_func=3)  # type: ignore[arg-type]
    study = tw.create_study()
    trial = study.ask()
    with pytest.raises(TypeError, match="set_constraint must give numbers"):
        trial.set_constraint(["low"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sequence of numbers"):
        trial.set_constraint(0.5)  # type: ignore[arg-type]
    trial.set_constraint(np.array([-1.0, 2.0]))
    assert study.tell(trial, 1.0).constraints == [-1.0, 2.0]


def test_best_trial_and_best_trials_keep_feasible_trials_only() -> None:
    study = tw.create_study()
    for value, c in ((1.0, 0.5), (2.0, 0.0), (0.5, 3.0)):
        t = study.ask()
        t.set_constraint([c])
        study.tell(t, value)
    assert study.best_trial.number == 1 and study.best_value == 2.0
    only_bad = tw.create_study()
    t = only_bad.ask()
    t.set_constraint([1.0])
    only_bad.tell(t, 0.0)
    with pytest.raises(ValueError, match="none is feasible"):
        _ = only_bad.best_trial

    mo = tw.create_study(directions=["minimize", "minimize"])
    for values, c in (([1.0, 1.0], 1.0), ([2.0, 3.0], -1.0), ([3.0, 2.0], -1.0), ([4.0, 4.0], -1.0)):
        t = mo.ask()
        t.set_constraint([c])
        mo.tell(t, values)
    assert [t.number for t in mo.best_trials] == [1, 2]


def test_constraints_func_reaches_worker_processes(tmp_path: object) -> None:
    study = tw.create_study(storage=f"sqlite:///{tmp_path}/w.db", sampler=tw.samplers.RandomSampler(seed=0),
                            constraints_func=_latency_limit)
    study.optimize(_latency_objective, n_trials=6, n_jobs=2)
    assert len(study.trials) == 6
    assert all(t.constraints == [t.user_attrs["latency"] - 15.0] for t in study.trials)


# ---- samplers that honour constraints --------------------------------------------------------------
def _feasible_share(sampler: tw.samplers.Sampler, n_trials: int, tail: int, constrained: bool = True) -> float:
    study = tw.create_study(sampler=sampler, constraints_func=_latency_limit if constrained else None)
    study.optimize(_latency_objective, n_trials=n_trials)
    last = study.trials[-tail:]
    return sum(_latency_limit(t)[0] <= 0 for t in last) / len(last)


def test_constrained_tpe_keeps_to_the_feasible_side_of_the_optimum() -> None:
    # The unconstrained optimum (x = 1) is infeasible; the constrained one is x = 0.5, on the
    # boundary: TPE told about the constraint stays around it, TPE that is not runs off to x = 1.
    told = np.mean([_feasible_share(tw.samplers.TPESampler(seed=s), 40, 20) for s in range(3)])
    blind = np.mean([_feasible_share(tw.samplers.TPESampler(seed=s), 40, 20, constrained=False) for s in range(3)])
    assert told > blind + 0.3
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0), constraints_func=_latency_limit)
    study.optimize(_latency_objective, n_trials=40)
    assert study.best_params["x"] == pytest.approx(0.5, abs=0.05)


def test_constrained_nsga2_prefers_feasible_parents() -> None:
    def objective(t: tw.Trial) -> tuple[float, float]:
        x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
        t.set_constraint([0.6 - x])  # feasible when x >= 0.6
        return x, 1 - x + y

    study = tw.create_study(directions=["minimize", "minimize"],
                            sampler=tw.samplers.NSGAIISampler(population_size=10, seed=0))
    study.optimize(objective, n_trials=60)
    late = study.trials[30:]
    assert sum(t.constraints[0] <= 0 for t in late) / len(late) > 0.7  # type: ignore[index]
    assert all(t.params["x"] >= 0.6 for t in study.best_trials)


@pytest.mark.slow
def test_gp_sampler_models_feasibility() -> None:
    def objective(t: tw.Trial) -> float:
        x, y = t.suggest_float("x", -5, 10), t.suggest_float("y", 0, 15)
        t.set_user_attr("latency", (x - 2.5) ** 2 + (y - 7.5) ** 2)
        b = 5.1 / (4 * math.pi ** 2)
        return (y - b * x ** 2 + 5 / math.pi * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10

    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0),
                            constraints_func=lambda ft: [ft.user_attrs["latency"] - 20.0])
    study.optimize(objective, n_trials=30)
    late = study.trials[15:]
    assert sum(t.constraints[0] <= 0 for t in late) / len(late) >= 0.8  # type: ignore[index]
    # The best feasible point: Branin's minimum at (pi, 2.275) lies outside the disc, so the
    # constrained optimum sits on its boundary, above 0.398.
    assert study.best_trial.constraints[0] <= 0  # type: ignore[index]
    assert study.best_value < 3.0
