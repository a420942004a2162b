"""KerasPruningCallback with Keras 3 on the torch backend (KERAS_BACKEND=torch, set by the root
conftest), training a small softmax model on scikit-learn's digits."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

import tunewise as tw

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras", reason="Keras 3 is not installed (pip install 'tunewise[keras]')")

from tunewise.integrations.keras import KerasPruningCallback  # noqa: E402

pytestmark = pytest.mark.slow  # Keras on torch: a few seconds per fit on 2 shared cores


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype("float32")
    return X[:600], y[:600], X[1400:], y[1400:]


def _fit(data: tuple[np.ndarray, ...], callback: Any, *, epochs: int = 4, validation: bool = True) -> Any:
    X, y, X_val, y_val = data
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(X, y, validation_data=(X_val, y_val) if validation else None, epochs=epochs, batch_size=200,
                     verbose=0, callbacks=[callback])


def _study(pruner: Any) -> tw.Study:
    return tw.create_study(direction="maximize", pruner=pruner, sampler=tw.samplers.RandomSampler(seed=0))


def test_reports_the_monitored_metric_every_epoch(digits: tuple[np.ndarray, ...]) -> None:
    histories: list[Any] = []

    def objective(trial: tw.Trial) -> float:
        history = _fit(digits, KerasPruningCallback(trial, "val_accuracy")).history
        histories.append(history)
        return float(history["val_accuracy"][-1])

    study = _study(tw.pruners.NopPruner())
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state == tw.TrialState.COMPLETE
    assert trial.intermediate_values == pytest.approx(dict(enumerate(histories[0]["val_accuracy"])))
    assert sorted(trial.intermediate_values) == [0, 1, 2, 3]
    assert trial.intermediate_values[3] > 0.5  # it learned: the reports are the real metric


def test_prunes_when_the_scheduler_says_so(digits: tuple[np.ndarray, ...]) -> None:
    epochs_run: list[int] = []

    class Count(keras.callbacks.Callback):  # type: ignore[misc,name-defined]
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            epochs_run.append(epoch)

    def objective(trial: tw.Trial) -> float:
        X, y, X_val, y_val = digits
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(X, y, validation_data=(X_val, y_val), epochs=4, batch_size=200, verbose=0,
                  callbacks=[Count(), KerasPruningCallback(trial, "val_accuracy")])
        return 1.0

    # Every accuracy is below 2: pruned at the first step past the warm-up, epoch 1 of 4.
    study = _study(tw.pruners.ThresholdPruner(lower=2.0, n_warmup_steps=1))
    study.optimize(objective, n_trials=1)
    (trial,) = study.trials
    assert trial.state == tw.TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [0, 1]
    assert epochs_run == [0, 1]  # training stopped there


def test_interval_reports_every_nth_epoch(digits: tuple[np.ndarray, ...]) -> None:
    study = _study(tw.pruners.NopPruner())
    study.optimize(lambda t: float(_fit(digits, KerasPruningCallback(t, "loss", interval=2)).history["loss"][-1]),
                   n_trials=1)
    assert sorted(study.trials[0].intermediate_values) == [1, 3]


def test_a_metric_fit_does_not_log_warns_once_and_the_trial_runs_unpruned(digits: tuple[np.ndarray, ...]) -> None:
    # As under Optuna, an Optuna script with a misspelled monitor still runs; the warning names what fit logs.
    study = _study(tw.pruners.NopPruner())
    missing = r"monitor='val_acc' is not among the metrics model.fit logs \(.*val_accuracy"
    with pytest.warns(UserWarning, match=missing) as w:
        study.optimize(lambda t: float(_fit(digits, KerasPruningCallback(t, "val_acc"), epochs=3).history["loss"][-1]),
                       n_trials=1, catch=())
    assert sum("val_acc'" in str(x.message) for x in w) == 1  # once per fit, not once per epoch
    assert study.trials[0].state == tw.TrialState.COMPLETE and study.trials[0].intermediate_values == {}
    # A val_ metric without validation data: said once training ends, naming what to pass.
    with pytest.warns(UserWarning, match=r"accuracy, loss\).*validation_data="):
        study.optimize(lambda t: float(_fit(digits, KerasPruningCallback(t, "val_loss"), epochs=1,
                                            validation=False).history["loss"][-1]), n_trials=1, catch=())
    assert study.trials[1].state == tw.TrialState.COMPLETE


def test_validation_every_other_epoch_reports_the_epochs_that_have_it(digits: tuple[np.ndarray, ...]) -> None:
    def objective(trial: tw.Trial) -> float:
        X, y, X_val, y_val = digits
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(X, y, validation_data=(X_val, y_val), validation_freq=2, epochs=4, batch_size=200, verbose=0,
                  callbacks=[KerasPruningCallback(trial, "val_loss")])
        return 0.0

    study = _study(tw.pruners.NopPruner())
    study.optimize(objective, n_trials=1)
    assert sorted(study.trials[0].intermediate_values) == [1, 3]


def test_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="trial must be a tunewise Trial"):
        KerasPruningCallback(object(), "val_loss")  # type: ignore[arg-type]
    study = tw.create_study()
    trial = study.ask()
    with pytest.raises(ValueError, match="monitor must name a metric"):
        KerasPruningCallback(trial, "")
    with pytest.raises(ValueError, match="interval must be a positive integer"):
        KerasPruningCallback(trial, "val_loss", interval=0)


def test_optuna_module_paths() -> None:
    import tunewise as optuna
    from tunewise.integration import KerasPruningCallback as FromIntegration
    from tunewise.integration.keras import KerasPruningCallback as FromKerasPath

    assert optuna.integration.KerasPruningCallback is FromIntegration is FromKerasPath is KerasPruningCallback
    assert optuna.integration.keras.KerasPruningCallback is KerasPruningCallback
    assert isinstance(KerasPruningCallback(tw.create_study().ask(), "loss"), keras.callbacks.Callback)


def test_tf_keras_callback_needs_tensorflow() -> None:
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="needs TensorFlow.*pip install tensorflow"):
            from tunewise.integration import TFKerasPruningCallback  # noqa: F401
    else:
        from tunewise.integration.tfkeras import TFKerasPruningCallback

        cb = TFKerasPruningCallback(tw.create_study().ask(), "val_loss")
        assert (cb.monitor, cb.interval) == ("val_loss", 1)


@pytest.mark.parametrize("blocked, says", [
    ("keras", 'needs Keras, which is not installed: pip install "tunewise[keras]"'),
    ("torch", "could not load its backend (torch)"),
])
def test_import_errors_say_what_to_install(blocked: str, says: str) -> None:
    code = (f"import sys, os; sys.modules[{blocked!r}] = None; os.environ['KERAS_BACKEND'] = 'torch'\n"
            "import tunewise.integrations.keras")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert says in proc.stderr.strip().splitlines()[-1]


def test_tf_keras_callback_on_a_separate_tf_keras_callback_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """With tf_keras (TF_USE_LEGACY_KERAS=1) tf.keras's Callback is not keras's: the class subclasses it."""
    import types

    from tunewise.integrations import keras as integration

    class LegacyCallback:
        def __init__(self) -> None:
            self.legacy_init = True

    fake_tf = types.SimpleNamespace(keras=types.SimpleNamespace(callbacks=types.SimpleNamespace(
        Callback=LegacyCallback)))
    monkeypatch.setitem(sys.modules, "tensorflow", fake_tf)
    cls = integration._tf_keras_callback()
    assert issubclass(cls, LegacyCallback) and not issubclass(cls, keras.callbacks.Callback)
    study = tw.create_study(direction="maximize", pruner=tw.pruners.ThresholdPruner(lower=0.5))
    trial = study.ask()
    cb = cls(trial, "val_accuracy")
    assert cb.legacy_init and (cb.monitor, cb.interval) == ("val_accuracy", 1)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"val_accuracy": 0.9, "loss": 0.3})
    with pytest.raises(tw.TrialPruned, match="pruned at epoch 1"):
        cb.on_epoch_end(1, {"val_accuracy": 0.2, "loss": 0.3})
    assert trial.intermediate_values == {0: 0.9, 1: 0.2}
