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
    # One thread per booster (the scripts' 400-row models): the default, one per core, spins for
    # seconds per model on a busy machine.
    threads = '"num_threads": 1,' if name.startswith("lightgbm") else '"nthread": 1,'
    ns, _ = _run(name, {"n_trials=100": "n_trials=6", "param = {": "param = {" + threads}, capsys)
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
    ("tw.integration.FastAIPruningCallback", "tw.integrations"),
])
def test_optuna_names_without_a_counterpart_say_what_to_use(code: str, says: str) -> None:
    with pytest.raises((ImportError, AttributeError), match="has no tunewise counterpart") as info:
        exec(code, {"tw": tw})
    assert says in str(info.value)


# ---- Optuna's tutorial (github.com/optuna/optuna, tutorial/; session 14): storages, create_trial,
# a FrozenTrial given to an objective, a user-defined pruner ----
@pytest.fixture
def _tunewise_log_handlers() -> Any:
    """The tutorial scripts add handlers to optuna.logging.get_logger("optuna") (tunewise's logger): removed after."""
    import logging

    logger = logging.getLogger("tunewise")
    before, level = list(logger.handlers), logger.level
    # The user's default: INFO (other test modules quieten the logger when they are imported).
    logger.setLevel(logging.INFO)
    yield
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
    logger.setLevel(level)


def test_tutorial_journal_storage(capsys: pytest.CaptureFixture[str], tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                  _tunewise_log_handlers: Any) -> None:
    """tutorial/20_recipes/011_journal_storage.py: JournalStorage(JournalFileBackend(path)) keeps the study in a
    file (a SQLite database in tunewise); the handler added to the "optuna" logger prints each trial."""
    monkeypatch.chdir(tmp_path)  # the script writes ./optuna_journal_storage.log
    ns, out = _run("011_journal_storage.py", {}, capsys)
    assert len(ns["study"].get_trials(states=(tw.TrialState.COMPLETE,))) == 3
    assert (tmp_path / "optuna_journal_storage.log").read_bytes().startswith(b"SQLite format 3\x00")
    assert [line.split()[1] for line in out.splitlines() if line.startswith("Trial ")] == ["0", "1", "2"]
    reopened = tw.load_study(study_name="example-study", storage=f"sqlite:///{tmp_path}/optuna_journal_storage.log")
    assert [t.params for t in reopened.trials] == [t.params for t in ns["study"].trials]


