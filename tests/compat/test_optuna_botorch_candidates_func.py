"""``BoTorchSampler(candidates_func=...)`` calls the user's function as Optuna does (it was refused:
third-party scripts with their own BoTorch acquisition, session 22's bo-book scripts, could not
run). The function gets float64 tensors in Optuna's encoding and its point is decoded back."""

from __future__ import annotations

import math
import warnings

import pytest

import tunewise as tw

torch = pytest.importorskip("torch")


def _space(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 9, step=2)
    act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
    return math.log10(lr) + n + {"relu": 0.0, "tanh": 1.0, "gelu": 2.0}[act]


def test_the_function_sees_optunas_tensors_and_its_point_is_decoded() -> None:
    calls = []

    def candidates_func(train_x, train_obj, train_con, bounds, pending_x):  # noqa: ANN001, ANN202
        calls.append((train_x.clone(), train_obj.clone(), train_con, bounds.clone(), pending_x))
        # columns by parameter name, as Optuna's search space: act's one-hot (the largest is "tanh"),
        # log(lr) = log(1e-2), n = 4.6 (the nearest step is 5)
        return torch.tensor([[0.1, 0.7, 0.2, math.log(1e-2), 4.6]], dtype=torch.float64)

    sampler = tw.integration.BoTorchSampler(candidates_func=candidates_func, n_startup_trials=3, seed=0)
    study = tw.create_study(direction="minimize", sampler=sampler)
    study.optimize(_space, n_trials=5)
    assert len(calls) == 2  # trials 3 and 4, after the three start-up trials
    x, obj, con, bounds, pending = calls[0]
    assert x.dtype == torch.float64 and x.shape == (3, 5) and bounds.shape == (2, 5)
    first = study.trials[0]
    assert torch.allclose(x[0, 3:], torch.tensor([math.log(first.params["lr"]), float(first.params["n"])],
                                                 dtype=torch.float64))
    assert x[0, :3].tolist() == [1.0 if c == first.params["act"] else 0.0 for c in ("relu", "tanh", "gelu")]
    assert torch.allclose(obj[:, 0], -torch.tensor([t.value for t in study.trials[:3]], dtype=torch.float64))
    assert bounds[:, :3].tolist() == [[0.0] * 3, [1.0] * 3]
    assert torch.allclose(bounds[:, 3], torch.tensor([math.log(1e-4), math.log(1e-1)], dtype=torch.float64))
    assert bounds[:, 4].tolist() == [0.0, 10.0]  # 1..9 with step 2: half a step beyond each end
    assert con is None and pending is None
    assert study.trials[3].params == {"lr": pytest.approx(1e-2), "n": 5, "act": "tanh"}


def test_constraints_and_maximization_reach_the_function() -> None:
    seen = []

    def candidates_func(train_x, train_obj, train_con, bounds, pending_x):  # noqa: ANN001, ANN202
        seen.append((train_obj.clone(), train_con.clone()))
        return bounds.mean(dim=0)  # a 1-D point

    sampler = tw.integration.BoTorchSampler(candidates_func=candidates_func, n_startup_trials=2,
                                            constraints_func=lambda t: [t.params["x"] - 0.5])
    study = tw.create_study(direction="maximize", sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=3)
    obj, con = seen[0]
    assert obj[:, 0].tolist() == [t.value for t in study.trials[:2]]  # maximized as given
    assert con[:, 0].tolist() == pytest.approx([t.params["x"] - 0.5 for t in study.trials[:2]])
    assert study.trials[2].params["x"] == pytest.approx(0.5)


def test_a_wrong_answer_is_an_error_that_names_the_shape() -> None:
    sampler = tw.integration.BoTorchSampler(candidates_func=lambda *a: torch.zeros(3), n_startup_trials=1)
    study = tw.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
        with pytest.raises(ValueError, match="one point of 1 columns"):
            study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    with pytest.raises(TypeError, match="candidates_func must be a function"):
        tw.integration.BoTorchSampler(candidates_func=3)
