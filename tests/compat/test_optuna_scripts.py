"""Optuna's own example scripts run under tunewise with only the import changed.

The scripts in ``optuna_scripts/`` are Optuna's (see its README; stored as ``.py.txt`` so that
pytest's doctest collection and ruff leave them alone); each test replaces
``import optuna`` with ``import tunewise as optuna`` (and ``from optuna.x`` with
``from tunewise.x``), shrinks the budget, runs the script as ``__main__`` and checks what it
produced. Nothing else in the scripts changes.
"""

from __future__ import annotations

import pathlib
import re
from typing import Any

import numpy as np
import pytest

import tunewise as tw

pytest.importorskip("sklearn")

SCRIPTS = pathlib.Path(__file__).parent / "optuna_scripts"


def _as_tunewise(source: str) -> str:
    out = re.sub(r"^import optuna$", "import tunewise as optuna", source, flags=re.M)
    out = re.sub(r"^from optuna\.", "from tunewise.", out, flags=re.M)
    out = re.sub(r"^from optuna import ", "from tunewise import ", out, flags=re.M)
    assert "import tunewise as optuna" in out
    return out


def _run(name: str, budgets: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    source = (SCRIPTS / f"{name}.txt").read_text()
    for old, new in budgets.items():
        assert old in source, f"{name} no longer contains {old!r}"
        source = source.replace(old, new)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    np.random.seed(0)  # the scripts split data with numpy's global generator
    exec(compile(_as_tunewise(source), str(SCRIPTS / name), "exec"), namespace)
    return namespace, capsys.readouterr().out


@pytest.mark.slow
def test_pruning_example_prunes_with_the_default_pruner(capsys: pytest.CaptureFixture[str]) -> None:
    """Optuna's basic/pruning.py calls should_prune() without giving a pruner: Optuna's default,
    the median rule, prunes most trials after the first 5 COMPLETE ones (it pruned 0 before)."""
    ns, out = _run("pruning.py", {"n_trials=100": "n_trials=20"}, capsys)
    study = ns["study"]
    assert isinstance(study, tw.Study)
    pruned = study.get_trials(states=[tw.TrialState.PRUNED])
    assert len(study.trials) == 20
    # Measured with 60 trials: 37-40 pruned (Optuna 5.1: 42-48), three seeds; here 15 trials follow startup.
    assert len(pruned) >= 5
    assert f"Number of pruned trials:  {len(pruned)}" in out
    assert study.best_trial.value > 0.5


@pytest.mark.slow
def test_sklearn_simple_example(capsys: pytest.CaptureFixture[str]) -> None:
    ns, out = _run("sklearn_simple.py", {"n_trials=100": "n_trials=4"}, capsys)
    study = ns["study"]
    assert len(study.get_trials(states=(tw.TrialState.COMPLETE,))) == 4
    assert study.best_value > 0.5
    assert f"FrozenTrial(number={study.best_trial.number}" in out  # print(study.best_trial)


def test_quadratic_example_resumes_and_stops_at_the_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    ns, out = _run("quadratic.py", {"timeout=2.0": "timeout=0.2"}, capsys)
    study = ns["study"]
    assert len(study.trials) >= 30  # 10, then 20 more, then what 0.2 s allow
    assert out.count("Best value: ") == 3
    assert study.best_value <= min(t.value for t in study.trials[:30])


def test_ask_and_tell_tutorial_with_hyperband_pruner(capsys: pytest.CaptureFixture[str]) -> None:
    ns, _ = _run("ask_and_tell_pruning.py", {}, capsys)
    study = ns["study"]
    states = [t.state for t in study.trials]
    assert len(states) == 12 and set(states) <= {tw.TrialState.COMPLETE, tw.TrialState.PRUNED}
    assert isinstance(study.scheduler, tw.schedulers.HyperbandScheduler) or \
        type(study.scheduler).__name__ == "HyperbandPruner"
    assert states.count(tw.TrialState.COMPLETE) >= 1


# ---- more of optuna-examples (same commit; session 13): the Optuna API beyond the basic loop ----
def test_custom_sampler_example_runs_through_base_sampler(capsys: pytest.CaptureFixture[str]) -> None:
    """samplers/simulated_annealing_sampler.py subclasses optuna.samplers.BaseSampler: its
    sample_relative proposes every trial after the first (the temperature cools once per call)."""
    ns, out = _run("simulated_annealing_sampler.py", {"n_trials=100": "n_trials=30"}, capsys)
    study, sampler = ns["study"], ns["sampler"]
    assert isinstance(sampler, tw.samplers.BaseSampler)
    assert len(study.get_trials(states=(tw.TrialState.COMPLETE,))) == 30
    assert sampler._temperature == pytest.approx(100 * 0.9 ** 29)  # 29 relative proposals
    assert "Best trial:" in out and study.best_value < 100 ** 2


def test_constraints_given_to_the_sampler(capsys: pytest.CaptureFixture[str]) -> None:
    """basic/quadratic_constraint.py passes constraints_func to TPESampler (Optuna's place)."""
    ns, out = _run("quadratic_constraint.py", {"n_trials=500, timeout=1": "n_trials=40"}, capsys)
    study = ns["study"]
    assert study.constraints_func is ns["constraints"]
    done = study.get_trials(states=(tw.TrialState.COMPLETE,))
    assert len(done) == 40 and all(len(t.system_attrs["constraints"]) == 2 for t in done)
    assert "Best trial was found at Trial#" in out  # a feasible trial exists and is reported


def test_max_trials_callback_example(capsys: pytest.CaptureFixture[str], tmp_path: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the script opens sqlite:///database.sqlite
    ns, out = _run("max_trials_callback.py", {"sleep(1)": "sleep(0)"}, capsys)
    assert len(ns["study"].get_trials(states=(tw.TrialState.COMPLETE,))) == 10
    assert "Number of completed trials: 10" in out


@pytest.mark.slow
def test_optuna_search_cv_example(capsys: pytest.CaptureFixture[str]) -> None:
    ns, out = _run("sklearn_optuna_search_cv_simple.py", {"n_trials=100": "n_trials=8"}, capsys)
    search = ns["optuna_search"]
    assert search.n_trials_ == 8 and search.best_trial_.value == pytest.approx(search.best_score_)
    assert sorted(search.best_params_) == ["C", "degree"] and search.best_score_ > 0.9
    assert "Best trial:" in out


@pytest.mark.slow
@pytest.mark.parametrize("name, metric", [("lightgbm_integration.py", "auc"), ("xgboost_integration.py", "auc")])
def test_integration_pruning_callbacks(name: str, metric: str, capsys: pytest.CaptureFixture[str]) -> None:
    """optuna.integration.LightGBMPruningCallback / XGBoostPruningCallback report every boosting
    round to the study's MedianPruner."""
    pytest.importorskip(name.split("_")[0])
    ns, _ = _run(name, {"n_trials=100": "n_trials=6"}, capsys)
    study = ns["study"]
    assert len(study.trials) == 6
    assert all(len(t.intermediate_values) >= 1 for t in study.trials)
    assert 0.5 < study.best_value <= 1.0


def test_plot_pareto_front_example(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    go = pytest.importorskip("plotly.graph_objects")
    shown: list[Any] = []
    monkeypatch.setattr(go.Figure, "show", lambda fig, *a, **k: shown.append(fig))
    ns, _ = _run("plot_pareto_front.py", {"n_trials=100": "n_trials=30"}, capsys)
    assert len(shown) == 1 and {trace.name for trace in shown[0].data} >= {"Pareto front"}
    assert len(ns["study"].best_trials) >= 1


@pytest.mark.slow
def test_wilcoxon_pruner_example(capsys: pytest.CaptureFixture[str]) -> None:
    """pruners/wilcoxon_pruner_tsp_sa.py reports instances in a shuffled order; WilcoxonPruner
    stops configurations the signed-rank test finds worse than the best one."""
    budgets = {"N_TRIALS = 50": "N_TRIALS = 8", "N_SA_ITER = 10000": "N_SA_ITER = 300",
               "num_vertex=100": "num_vertex=30"}
    ns, out = _run("wilcoxon_pruner_tsp_sa.py", budgets, capsys)
    assert len(ns["study"].trials) == 8
    assert ns["count"] < 8 * 50  # some configurations stopped before every instance
    assert "Number of evaluations:" in out


@pytest.mark.parametrize("code, says", [
    ("import tunewise.terminator", "study.stop()"),
    ("import tunewise.artifacts", "save_checkpoint"),
    ("import tunewise.integration.lightgbm", "LightGBMPruningCallback"),
    ("tw.integration.DaskStorage", "DaskExecutor"),
    ("tw.samplers.CmaEsSampler", "GPSampler"),
])
def test_optuna_names_without_a_counterpart_say_what_to_use(code: str, says: str) -> None:
    with pytest.raises((ImportError, AttributeError), match="has no tunewise counterpart") as info:
        exec(code, {"tw": tw})
    assert says in str(info.value)
