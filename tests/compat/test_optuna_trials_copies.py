"""``study.trials`` gives copies a script may change, as Optuna's (``Study.trials`` is
``get_trials(deepcopy=True)`` there). Third-party scripts do ``params = trial.params;
params["score"] = trial.values[0]`` over ``study.trials`` (GRF-github/phd-project's
``scripts/explore_db_file.py``, batch 12) or add keys to ``trial.user_attrs``: in tunewise the
first changed the storage's shared trial (the study's ``best_params`` gained ``"score"``) and the
second raised TypeError. ``get_trials(deepcopy=False)`` stays the shared, copy-free read.

Also: ``Study.stop()`` outside ``optimize`` raises RuntimeError, as Optuna's does."""

from __future__ import annotations

from pathlib import Path

import pytest

import tunewise as tw


def _objective(trial: tw.Trial) -> float:
    trial.set_user_attr("fold_scores", [1, 2])
    return trial.suggest_float("x", 0.0, 1.0)


@pytest.fixture(params=["memory", "sqlite"])
def study(request: pytest.FixtureRequest, tmp_path: Path) -> tw.Study:
    storage = None if request.param == "memory" else f"sqlite:///{tmp_path}/s.db"
    s = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    s.optimize(_objective, n_trials=3)
    return s


def test_changing_params_of_study_trials_changes_nothing_stored(study: tw.Study) -> None:
    rows = []
    for trial in study.trials:
        params = trial.params
        params["score"] = trial.values[0]
        rows.append(params)
    assert [sorted(r) for r in rows] == [["score", "x"]] * 3
    assert all(sorted(t.params) == ["x"] for t in study.trials)
    assert sorted(study.best_params) == ["x"]
    assert all(sorted(t.params) == ["x"] for t in study.get_trials(deepcopy=False))


def test_user_attrs_of_study_trials_can_be_changed_without_leaking(study: tw.Study) -> None:
    trial = study.trials[0]
    trial.user_attrs["note"] = "mine"
    trial.user_attrs["fold_scores"].append(3)
    trial.system_attrs["k"] = 1
    again = study.trials[0]
    assert again.user_attrs == {"fold_scores": [1, 2]}
    assert "k" not in again.system_attrs


def test_get_trials_deepcopy_true_gives_changeable_copies(study: tw.Study) -> None:
    copies = study.get_trials(deepcopy=True, states=(tw.TrialState.COMPLETE,))
    copies[0].user_attrs["fold_scores"].append(9)
    copies[0].params.clear()
    assert study.get_trials(deepcopy=True)[0].user_attrs["fold_scores"] == [1, 2]
    assert study.get_trials()[0].params != {}


def test_copies_compare_equal_and_read_the_same(study: tw.Study) -> None:
    shared = study.get_trials(deepcopy=False)
    copies = study.trials
    assert copies == shared
    assert [t.number for t in copies] == [0, 1, 2]
    assert [t.value for t in copies] == [t.value for t in shared]
    assert copies[0] is not shared[0]


def test_stop_outside_optimize_raises_runtime_error() -> None:
    study = tw.create_study()
    with pytest.raises(RuntimeError, match="inside an objective function or a callback"):
        study.stop()
    # ... and a stop from a callback still ends optimize and does not leak into the next one.
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10,
                   callbacks=[lambda s, t: s.stop() if t.number == 1 else None])
    assert len(study.trials) == 2
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert len(study.trials) == 4
