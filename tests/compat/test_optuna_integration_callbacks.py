"""Optuna's ``optuna.integration`` callbacks that optuna-examples import, under ``import tunewise as optuna``:
CatBoost, skorch, PyTorch Ignite, ``TorchDistributedTrial`` and Lightning's ``check_pruned``."""

from __future__ import annotations

import multiprocessing
import pathlib
import types
from typing import Any

import pytest

import tunewise as tw


def _study(**kwargs: Any) -> tw.Study:
    return tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), **kwargs)


def test_optuna_integration_names_resolve_to_tunewise_classes() -> None:
    import tunewise as optuna

    assert optuna.integration.CatBoostPruningCallback.__module__ == "tunewise.integrations.catboost"
    assert optuna.integration.PyTorchIgnitePruningHandler.__module__ == "tunewise.integrations.ignite"
    from tunewise.integration import SkorchPruningCallback, TorchDistributedTrial  # optuna_integration's names

    assert SkorchPruningCallback.__module__ == "tunewise.integrations.skorch"
    assert TorchDistributedTrial.__module__ == "tunewise.integrations.torch"


def _catboost_info(iteration: int, value: float, name: str = "validation") -> Any:
    return types.SimpleNamespace(iteration=iteration, metrics={"learn": {"Logloss": [0.1]}, name: {"Logloss": [value]}})


def test_catboost_callback_reports_each_round_and_stops_training_when_pruned() -> None:
    from tunewise.integrations.catboost import CatBoostPruningCallback

    study = _study(pruner=tw.pruners.ThresholdPruner(upper=0.5))
    trial = study.ask()
    callback = CatBoostPruningCallback(trial, "Logloss")
    assert callback.after_iteration(_catboost_info(1, 0.4)) is True  # go on
    assert callback.after_iteration(_catboost_info(2, 0.9)) is False  # CatBoost stops; no exception inside it
    with pytest.raises(tw.TrialPruned, match="boosting round 1"):
        callback.check_pruned()
    assert dict(trial.reports) == {0: 0.4, 1: 0.9}
    with pytest.raises(ValueError, match="validation_1"):
        CatBoostPruningCallback(study.ask(), "Logloss", eval_set_index=1).after_iteration(_catboost_info(1, 0.1))
    with pytest.raises(ValueError, match="'AUC'"):
        CatBoostPruningCallback(study.ask(), "AUC").after_iteration(_catboost_info(1, 0.1))


def test_catboost_callback_in_a_real_fit() -> None:
    cb = pytest.importorskip("catboost")
    from sklearn.datasets import load_breast_cancer

    from tunewise.integrations.catboost import CatBoostPruningCallback

    X, y = load_breast_cancer(return_X_y=True)
    study = _study(direction="maximize", pruner=tw.pruners.ThresholdPruner(lower=0.99))
    trial = study.ask()
    callback = CatBoostPruningCallback(trial, "Accuracy")
    model = cb.CatBoostClassifier(iterations=30, eval_metric="Accuracy", verbose=0, thread_count=1,
                                  allow_writing_files=False)  # no catboost_info/ in the working directory
    model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], callbacks=[callback])
    with pytest.raises(tw.TrialPruned):
        callback.check_pruned()
    assert model.tree_count_ == 1 and list(trial.reports) == [0]  # stopped after the first round


def test_ignite_handler_reports_the_trainers_epoch() -> None:
    from tunewise.integrations.ignite import PyTorchIgnitePruningHandler

    study = _study(direction="maximize", pruner=tw.pruners.ThresholdPruner(lower=0.5))
    trial = study.ask()
    trainer = types.SimpleNamespace(state=types.SimpleNamespace(epoch=1))
    evaluator = types.SimpleNamespace(state=types.SimpleNamespace(metrics={"accuracy": 0.7}))
    handler = PyTorchIgnitePruningHandler(trial, "accuracy", trainer)
    handler(evaluator)
    trainer.state.epoch, evaluator.state.metrics["accuracy"] = 2, 0.3
    with pytest.raises(tw.TrialPruned, match="epoch 2"):
        handler(evaluator)
    assert dict(trial.reports) == {1: 0.7, 2: 0.3}
    with pytest.raises(ValueError, match="'loss'"):
        PyTorchIgnitePruningHandler(study.ask(), "loss", trainer)(evaluator)


