"""MLflowCallback against a real MLflow tracking store (SQLite backend in a temp dir)."""

from __future__ import annotations

import pytest

mlflow = pytest.importorskip("mlflow")

import tunewise as tw  # noqa: E402
from tunewise.integrations._pruning import StepPruner  # noqa: E402
from tunewise.integrations.mlflow import MLflowCallback  # noqa: E402


@pytest.fixture(scope="module")
def uri(tmp_path_factory):
    # One tracking store for the module: creating MLflow's schema is the slow part.
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


def _objective(trial):
    x = trial.suggest_float("x", -2.0, 2.0)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.set_user_attr("note", f"x={x:.2f}")
    if kind == "b" and x > 1.5:
        raise RuntimeError("boom")
    for step in range(3):
        trial.report((x - 1) ** 2 + (2 - step), step=step)
        if trial.should_prune():
            raise tw.TrialPruned()
    return (x - 1) ** 2


@pytest.mark.slow
def test_trials_become_nested_runs_with_params_metrics_state_tags(uri):
    cb = MLflowCallback(tracking_uri=uri, experiment_name="tw-test", metric_name="loss", tags={"team": "ml"})
    study = tw.create_study(name="quad", sampler=tw.samplers.RandomSampler(seed=0),
                            scheduler=StepPruner("median", n_startup_trials=2))
    study.enqueue_trial({"x": 1.8, "kind": "b"})  # fails
    study.optimize(_objective, n_trials=8, callbacks=[cb], catch=(RuntimeError,))

    client = mlflow.tracking.MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("tw-test")
    runs = client.search_runs([exp.experiment_id], max_results=100)
    parents = [r for r in runs if r.data.tags.get("tunewise.role") == "study"]
    children = [r for r in runs if r.data.tags.get("tunewise.role") == "trial"]
    assert len(parents) == 1 and len(children) == 8
    parent = parents[0]
    assert parent.data.tags["tunewise.study_name"] == "quad" and parent.data.params["directions"] == "minimize"
    assert all(c.data.tags["mlflow.parentRunId"] == parent.info.run_id for c in children)
    by_number = {int(c.data.tags["tunewise.trial_number"]): c for c in children}
    for t in study.trials:
        run = by_number[t.number]
        assert run.data.tags["tunewise.state"] == t.state.value
        assert run.info.status == {"COMPLETE": "FINISHED", "PRUNED": "KILLED", "FAILED": "FAILED"}[t.state.value]
        assert float(run.data.params["x"]) == pytest.approx(t.params["x"])
        assert run.data.params["kind"] == t.params["kind"]
        assert run.data.tags["team"] == "ml" and run.data.tags["user_attrs.note"] == t.user_attrs["note"]
        history = client.get_metric_history(run.info.run_id, "intermediate_value")
        assert sorted((m.step, m.value) for m in history) == sorted(t.intermediate_values.items())
        if t.state == tw.TrialState.COMPLETE:
            assert run.data.metrics["loss"] == pytest.approx(t.value)
    failed = by_number[0]
    assert "boom" in failed.data.tags["tunewise.fail_reason"] and "loss" not in failed.data.metrics
    assert any(t.state == tw.TrialState.PRUNED for t in study.trials)
    best_hist = client.get_metric_history(parent.info.run_id, "best_value")
    assert best_hist[-1].value == pytest.approx(study.best_value)
    assert client.get_run(parent.info.run_id).data.tags["tunewise.best_trial"] == str(study.best_trial.number)

    # A resumed study (new callback object) finds its parent run again instead of creating one.
    cb2 = MLflowCallback(tracking_uri=uri, experiment_name="tw-test", metric_name="loss")
    study.optimize(_objective, n_trials=2, callbacks=[cb2], catch=(RuntimeError,))
    runs = client.search_runs([exp.experiment_id], max_results=100)
    assert sum(r.data.tags.get("tunewise.role") == "study" for r in runs) == 1
    assert sum(r.data.tags.get("tunewise.role") == "trial" for r in runs) == 10


@pytest.mark.slow
def test_multi_objective_names_and_bad_input(uri):
    cb = MLflowCallback(tracking_uri=uri, metric_name=["error", "size"])
    study = tw.create_study(name="mo", directions=["minimize", "minimize"],
                            sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=2, callbacks=[cb])
    client = mlflow.tracking.MlflowClient(tracking_uri=uri)
    exp = client.get_experiment_by_name("mo")  # experiment named after the study by default
    runs = [r for r in client.search_runs([exp.experiment_id]) if r.data.tags.get("tunewise.role") == "trial"]
    assert len(runs) == 2 and all({"error", "size"} <= set(r.data.metrics) for r in runs)
    with pytest.raises(ValueError, match="metric_name has 3 names but the study has 2 objectives"):
        MLflowCallback(tracking_uri=uri, metric_name=["a", "b", "c"])(study, study.trials[0])
    with pytest.raises(ValueError, match="metric_name must be"):
        MLflowCallback(metric_name=["a", "a"])
    with pytest.raises(TypeError, match="tracking_uri must be a string"):
        MLflowCallback(tracking_uri=3)
