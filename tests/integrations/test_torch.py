"""PyTorch helpers, the MLP tuner and the Lightning callback, with real torch on digits (tiny runs)."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import tunewise as tw  # noqa: E402
from tunewise.integrations._pruning import StepPruner  # noqa: E402
from tunewise.integrations.torch import (  # noqa: E402
    MLPTuner,
    PruningReporter,
    build_mlp,
    make_optimizer,
    mlp_space,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(y))[:900]
    return X[idx[:600]], y[idx[:600]], X[idx[600:]], y[idx[600:]]


def test_build_mlp_and_optimizers():
    model = build_mlp({"num_layers": 3, "hidden_size": 32, "dropout": 0.25}, 64, 10)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(64, 32), (32, 32), (32, 32), (32, 10)]
    assert all(m.p == 0.25 for m in model if isinstance(m, torch.nn.Dropout))
    for name, cls in (("adam", torch.optim.Adam), ("sgd", torch.optim.SGD), ("adamw", torch.optim.AdamW)):
        opt = make_optimizer(model, {"optimizer": name, "learning_rate": 0.02, "weight_decay": 1e-4})
        assert isinstance(opt, cls)
        assert opt.param_groups[0]["lr"] == 0.02 and opt.param_groups[0]["weight_decay"] == 1e-4
    assert make_optimizer(model, {"optimizer": "sgd"}).param_groups[0]["momentum"] == 0.9
    with pytest.raises(ValueError, match="optimizer must be one of"):
        make_optimizer(model, {"optimizer": "rmsprop"})
    with pytest.raises(ValueError, match="dropout must be in"):
        build_mlp({"dropout": 1.5}, 4, 2)
    assert set(mlp_space()["optimizer"].choices) == {"adam", "sgd", "adamw"}


def test_pruning_reporter_in_a_plain_loop_prunes_bad_runs():
    study = tw.create_study(direction="maximize", scheduler=StepPruner("median", n_startup_trials=2))

    def objective(trial):
        quality = trial.suggest_categorical("quality", [0.9, 0.8, 0.1])
        reporter = PruningReporter(trial, monitor="val_acc")
        for epoch in range(5):
            reporter.step(epoch, val_acc=torch.tensor(quality * (epoch + 1) / 5), train_loss=1.0 - quality)
        return reporter.best

    for q in (0.9, 0.8, 0.1):
        study.enqueue_trial({"quality": q})
    study.optimize(objective, n_trials=3)
    states = [t.state for t in study.trials]
    assert states == [tw.TrialState.COMPLETE, tw.TrialState.COMPLETE, tw.TrialState.PRUNED]
    bad = study.trials[2]
    assert len(bad.intermediate_values) == 1 and bad.user_attrs["history"]["train_loss"] == [pytest.approx(0.9)]
    assert study.trials[0].user_attrs["best_epoch"] == 4
    with pytest.raises(ValueError, match="not the monitored 'val_acc'"):
        PruningReporter(study.ask(), "val_acc").step(0, loss=1.0)


def test_mlp_tuner_end_to_end_on_digits(digits):
    Xt, yt, Xv, yv = digits
    space = {
        "num_layers": tw.randint(1, 3),
        "hidden_size": tw.choice([16, 32]),
        "dropout": tw.uniform(0.0, 0.3),
        "learning_rate": tw.loguniform(1e-4, 3e-2),
        "batch_size": tw.choice([32, 64]),
        "optimizer": tw.choice(["adam", "sgd", "adamw"]),
        "weight_decay": tw.loguniform(1e-6, 1e-3),
    }
    tuner = MLPTuner(Xt, yt, Xv, yv, space=space, max_epochs=4, seed=0,
                     sampler=tw.samplers.RandomSampler(seed=0))
    study = tuner.tune(n_trials=8)
    assert len(study.trials) == 8
    assert all(len(t.intermediate_values) <= 4 for t in study.trials)
    assert tuner.best_value_ == study.best_value > 0.85
    assert set(tuner.best_config_) == set(space)
    model = tuner.fit_best()
    assert not model.training
    with torch.no_grad():
        acc = (model(torch.as_tensor(Xv)).argmax(1).numpy() == yv).mean()
    assert acc > 0.85  # trained on train + validation, so this is a sanity check, not an estimate
    n_linear = sum(isinstance(m, torch.nn.Linear) for m in model)
    assert n_linear == tuner.best_config_["num_layers"] + 1


def test_mlp_tuner_regression_and_errors():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=200)).astype(np.float32)
    tuner = MLPTuner(X[:150], y[:150], X[150:], y[150:], task="regression", max_epochs=5, seed=0,
                     space={"num_layers": 1, "hidden_size": 16, "learning_rate": tw.loguniform(3e-3, 3e-2),
                            "dropout": 0.0}, sampler=tw.samplers.RandomSampler(seed=1), scheduler=None)
    study = tuner.tune(n_trials=3)
    assert study.direction == "minimize" and math.isfinite(study.best_value)
    assert tuner.fit_best(epochs=2)(torch.as_tensor(X[:5])).shape == (5, 1)
    with pytest.raises(ValueError, match=r"space has keys \['lr'\]"):
        MLPTuner(X, y, X, y, task="regression", space={"lr": 0.1})
    with pytest.raises(ValueError, match="task must be"):
        MLPTuner(X, y, X, y, task="ranking")


# ---- Lightning ----------------------------------------------------------------------------


def _lit_module(lr: float, log_name: str = "val_acc"):
    pl = pytest.importorskip("lightning.pytorch")

    class Lit(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = build_mlp({"num_layers": 1, "hidden_size": 16, "dropout": 0.0}, 64, 10)

        def training_step(self, batch, _):
            x, y = batch
            return torch.nn.functional.cross_entropy(self.net(x), y)

        def validation_step(self, batch, _):
            x, y = batch
            self.log(log_name, (self.net(x).argmax(1) == y).float().mean())

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=lr)

    return Lit()


def _loaders(digits):
    from torch.utils.data import DataLoader, TensorDataset

    Xt, yt, Xv, yv = digits
    train = DataLoader(TensorDataset(torch.as_tensor(Xt), torch.as_tensor(yt)), batch_size=64, shuffle=False)
    val = DataLoader(TensorDataset(torch.as_tensor(Xv), torch.as_tensor(yv)), batch_size=300)
    return train, val


def _trainer(callback, epochs=3):
    pl = pytest.importorskip("lightning.pytorch")
    return pl.Trainer(max_epochs=epochs, callbacks=[callback], logger=False, enable_checkpointing=False,
                      enable_progress_bar=False, enable_model_summary=False, accelerator="cpu", devices=1)


@pytest.mark.slow
def test_lightning_callback_reports_and_prunes(digits):
    pytest.importorskip("lightning.pytorch")
    from tunewise.integrations.lightning import TunewiseCallback

    torch.manual_seed(0)
    train, val = _loaders(digits)
    study = tw.create_study(direction="maximize", scheduler=StepPruner("median", n_startup_trials=1))

    def objective(trial):
        lr = trial.suggest_categorical("lr", [0.5, 1e-5])
        trainer = _trainer(TunewiseCallback(trial, monitor="val_acc"))
        trainer.fit(_lit_module(lr), train, val)
        return trainer.callback_metrics["val_acc"].item()

    study.enqueue_trial({"lr": 0.5})
    study.enqueue_trial({"lr": 1e-5})
    study.optimize(objective, n_trials=2)
    good, bad = study.trials
    assert good.state == tw.TrialState.COMPLETE and sorted(good.intermediate_values) == [0, 1, 2]
    assert good.value == pytest.approx(good.intermediate_values[2]) and good.value > 0.8
    assert bad.state == tw.TrialState.PRUNED and len(bad.intermediate_values) == 1


def test_lightning_callback_unknown_metric(digits):
    pytest.importorskip("lightning.pytorch")
    from tunewise.integrations.lightning import TunewiseCallback

    train, val = _loaders(digits)
    trial = tw.create_study(direction="maximize").ask()
    with pytest.raises(ValueError, match=r"monitors 'val_accuracy'.*logged metrics: \['val_acc'\]"):
        _trainer(TunewiseCallback(trial, monitor="val_accuracy"), epochs=1).fit(_lit_module(0.1), train, val)