def test_ignite_handler_in_a_real_training_loop() -> None:
    torch = pytest.importorskip("torch")
    engine = pytest.importorskip("ignite.engine")
    from ignite.metrics import Accuracy

    from tunewise.integrations.ignite import PyTorchIgnitePruningHandler

    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = (x[:, 0] > 0).long()
    loader = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]

    def objective(trial: tw.Trial) -> float:
        model = torch.nn.Linear(4, 2)
        optimizer = torch.optim.SGD(model.parameters(), lr=trial.suggest_float("lr", 1e-3, 1e-1, log=True))
        trainer = engine.create_supervised_trainer(model, optimizer, torch.nn.functional.cross_entropy)
        evaluator = engine.create_supervised_evaluator(model, metrics={"accuracy": Accuracy()})
        evaluator.add_event_handler(engine.Events.COMPLETED, PyTorchIgnitePruningHandler(trial, "accuracy", trainer))
        trainer.add_event_handler(engine.Events.EPOCH_COMPLETED, lambda _: evaluator.run(loader))
        trainer.run(loader, max_epochs=3)
        return float(evaluator.state.metrics["accuracy"])

    study = _study(direction="maximize")
    study.optimize(objective, n_trials=2)
    assert [sorted(t.intermediate_values) for t in study.trials] == [[1, 2, 3], [1, 2, 3]]
    assert all(t.intermediate_values[3] == t.value for t in study.trials)


def test_skorch_callback_reports_history_and_prunes() -> None:
    pytest.importorskip("skorch")
    import numpy as np
    import skorch
    import torch

    from tunewise.integrations.skorch import SkorchPruningCallback

    X = np.random.default_rng(0).normal(size=(120, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)

    def objective(trial: tw.Trial) -> float:
        torch.manual_seed(0)
        net = skorch.NeuralNetClassifier(torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Softmax(dim=-1)),
                                         max_epochs=4, lr=trial.suggest_float("lr", 1e-2, 1e-1), verbose=0,
                                         callbacks=[SkorchPruningCallback(trial, "valid_loss")])
        net.fit(X, y)
        return float(net.history[-1, "valid_loss"])

    study = _study(pruner=tw.pruners.ThresholdPruner(upper=0.0))  # every report is above: pruned at epoch 0
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state == tw.TrialState.PRUNED and list(trial.intermediate_values) == [0]
    study = _study(pruner=tw.pruners.NopPruner())
    study.optimize(objective, n_trials=1)
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2, 3]
    assert study.trials[0].intermediate_values[3] == study.trials[0].value


def _distributed_rank(rank: int, init_file: str, storage: str, out: str) -> None:
    import torch.distributed as dist

    from tunewise.integrations.torch import TorchDistributedTrial

    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    seen = []

    def objective(single_trial: tw.Trial | None) -> float:
        trial = TorchDistributedTrial(single_trial)
        x = trial.suggest_float("x", 0, 1)
        n = trial.suggest_int("n", 1, 3)
        for step in range(3):
            trial.report(x * (step + 1), step)  # rank 1's values are not recorded
            if trial.should_prune():
                seen.append((trial.number, x, n, "pruned"))
                raise tw.TrialPruned()
        seen.append((trial.number, x, n, "done"))
        return x

    if rank == 0:
        study = tw.create_study(study_name="d", storage=storage, sampler=tw.samplers.RandomSampler(seed=1),
                                pruner=tw.pruners.ThresholdPruner(upper=1.5))
        study.optimize(objective, n_trials=4)
    else:
        for _ in range(4):
            try:
                objective(None)
            except tw.TrialPruned:
                pass
    pathlib.Path(out).write_text(repr(seen))
    dist.destroy_process_group()


