"""Unchanged W&B training scripts under `tunewise sweep`: the `wandb` stand-in, with no account and
no network, whether or not the real wandb is installed."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.sweeps import SweepChangedError, SweepConfig, SweepRunner
from tunewise.sweeps._wandb_standin import PATH as STANDIN

# A typical W&B sweep script: defaults in wandb.init, the sweep's values in wandb.config, one
# wandb.log per epoch. A poor learning rate "keeps training" (sleeps) after its first epoch, so it
# only ends if early termination stops it.
TRAIN = textwrap.dedent('''
    import json, os, time
    import wandb

    defaults = {"lr": 0.5, "epochs": 4, "batch_size": 32}
    with wandb.init(project="demo", config=defaults) as run:
        config = wandb.config
        assert config.lr == config["lr"] == run.config.get("lr")
        with open(os.path.join(os.environ["TUNEWISE_RUN_DIR"], "seen.json"), "w") as f:
            json.dump({"wandb_file": wandb.__file__, "config": config.as_dict(), "run_id": run.id,
                       "sweep_id": run.sweep_id}, f)
        for epoch in range(config.epochs):
            val_loss = abs(config.lr - 0.01) * 10 + 1.0 / (epoch + 1)
            wandb.log({"val_loss": val_loss, "epoch": epoch, "image": wandb.Image(None)})
            if config.lr > 0.1:
                time.sleep(120)
        run.summary["best_val_loss"] = val_loss
''')


def _runner(tmp_path: Path, program: str, cfg: dict, **kw) -> SweepRunner:
    (tmp_path / "train.py").write_text(program)
    base = {"program": str(tmp_path / "train.py"), "metric": {"name": "val_loss"}, "log_dir": str(tmp_path / "runs"),
            "timeout": 60}
    return SweepRunner(SweepConfig.from_dict({**base, **cfg}), storage="memory", echo=None, **kw)


def _seen(trial) -> dict:
    return json.loads((Path(trial.system_attrs["sweep_run_dir"]) / "seen.json").read_text())


def test_unchanged_wandb_script_reports_and_hyperband_stops_poor_runs(tmp_path):
    runner = _runner(tmp_path, TRAIN, {
        "method": "grid", "parameters": {"lr": {"values": [0.01, 0.05, 0.5, 0.9]}, "epochs": {"value": 4}},
        "early_terminate": {"type": "hyperband", "min_iter": 1, "max_iter": 4, "eta": 2},
    }, grace_period=5)
    study = runner.run()
    by_lr = {t.user_attrs["config"]["lr"]: t for t in study.trials}
    good = by_lr[0.01]
    assert good.state == tw.TrialState.COMPLETE
    # The k-th wandb.log of the metric is step k (W&B hyperband's iteration count).
    assert good.intermediate_values == pytest.approx({1: 1.0, 2: 0.5, 3: 1 / 3, 4: 0.25})
    assert good.value == pytest.approx(0.25)
    assert good.user_attrs["metrics"]["best_val_loss"] == pytest.approx(0.25)  # run.summary
    assert good.user_attrs["metrics"]["epoch"] == 3
    # W&B's rule (eta 2): of the first two runs the worse goes on; then 0.5 and 0.9 stop at band 1.
    assert by_lr[0.05].state == tw.TrialState.COMPLETE
    for lr in (0.5, 0.9):
        bad = by_lr[lr]
        assert bad.state == tw.TrialState.PRUNED and list(bad.intermediate_values) == [1]
    seen = _seen(good)
    assert Path(seen["wandb_file"]).is_relative_to(STANDIN)
    # The sweep's value wins over wandb.init(config=defaults); other defaults stay.
    assert seen["config"] == {"lr": 0.01, "epochs": 4, "batch_size": 32}
    assert seen["run_id"] == f"trial-{good.number}" and seen["sweep_id"] == study.study_name


SUMMARY = textwrap.dedent('''
    import sys
    import wandb

    run = wandb.init()
    for v in [3.0, 2.0, 1.0, 5.0]:
        wandb.log({"val_loss": v})
    wandb.config.update({"x": 99.0, "extra": 1})  # a sweep parameter cannot be overridden
    wandb.config["y"] = 2
    print("extra", wandb.config.extra, wandb.config.y, wandb.config.x)
    if wandb.config.opt["name"] == "adam":
        wandb.run.summary["val_loss"] = min([3.0, 2.0, 1.0, 5.0])
    wandb.finish()
''')


def test_summary_is_the_result_and_sweep_parameters_cannot_be_overridden(tmp_path):
    runner = _runner(tmp_path, SUMMARY, {
        "method": "grid", "parameters": {"x": {"value": 0.5},
                                         "opt": {"parameters": {"name": {"values": ["adam", "sgd"]}}}}})
    study = runner.run()
    by_opt = {t.user_attrs["config"]["opt.name"]: t for t in study.trials}
    assert by_opt["adam"].value == 1.0  # run.summary["val_loss"] set by the script
    assert by_opt["sgd"].value == 5.0  # the summary defaults to the last logged value
    for t in study.trials:
        assert t.intermediate_values == {1: 3.0, 2: 2.0, 3: 1.0, 4: 5.0}
        log = Path(t.user_attrs["log_file"]).read_text()
        assert "extra 1 2 0.5" in log
        assert "config.x = 99.0 ignored: the sweep sets x = 0.5" in log


OTHER_APIS = textwrap.dedent('''
    import wandb
    from wandb.integration.sb3 import WandbCallback  # the stand-in has no such file: a no-op module

    def train():
        run = wandb.init(config={"lr": 0.1}, reinit=True)
        run.define_metric("val_loss", summary="min")
        wandb.watch(object())
        table = wandb.Table(columns=["a"])
        table.add_data(1)
        for step, v in enumerate([0.4, 0.2, 0.3]):
            wandb.log({"val_loss": v}, step=step * 10)  # rows wait for a larger step, as in W&B
        wandb.log({"extra": 1.0}, commit=True)
        wandb.save("model.pt")
        art = wandb.Artifact("model", type="model")
        art.add_file("model.pt")
        run.log_artifact(art)
        WandbCallback(gradient_save_freq=100)
        wandb.some_future_api(1, 2)
        wandb.finish()

    sweep_id = wandb.sweep({"method": "random"}, project="p")
    wandb.agent(sweep_id, function=train, count=5)
''')


def test_other_wandb_apis_are_accepted_and_define_metric_summary_is_used(tmp_path):
    runner = _runner(tmp_path, OTHER_APIS, {"method": "random", "run_cap": 1,
                                            "parameters": {"lr": {"min": 0.01, "max": 0.1}},
                                            "metric": {"name": "val_loss.min"}})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    assert trial.value == pytest.approx(0.2)  # define_metric(summary="min") -> val_loss.min
    log = Path(trial.user_attrs["log_file"]).read_text()
    assert "wandb.some_future_api is not modelled by the stand-in" in log


def test_a_failing_wandb_script_fails_its_run(tmp_path):
    runner = _runner(tmp_path, "import wandb\nwandb.init()\nwandb.log({'val_loss': 1.0})\nraise SystemExit(3)\n",
                     {"method": "random", "run_cap": 1, "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.FAILED and "exited with code 3" in trial.system_attrs["fail_reason"]


def test_wandb_stand_in_false_leaves_import_wandb_alone(tmp_path):
    prog = "import importlib.util\nspec = importlib.util.find_spec('wandb')\nprint('val_loss=1' if spec is None or " \
           "'_wandb_standin' not in (spec.origin or '') else 'val_loss=0')\n"
    runner = _runner(tmp_path, prog, {"method": "random", "run_cap": 1, "wandb_stand_in": False,
                                      "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    (trial,) = runner.run().trials
    assert trial.value == 1.0


@pytest.mark.skipif(importlib.util.find_spec("wandb") is None, reason="the real wandb is not installed")
def test_the_stand_in_wins_over_an_installed_wandb_and_writes_nothing_of_wandbs(tmp_path, monkeypatch):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("WANDB_DIR", str(tmp_path / "wandb-dir"))
    runner = _runner(tmp_path, TRAIN, {"method": "grid", "parameters": {"lr": {"values": [0.01]}}})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE and trial.value == pytest.approx(0.25)
    assert Path(_seen(trial)["wandb_file"]).is_relative_to(STANDIN)
    real = importlib.util.find_spec("wandb")
    assert real is not None and STANDIN not in (real.origin or "")  # the real one is installed here
    assert not (tmp_path / "wandb-dir").exists() and not (tmp_path / "wandb").exists()


MULTI = textwrap.dedent('''
    import wandb

    run = wandb.init()
    x = wandb.config.x
    for epoch in range(2):
        wandb.log({"loss": (x - 0.2) ** 2 + 1 - epoch, "latency": x * 10})
''')


def test_several_metrics_keep_the_pareto_front(tmp_path):
    from tunewise.sweeps import format_status, sweep_status

    (tmp_path / "train.py").write_text(MULTI)
    cfg = SweepConfig.from_dict({"program": str(tmp_path / "train.py"), "method": "grid", "name": "multi",
                                 "metrics": [{"name": "loss"}, {"name": "latency"}],
                                 "parameters": {"x": {"values": [0.0, 0.2, 0.5]}}, "log_dir": str(tmp_path / "runs")})
    url = f"sqlite:///{tmp_path / 'sweep.db'}"
    study = SweepRunner(cfg, storage=url, echo=None).run()
    assert study.directions == ["minimize", "minimize"]
    by_x = {t.user_attrs["config"]["x"]: t for t in study.trials}
    assert by_x[0.2].values == pytest.approx([0.0, 2.0]) and by_x[0.0].values == pytest.approx([0.04, 0.0])
    assert sorted(t.number for t in study.best_trials) == sorted([by_x[0.0].number, by_x[0.2].number])
    text = format_status(sweep_status("multi", url))
    assert "Pareto front: 2 run(s)" in text and "latency=2" in text
    changed = SweepConfig.from_dict({**cfg.to_dict(), "metrics": [{"name": "loss"},
                                                                  {"name": "latency", "goal": "maximize"}]})
    stored = r"metrics: stored \[\('loss', 'minimize'\), \('latency', 'minimize'\)\]"
    with pytest.raises(SweepChangedError, match=stored):
        SweepRunner(changed, storage=url, echo=None).run()


# W&B's cross-validation sweep pattern (wandb/examples, sweeps-cross-validation): child processes
# remove the WANDB_* variables and log one fold each to runs of their own; the sweep run logs the
# mean. Only the sweep run's values may reach the sweep (step 1 = the mean, nothing from folds).
CROSS_VALIDATION = textwrap.dedent('''
    import multiprocessing, os
    import wandb

    def fold(k, q):
        for key in [k for k in os.environ if k.startswith("WANDB_")]:
            del os.environ[key]
        run = wandb.init(group="cv", name=f"fold-{k}", config={"fold": k})
        run.log({"val_loss": 100.0 + k})  # a fold's own run: not the sweep's
        wandb.join()
        q.put(float(k))

    if __name__ == "__main__":
        q = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=fold, args=(k, q)) for k in range(3)]
        for p in procs:
            p.start()
        sweep_run = wandb.init()
        assert sweep_run.sweep_id
        losses = [q.get() for _ in procs]
        for p in procs:
            p.join()
        sweep_run.log({"val_loss": sum(losses) / len(losses) + sweep_run.config.x})
        wandb.join()
''')


def test_processes_that_leave_the_sweep_log_to_runs_of_their_own(tmp_path):
    runner = _runner(tmp_path, CROSS_VALIDATION, {"method": "grid", "parameters": {"x": {"values": [0.5]}}})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    assert trial.value == pytest.approx(1.5)  # mean of folds 0, 1, 2 plus x
    assert trial.intermediate_values == {1: pytest.approx(1.5)}
    assert "wandb.join is not modelled" not in Path(trial.user_attrs["log_file"]).read_text()


NESTED_INIT = textwrap.dedent('''
    import wandb

    def train_epoch():
        with wandb.init() as run:  # returns the active run; leaving the block finishes it
            run.log({"batch loss": 0.5})
        return 0.5

    with wandb.init() as run:
        loss = train_epoch()
        run.log({"loss": loss})
''')


def test_log_to_a_run_an_inner_init_finished_raises_as_in_wandb(tmp_path):
    # W&B's PyTorch sweeps tutorial (wandb/docs models/tutorials/sweeps.mdx) opens `with wandb.init()`
    # inside the run's own `with wandb.init()`; W&B 0.31 then raises UsageError at the outer log.
    runner = _runner(tmp_path, NESTED_INIT, {"method": "random", "metric": {"name": "loss"},
                                             "parameters": {"x": {"value": 1}}, "run_cap": 1})
    trial = runner.run().trials[0]
    assert trial.state == tw.TrialState.FAILED
    assert "UsageError: Run (trial-0) is finished. The call to `log` will be ignored." in trial.system_attrs[
        "stderr_tail"]


# Integrations test what wandb.init returned against W&B's classes: Lightning's WandbLogger checks
# isinstance(run, (wandb.wandb_run.Run, wandb.sdk.lib.RunDisabled)), scripts catch wandb.errors.CommError.
CLASSES = textwrap.dedent('''
    import wandb
    from wandb.wandb_run import Run
    from wandb.sdk.wandb_run import Run as SdkRun
    from wandb.sdk.lib import RunDisabled
    from wandb.errors import CommError, UsageError
    run = wandb.init()
    assert isinstance(run, (Run, RunDisabled)) and isinstance(run, SdkRun) and isinstance(run, wandb.Run)
    assert not isinstance(run, RunDisabled)
    try:
        raise CommError("no server")
    except wandb.errors.Error as e:
        assert isinstance(e, CommError) and not isinstance(e, UsageError)
    wandb.log({"val_loss": 0.5})
''')


def test_wandb_submodules_hold_the_classes_integrations_check_against(tmp_path):
    runner = _runner(tmp_path, CLASSES, {"method": "random", "run_cap": 1,
                                         "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    assert trial.value == 0.5


LIGHTNING = textwrap.dedent('''
    import torch, lightning as L
    from lightning.pytorch.loggers import WandbLogger

    class Model(L.LightningModule):
        def __init__(self, lr):
            super().__init__()
            self.layer, self.lr = torch.nn.Linear(2, 1), lr
        def training_step(self, batch, i):
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(x), y)
        def validation_step(self, batch, i):
            x, y = batch
            self.log("val_loss", torch.nn.functional.mse_loss(self.layer(x), y))
        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=self.lr)

    logger = WandbLogger(project="demo")
    config = logger.experiment.config
    torch.manual_seed(0)
    x = torch.randn(32, 2)
    data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8)
    trainer = L.Trainer(max_epochs=config.epochs, logger=logger, enable_progress_bar=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(Model(config.lr), data, data)
''')


def test_lightning_wandb_logger_reports_each_validation_to_the_sweep(tmp_path):
    pytest.importorskip("lightning")
    if importlib.util.find_spec("wandb") is None:
        pytest.skip("Lightning's WandbLogger requires an installed wandb distribution")
    runner = _runner(tmp_path, LIGHTNING, {"method": "grid", "parameters": {"lr": {"value": 0.1},
                                                                             "epochs": {"value": 2}},
                                           "timeout": 300})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    assert sorted(trial.intermediate_values) == [1, 2]  # one val_loss per epoch, as W&B's hyperband counts
    assert trial.value == trial.intermediate_values[2]


CLOUD_ONLY = textwrap.dedent('''
    import wandb
    with wandb.init() as run:
        for i in range(2):
            wandb.save("model.pt")
            run.save("model.pt")
            wandb.alert(title="slow", text=f"epoch {i}", level=wandb.AlertLevel.WARN)
            artifact = wandb.Artifact("model", type="model", metadata={"i": i})
            artifact.add_file("model.pt")
            run.log_artifact(artifact, aliases=["latest"])
            run.use_artifact("model:latest").download()
            best = wandb.Api().sweep("me/demo/abc").best_run()
            wandb.restore("weights.h5")
        wandb.log({"val_loss": 0.25})
''')


def test_cloud_only_calls_do_nothing_and_say_so_once(tmp_path):
    runner = _runner(tmp_path, CLOUD_ONLY, {"method": "random", "run_cap": 1,
                                            "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    assert trial.value == 0.25
    log = Path(trial.user_attrs["log_file"]).read_text()
    for note in ("wandb.save uploads files to W&B", "artifacts are uploaded to W&B", "wandb.use_artifact downloads",
                 "wandb.Api() reads W&B's server", "wandb.restore downloads", "wandb.alert sends a message"):
        assert log.count(note) == 1, note
    assert "alert: slow: epoch 0" in log and "alert: slow: epoch 1" in log  # each alert is printed


# W&B's integration callbacks log the training's metrics: under the stand-in they did nothing, and
# every run FAILED with "never logged the metric" (XGBoost refused the no-op callback outright).
XGBOOST = textwrap.dedent('''
    import wandb, xgboost as xgb
    from sklearn.datasets import load_breast_cancer
    from wandb.integration.xgboost import WandbCallback
    wandb.init()
    X, y = load_breast_cancer(return_X_y=True)
    model = xgb.XGBClassifier(n_estimators=4, max_depth=wandb.config.max_depth, eval_metric="logloss", n_jobs=1,
                              callbacks=[WandbCallback(log_model=True)])
    model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False)
''')
LIGHTGBM = textwrap.dedent('''
    import lightgbm as lgb, wandb
    from sklearn.datasets import load_breast_cancer
    from wandb.lightgbm import wandb_callback, log_summary
    wandb.init()
    X, y = load_breast_cancer(return_X_y=True)
    params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1, "max_depth": wandb.config.max_depth,
              "num_threads": 1}  # (the default, one thread per core, spins on a busy machine)
    model = lgb.train(params, lgb.Dataset(X[:400], y[:400]), num_boost_round=4,
                      valid_sets=[lgb.Dataset(X[400:], y[400:])], valid_names=["validation"],
                      callbacks=[wandb_callback()])
    log_summary(model)
''')
KERAS = textwrap.dedent('''
    import os
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import numpy as np, keras, wandb
    from wandb.integration.keras import WandbMetricsLogger, WandbCallback
    wandb.init()
    rng = np.random.default_rng(0)
    x = rng.random((40, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(wandb.config.max_depth), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, x.sum(1, keepdims=True), validation_split=0.25, epochs=3, verbose=0,
              callbacks=[WandbMetricsLogger(), WandbCallback(monitor="val_loss", save_model=False)])
''')


@pytest.mark.parametrize("library, program, metric, steps", [
    ("xgboost", XGBOOST, "validation_0-logloss", 4),  # one report per boosting round
    ("lightgbm", LIGHTGBM, "validation_binary_logloss", 4),
    ("keras", KERAS, "epoch/val_loss", 3),  # WandbMetricsLogger's names; WandbCallback logs val_loss too
])
def test_integration_callbacks_report_each_round_to_the_sweep(tmp_path, library, program, metric, steps):
    pytest.importorskip(library)
    runner = _runner(tmp_path, program, {"method": "grid", "parameters": {"max_depth": {"value": 2}},
                                         "metric": {"name": metric}, "timeout": 300})
    (trial,) = runner.run().trials
    assert trial.state == tw.TrialState.COMPLETE, trial.system_attrs.get("fail_reason")
    assert sorted(trial.intermediate_values) == list(range(1, steps + 1))
    assert trial.value == trial.intermediate_values[steps]


DEFINED_MAX = textwrap.dedent('''
    import wandb

    run = wandb.init()
    run.define_metric("acc", summary="max")  # W&B's summary of acc is then {"max": ...}, not a number
    for a in [0.5, 0.9, 0.7]:
        run.log({"loss": 1 - a}, commit=False)
        run.log({"acc": a * wandb.config.x})
    run.finish()
''')


def test_a_metric_whose_summary_define_metric_made_an_aggregate_is_scored_by_it(tmp_path):
    runner = _runner(tmp_path, DEFINED_MAX, {"method": "grid", "metric": {"name": "acc", "goal": "maximize"},
                                            "parameters": {"x": {"values": [1.0]}}})
    (trial,) = runner.run().trials
    # the summary's max (W&B's engine scores the run by it too), not the last logged 0.7
    assert trial.state == tw.TrialState.COMPLETE and trial.value == pytest.approx(0.9)
    assert trial.intermediate_values == {1: 0.5, 2: 0.9, 3: 0.7}


# skandermoalla/wandb-sweep-bug's pattern: the run checkpoints in a folder of its own, calls
# run.mark_preempting() and exits non-zero; W&B requeues a preempted run and a later run resumes it.
PREEMPTED_ONCE = textwrap.dedent('''
    import pathlib, sys
    import wandb

    run = wandb.init()
    mark = pathlib.Path(sys.argv[0]).with_name(f"checkpoint-{wandb.config.x}")
    first = not mark.exists()
    run.log({"loss": 2.0 if first else 1.0})
    if first:
        mark.write_text("epoch 1")
        run.mark_preempting()
        raise InterruptedError("preempted")
    run.finish()
''')


def test_a_run_marked_preempting_that_exits_non_zero_is_queued_again_with_its_configuration(tmp_path):
    runner = _runner(tmp_path, PREEMPTED_ONCE, {"method": "grid", "metric": {"name": "loss"},
                                                "parameters": {"x": {"values": [1, 2]}}})
    trials = runner.run().trials
    failed, complete = tw.TrialState.FAILED, tw.TrialState.COMPLETE
    assert [(t.params, t.state) for t in trials] == [
        ({"x": 1}, failed), ({"x": 1}, complete), ({"x": 2}, failed), ({"x": 2}, complete)]
    assert "preempted" in trials[0].system_attrs["fail_reason"]
    assert [t.value for t in trials if t.state == complete] == [1.0, 1.0]
    # a run that fails without marking itself preempting is not queued again (test above)
