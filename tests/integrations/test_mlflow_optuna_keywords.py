"""MLflowCallback under Optuna's keywords (create_experiment, mlflow_kwargs, tag_*_user_attrs) and
its track_in_mlflow() decorator, against a real MLflow tracking store (SQLite in a temp dir).
Third-party Optuna scripts pass these (session 21's wild batch); they were a TypeError here."""

from __future__ import annotations

import pytest

mlflow = pytest.importorskip("mlflow")

import tunewise as tw  # noqa: E402
from tunewise.integrations.mlflow import RUN_ID_ATTRIBUTE_KEY, MLflowCallback  # noqa: E402


@pytest.fixture(scope="module")
def uri(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


@pytest.fixture
def fluent(uri):
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(uri)
    yield uri
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(previous)


@pytest.mark.slow
def test_nested_under_the_users_run_in_the_active_experiment_with_tracked_objective(fluent):
    mlflow.set_experiment("outer-exp")
    cb = MLflowCallback(tracking_uri=fluent, metric_name="score", create_experiment=False,
                        mlflow_kwargs={"nested": True}, tag_study_user_attrs=True)

    @cb.track_in_mlflow()
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        mlflow.log_metric("inner", x)  # goes to the trial's run
        return x

    with mlflow.start_run(run_name="mine") as mine:
        study = tw.create_study(name="nested-study", sampler=tw.samplers.RandomSampler(seed=0))
        study.set_user_attr("owner", "me")
        study.optimize(objective, n_trials=3, callbacks=[cb])
        assert mlflow.get_run(mine.info.run_id).info.status == "RUNNING"  # tunewise does not end the user's run
    runs = mlflow.search_runs(experiment_names=["outer-exp"])
    children = runs[runs["tags.mlflow.parentRunId"] == mine.info.run_id]
    assert len(runs) == 4 and len(children) == 3  # no parent run of tunewise's own
    by_number = {int(r["tags.tunewise.trial_number"]): r for _, r in children.iterrows()}
    for trial in study.trials:
        row = by_number[trial.number]
        assert row["run_id"] == trial.system_attrs[RUN_ID_ATTRIBUTE_KEY]  # the run the objective logged to
        assert row["metrics.inner"] == pytest.approx(trial.value)
        assert row["metrics.score"] == pytest.approx(trial.value)
        assert float(row["params.x"]) == pytest.approx(trial.params["x"])
        assert row["tags.study_user_attrs.owner"] == "me" and row["status"] == "FINISHED"
    assert mlflow.get_experiment_by_name("nested-study") is None  # create_experiment=False made none


@pytest.mark.slow
def test_mlflow_kwargs_experiment_id_run_name_and_tags(fluent):
    exp_id = mlflow.create_experiment("given-exp")
    cb = MLflowCallback(tracking_uri=fluent, metric_name="loss",
                        mlflow_kwargs={"experiment_id": exp_id, "run_name": "trial", "tags": {"team": "ml"}},
                        tag_trial_user_attrs=False)

    def objective(trial):
        trial.set_user_attr("note", "hidden")
        return trial.suggest_float("x", 0.0, 1.0)

    study = tw.create_study(name="kw-study", sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=2, callbacks=[cb])
    runs = mlflow.search_runs(experiment_ids=[exp_id])
    trials = runs[runs["tags.tunewise.role"] == "trial"]
    assert len(trials) == 2 and set(trials["tags.mlflow.runName"]) == {"trial"}
    assert set(trials["tags.team"]) == {"ml"} and "tags.user_attrs.note" not in trials.columns
    assert mlflow.get_experiment_by_name("kw-study") is None  # experiment_id wins over the study's name


def test_bad_mlflow_kwargs_is_named():
    with pytest.raises(TypeError, match="mlflow_kwargs"):
        MLflowCallback(mlflow_kwargs=["nested"])