def test_torch_distributed_trial_gives_every_rank_rank0s_trial(tmp_path: pathlib.Path) -> None:
    """pytorch_distributed_simple.py: rank 0 holds the trial, rank 1 passes None and gets the same
    parameters, number and pruning decisions."""
    pytest.importorskip("torch")
    import torch.distributed as dist

    if not dist.is_available():
        pytest.skip("torch built without torch.distributed")
    context = multiprocessing.get_context("fork")  # the children start with torch imported
    storage = f"sqlite:///{tmp_path}/d.db"
    outs = [str(tmp_path / f"rank{r}.txt") for r in (0, 1)]
    procs = [context.Process(target=_distributed_rank, args=(r, str(tmp_path / "init"), storage, outs[r]))
             for r in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    rank0, rank1 = (eval(pathlib.Path(o).read_text()) for o in outs)
    assert rank0 == rank1 and len(rank0) == 4
    study = tw.load_study(study_name="d", storage=storage)
    assert [(t.number, t.params["x"], t.params["n"]) for t in study.trials] == [s[:3] for s in rank0]
    states = {s[0]: s[3] for s in rank0}
    assert {t.number: t.state for t in study.trials} == {
        n: tw.TrialState.PRUNED if s == "pruned" else tw.TrialState.COMPLETE for n, s in states.items()}
    for t in study.trials:  # rank 0's reports only
        assert all(v == pytest.approx(t.params["x"] * (step + 1)) for step, v in t.intermediate_values.items())


def test_torch_distributed_trial_needs_an_initialized_process_group() -> None:
    pytest.importorskip("torch")
    from tunewise.integrations.torch import TorchDistributedTrial

    with pytest.raises(RuntimeError, match="init_process_group"):
        TorchDistributedTrial(None)


def test_lightning_check_pruned_raises_after_fit_when_the_callback_pruned() -> None:
    pytest.importorskip("lightning")
    from tunewise.integrations.lightning import TunewiseCallback

    study = _study(direction="maximize", pruner=tw.pruners.ThresholdPruner(lower=0.5))
    callback = TunewiseCallback(study.ask(), monitor="val_acc")
    callback.check_pruned()  # nothing pruned yet
    trainer = types.SimpleNamespace(sanity_checking=False, callback_metrics={"val_acc": 0.1}, current_epoch=0)
    with pytest.raises(tw.TrialPruned):
        callback.on_validation_end(trainer, None)
    with pytest.raises(tw.TrialPruned, match="epoch 0"):
        callback.check_pruned()


def _spawned_rank0(callback: Any, values: list[float]) -> None:
    """What ddp_spawn's rank 0 does with a copy of the callback: one validation end per epoch."""
    stop = {"should_stop": False}
    for epoch, value in enumerate(values):
        trainer = types.SimpleNamespace(sanity_checking=False, is_global_zero=True, current_epoch=epoch,
                                        callback_metrics={"val_acc": value}, should_stop=stop["should_stop"],
                                        strategy=types.SimpleNamespace(broadcast=lambda decision: decision))
        callback.on_validation_end(trainer, None)
        stop["should_stop"] = trainer.should_stop
        if trainer.should_stop:
            break
    raise SystemExit(0 if stop["should_stop"] else 3)


@pytest.mark.parametrize("values, pruned", [([0.9, 0.2, 0.9], True), ([0.9, 0.8], False)])
def test_lightning_callback_under_ddp_spawn_keeps_reports_and_prunes_in_the_owning_process(
        tmp_path: pathlib.Path, values: list[float], pruned: bool) -> None:
    """pytorch_lightning_ddp.py: the callback runs in spawned processes on a copy of the trial. Rank 0
    stores its reports and the decision and stops the training; check_pruned() after fit takes them
    back, so the finished trial keeps its reports (they were lost) and is PRUNED when rank 0 pruned."""
    pytest.importorskip("lightning")
    from tunewise.integrations.lightning import TunewiseCallback

    study = tw.create_study(study_name="ddp", storage=f"sqlite:///{tmp_path}/d.db", direction="maximize",
                            pruner=tw.pruners.ThresholdPruner(lower=0.5))
    trial = study.ask()
    callback = TunewiseCallback(trial, monitor="val_acc")
    child = multiprocessing.get_context("fork").Process(target=_spawned_rank0, args=(callback, values))
    child.start()
    child.join(60)
    assert child.exitcode == (0 if pruned else 3)  # rank 0 asked every rank to stop only when pruned
    if pruned:
        with pytest.raises(tw.TrialPruned, match="epoch 1"):
            callback.check_pruned()
        study.tell(trial, state=tw.TrialState.PRUNED)
    else:
        callback.check_pruned()
        study.tell(trial, values[-1])
    finished = tw.load_study(study_name="ddp", storage=f"sqlite:///{tmp_path}/d.db").trials[0]
    assert finished.intermediate_values == dict(enumerate(values[:2] if pruned else values))
    assert finished.state == (tw.TrialState.PRUNED if pruned else tw.TrialState.COMPLETE)


@pytest.mark.parametrize("module, names", [
    ("mlflow", ["MLflowCallback"]), ("wandb", ["WeightsAndBiasesCallback"]), ("xgboost", ["XGBoostPruningCallback"]),
    ("pytorch_lightning", ["PyTorchLightningPruningCallback"]), ("sklearn", ["OptunaSearchCV"]),
    ("skorch", ["SkorchPruningCallback"]), ("pytorch_ignite", ["PyTorchIgnitePruningHandler"]),
    ("pytorch_distributed", ["TorchDistributedTrial"]), ("botorch", ["BoTorchSampler"]),
])
def test_optunas_integration_module_paths(module: str, names: list[str]) -> None:
    # `from optuna.integration.mlflow import MLflowCallback`, as scripts write it, and attribute access
    import importlib

    mod = importlib.import_module(f"tunewise.integration.{module}")
    for name in names:
        assert getattr(mod, name) is getattr(tw.integration, name)
    assert getattr(tw.integration, module) is mod


def test_optunas_version_and_artifact_exception_paths() -> None:
    from tunewise.artifacts.exceptions import ArtifactNotFound
    from tunewise.version import __version__

    assert __version__ == tw.__version__ and ArtifactNotFound is tw.artifacts.ArtifactNotFound