def test_tutorial_distributed_journal_with_n_jobs(capfd: pytest.CaptureFixture[str], tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """tutorial/10_key_features/004_distributed.py: n_jobs=4 workers share a JournalStorage file."""
    monkeypatch.chdir(tmp_path)  # the script writes ./journal.log
    ns, out = _run("004_distributed.py", {"n_trials=20": "n_trials=8"}, capfd)
    study = ns["study"]
    assert sorted(int(n) for n in re.findall(r"Running trial trial\.number=(\d+)", out)) == list(range(8))
    from tunewise.storages import JournalStorage
    from tunewise.storages.journal import JournalFileBackend

    reopened = tw.load_study(study_name=study.study_name, storage=JournalStorage(JournalFileBackend("journal.log")))
    assert [t.state for t in reopened.trials] == [tw.TrialState.COMPLETE] * 8


def test_tutorial_user_defined_pruner(capsys: pytest.CaptureFixture[str]) -> None:
    """tutorial/20_recipes/006_user_defined_pruner.py: a BasePruner subclass with prune(study, trial), and
    TrialState from Optuna's private path optuna.trial._state."""
    # The tutorial leaves the sampler unseeded (5-19 of 25 pruned in five unseeded runs, once 0 under
    # load): seeded here, so the test is deterministic.
    ns, out = _run("006_user_defined_pruner.py", {
        "n_trials=50": "n_trials=25",
        'optuna.create_study(direction="maximize", pruner=pruner)':
            'optuna.create_study(direction="maximize", pruner=pruner, sampler=optuna.samplers.AutoSampler(seed=0))',
    }, capsys)
    study = ns["study"]
    assert len(study.trials) == 25 and isinstance(ns["pruner"], tw.pruners.BasePruner)
    said = {int(n) for n in re.findall(r"prune\(\) True: Trial (\d+),", out)}
    assert said == {t.number for t in study.get_trials(states=(tw.TrialState.PRUNED,))}
    assert len(said) >= 1
    assert all(t.number > 5 for t in study.get_trials(states=(tw.TrialState.PRUNED,)))  # warmup_trials=5


def test_tutorial_specify_params(capsys: pytest.CaptureFixture[str], _tunewise_log_handlers: Any) -> None:
    """tutorial/20_recipes/008_specify_params.py: enqueue_trial runs given values first; create_trial +
    add_trial adds finished ones the sampler learns from."""
    pytest.importorskip("lightgbm")
    threadpoolctl = pytest.importorskip("threadpoolctl")
    # One OpenMP thread: LightGBM's default (one per core) spins for seconds per model on a busy machine.
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        ns, out = _run("008_specify_params.py", {"n_trials=100, timeout=600": "n_trials=2, timeout=600"}, capsys)
    first = re.findall(r"^Trial (\d) finished with value: \S+ and parameters: (\{.*\})\.", out, flags=re.M)[:2]
    assert first == [("0", "{'bagging_fraction': 1.0, 'bagging_freq': 0, 'min_child_samples': 20}"),
                     ("1", "{'bagging_fraction': 0.75, 'bagging_freq': 5, 'min_child_samples': 20}")]
    study = ns["study"]  # the second study: two added trials, then two run
    assert [(t.number, t.state, t.value) for t in study.trials[:2]] == [(0, tw.TrialState.COMPLETE, 0.94),
                                                                        (1, tw.TrialState.COMPLETE, 0.95)]
    assert study.trials[1].params == {"bagging_fraction": 0.75, "bagging_freq": 5, "min_child_samples": 20}
    assert len(study.trials) == 4 and study.best_value >= 0.95


def test_tutorial_reuse_best_trial(capsys: pytest.CaptureFixture[str]) -> None:
    """tutorial/20_recipes/010_reuse_best_trial.py: the objective runs again on study.best_trial."""
    ns, out = _run("010_reuse_best_trial.py", {}, capsys)
    study = ns["study"]
    assert out.splitlines()[0] == str(study.best_value)
    acc, f1, recall, precision = ns["detailed_objective"](study.best_trial)
    assert acc == study.best_value and 0 < f1 <= 1


# ---- Optuna's tutorial (same commit; session 14): CmaEsSampler and BruteForceSampler ----
def test_tutorial_efficient_optimization_algorithms(capsys: pytest.CaptureFixture[str]) -> None:
    """tutorial/10_key_features/003_efficient_optimization_algorithms.py: a study per sampler
    (the default, RandomSampler, CmaEsSampler), then MedianPruner prunes an SGDClassifier."""
    import logging

    logger = logging.getLogger("tunewise")
    before = list(logger.handlers)
    try:  # the script adds a StreamHandler to optuna.logging.get_logger("optuna"), tunewise's logger
        ns, out = _run("003_efficient_optimization_algorithms.py",
                       {"n_trials=20": "n_trials=8", "for step in range(100):": "for step in range(20):"}, capsys)
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
    assert "Sampler is RandomSampler" in out and "Sampler is CmaEsSampler" in out
    study = ns["study"]
    assert len(study.trials) == 8
    assert {t.state for t in study.trials} <= {tw.TrialState.COMPLETE, tw.TrialState.PRUNED}
    assert all(len(t.intermediate_values) >= 1 for t in study.trials)


def test_tutorial_ask_and_tell_batches_with_cmaes(capsys: pytest.CaptureFixture[str]) -> None:
    """tutorial/20_recipes/009_ask_and_tell.py: ask-and-tell with suggest_*, with ask(distributions),
    and batches of 10 trials asked before any is told, under CmaEsSampler."""
    ns, _ = _run("009_ask_and_tell.py", {}, capsys)
    study = ns["study"]
    assert isinstance(study.sampler, tw.samplers.CmaEsSampler)
    assert len(study.trials) == 30 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    # The first batch is the start-up (random); the second is generation 0 (6 per generation in
    # 2-d); when the third is asked, generation 0 has its results and is told: generation 1.
    generations = [(t.system_attrs.get("cmaes") or {}).get("generation") for t in study.trials]
    assert generations == [None] * 10 + [0] * 10 + [1] * 10


def test_tutorial_ablation_study_by_brute_force(capsys: pytest.CaptureFixture[str]) -> None:
    """tutorial/20_recipes/014_ablation_study_by_optuna.py: BruteForceSampler tries every combination
    (60, then 100 in a conditional space) once, and the study stops by itself."""
    ns, out = _run("014_ablation_study_by_optuna.py", {}, capsys)
    assert "Total trials: 60" in out and "Total trials: 100" in out
    for name, size in (("study", 60), ("study_conditional", 100)):
        combos = {tuple(sorted(t.params.items())) for t in ns[name].trials}
        assert len(combos) == size
    lrs = {t.params["lr"] for t in ns["study"].trials}
    assert lrs == {round(0.001 * k, 3) for k in range(1, 11)}  # the values as written (0.009, not 0.009000000000000001)


# ---- Optuna's tutorial (same commit; session 15): the visualization tutorial, plot_rank ----
def _digits_as_torchvision() -> Any:
    """A stand-in for ``torchvision`` (not installed, and its datasets download): scikit-learn's
    bundled digits as 28x28 one-channel images, ``datasets.FashionMNIST`` and ``transforms.ToTensor``."""
    import types

    import torch
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.pad(np.kron(digits.images / 16.0, np.ones((3, 3))), ((0, 0), (2, 2), (2, 2))).astype(np.float32)

    class Digits(torch.utils.data.Dataset):  # type: ignore[type-arg]
        def __init__(self, root: str, train: bool = True, download: bool = False, transform: Any = None) -> None:
            part = slice(0, 1400) if train else slice(1400, None)
            self.images, self.targets, self.transform = images[part], digits.target[part], transform

        def __len__(self) -> int:
            return len(self.targets)

        def __getitem__(self, i: int) -> tuple[Any, int]:
            return self.transform(self.images[i]), int(self.targets[i])

    class ToTensor:
        def __call__(self, image: np.ndarray) -> Any:
            return torch.as_tensor(image).unsqueeze(0)

    return types.SimpleNamespace(datasets=types.SimpleNamespace(FashionMNIST=Digits),
                                 transforms=types.SimpleNamespace(ToTensor=ToTensor))


@pytest.mark.slow
def test_tutorial_visualization(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """tutorial/10_key_features/005_visualization.py: every plot_* of optuna.visualization on a pruned
    PyTorch study, plot_rank included (FashionMNIST replaced by the digits: no download)."""
    pytest.importorskip("torch")
    pytest.importorskip("plotly")
    import sys

    monkeypatch.setitem(sys.modules, "torchvision", _digits_as_torchvision())
    budgets = {"n_trials=30, timeout=300": "n_trials=6, timeout=300",
               "for epoch in range(10):": "for epoch in range(3):",
               "N_TRAIN_EXAMPLES = BATCHSIZE * 30": "N_TRAIN_EXAMPLES = BATCHSIZE * 4",
               "N_VALID_EXAMPLES = BATCHSIZE * 10": "N_VALID_EXAMPLES = BATCHSIZE * 3"}
    ns, _ = _run("005_visualization.py", budgets, capsys)
    study = ns["study"]
    assert len(study.trials) == 6 and all(len(t.intermediate_values) >= 1 for t in study.trials)
    assert ns["fig"].layout.title.text == "Hyperparameter optimization for FashionMNIST classification"
    complete = study.get_trials(states=(tw.TrialState.COMPLETE,))
    fig = ns["plot_rank"](study, params=["lr", "n_layers"])
    (trace,) = fig.data
    assert len(trace.x) == len(complete) and 0.2 < study.best_value <= 1.0
    best = min(range(len(trace.x)), key=lambda i: trace.marker.color[i])
    assert trace.customdata[best][1] == study.best_value  # rank 0 is the best trial


# ---- optuna-examples (same commit; session 18): optuna.artifacts ----
def test_artifact_store_example(capsys: pytest.CaptureFixture[str], tmp_path: Any,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """basic/artifact_store.py: a figure per trial and the dataset uploaded to a FileSystemArtifactStore,
    the best trial's figure found by get_all_artifact_meta(best_trial, storage=...) and downloaded."""
    matplotlib = pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    matplotlib.use("Agg")  # plt.show() does nothing
    monkeypatch.chdir(tmp_path)  # the script writes its database, dataset, store and figure to ./
    ns, _ = _run("artifact_store.py", {"n_trials=30": "n_trials=5"}, capsys)
    study = ns["study"]
    assert len(study.trials) == 5 and len(list((tmp_path / "save-artifact-here").iterdir())) == 6
    assert (tmp_path / "result-best-trial.png").read_bytes().startswith(b"\x89PNG")
    from tunewise.artifacts import get_all_artifact_meta

    reopened = tw.load_study(study_name="demo", storage="sqlite:///simple-artifact-store-demo.db")
    assert [m.filename for m in get_all_artifact_meta(reopened)] == ["demo-dataset.csv"]
    (meta,) = get_all_artifact_meta(reopened.best_trial)
    assert (tmp_path / "save-artifact-here" / meta.artifact_id).read_bytes() == \
        (tmp_path / "result-best-trial.png").read_bytes()
