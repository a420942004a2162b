"""Keras: report a metric of ``model.fit`` after every epoch, and prune.

Needs Keras (``pip install "tunewise[keras]"``): Keras 3 on any backend (set ``KERAS_BACKEND=torch``
or ``jax`` when TensorFlow is not installed), or the Keras 2 that TensorFlow bundles.
:class:`KerasPruningCallback` and :class:`TFKerasPruningCallback` are Optuna's callbacks of those
names; the TF-Keras one subclasses ``tensorflow.keras.callbacks.Callback`` (needs TensorFlow,
which no tunewise extra installs), for scripts that use ``tf.keras`` with the legacy ``tf_keras``.

>>> import tunewise as tw
>>> from tunewise.integrations.keras import KerasPruningCallback
"""

from __future__ import annotations

import importlib
import math
import os
import warnings
from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["KerasPruningCallback", "TFKerasPruningCallback"]  # noqa: F822 - the TF one is built on first use


def _import_keras() -> Any:
    try:
        return importlib.import_module("keras")
    except ImportError as e:
        if isinstance(e, ModuleNotFoundError) and e.name == "keras":
            raise ImportError('tunewise.integrations.keras needs Keras, which is not installed: '
                              'pip install "tunewise[keras]"') from e
        # Keras 3 imports its backend on `import keras`: TensorFlow unless KERAS_BACKEND says otherwise.
        backend = os.environ.get("KERAS_BACKEND") or "the one in ~/.keras/keras.json, tensorflow by default"
        raise ImportError(f"Keras is installed but could not load its backend ({backend}): {e}. Install that "
                          "backend, or set KERAS_BACKEND=torch (or jax) before Keras is first imported") from e


keras = _import_keras()


class _PruningOnEpochEnd:
    """What both callbacks do at the end of an epoch; mixed into each Keras's own ``Callback``."""

    trial: Trial
    monitor: str
    interval: int

    def _setup(self, trial: Trial, monitor: str, interval: int) -> None:
        check_trial(trial)
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must name a metric that model.fit logs, such as 'val_loss' or "
                             f"'val_accuracy', got {monitor!r}")
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(f"interval must be a positive integer (check every interval-th epoch), got {interval!r}")
        self.trial = trial
        self.monitor = monitor
        self.interval = interval
        self._seen = False
        self._warned = False

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._seen = False
        self._warned = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            if self.monitor.startswith("val_") and not any(k.startswith("val_") for k in logs):
                return  # no validation this epoch (validation_freq > 1); on_train_end checks it ever came
            self._warn(self._missing(logs) + "; this trial runs unpruned")
            return
        self._seen = True
        if (epoch + 1) % self.interval:
            return
        score = float(value)
        self.trial.report(score, step=epoch)
        if self.trial.should_prune():
            raise TrialPruned(f"pruned at epoch {epoch} ({self.monitor}={score:.6g})")

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        if not self._seen:
            self._warn(self._missing(logs or {}) + "; this trial ran unpruned (pass validation_data= or "
                       "validation_split= to fit for the val_ metrics)")

    def _warn(self, message: str) -> None:
        if not self._warned:  # once per fit, not once per epoch
            self._warned = True
            warnings.warn(message, UserWarning, stacklevel=3)

    def _missing(self, logs: dict[str, Any]) -> str:
        logged = sorted(k for k, v in logs.items() if isinstance(v, (int, float)) and not math.isnan(float(v)))
        return (f"monitor={self.monitor!r} is not among the metrics model.fit logs "
                f"({', '.join(logged) if logged else 'none'})")


class KerasPruningCallback(_PruningOnEpochEnd, keras.callbacks.Callback):  # type: ignore[misc,name-defined]
    """Report ``monitor`` after every ``interval``-th epoch of ``model.fit`` (step = epoch, from 0)
    and raise :class:`tunewise.TrialPruned` when the study's scheduler says to stop (Optuna's
    ``KerasPruningCallback(trial, monitor, interval=1)``).

    ``monitor`` is a key of the epoch's logs: ``"loss"``, ``"accuracy"``, or with validation data
    ``"val_loss"``, ``"val_accuracy"``. A key that model.fit does not log gives a warning listing the
    ones it does, and the trial runs unpruned (as under Optuna: a script with a misspelled monitor
    still runs).

    >>> import keras, tunewise as tw
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> def objective(trial):
    ...     model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
    ...     model.compile(keras.optimizers.Adam(trial.suggest_float("lr", 1e-3, 1e-1, log=True)),
    ...                   "sparse_categorical_crossentropy", metrics=["accuracy"])
    ...     history = model.fit(X[:1000] / 16, y[:1000], validation_data=(X[1000:] / 16, y[1000:]), epochs=3,
    ...                         verbose=0, callbacks=[KerasPruningCallback(trial, "val_accuracy")])
    ...     return history.history["val_accuracy"][-1]
    >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=2)  # doctest: +SLOW
    >>> sorted(study.trials[0].intermediate_values)
    [0, 1, 2]
    """

    def __init__(self, trial: Trial, monitor: str, interval: int = 1) -> None:
        self._setup(trial, monitor, interval)
        super().__init__()


def _tf_keras_callback() -> Any:
    try:
        tf = importlib.import_module("tensorflow")
    except ImportError as e:
        raise ImportError("TFKerasPruningCallback needs TensorFlow, which is not installed (no tunewise extra "
                          "installs it): pip install tensorflow, or use KerasPruningCallback with Keras 3") from e
    base = tf.keras.callbacks.Callback
    # TF >= 2.16 with Keras 3: tf.keras is keras. tf_keras (TF_USE_LEGACY_KERAS=1) or Keras 2: its own Callback.
    bases = (KerasPruningCallback,) if issubclass(KerasPruningCallback, base) else (_PruningOnEpochEnd, base)
    return type("TFKerasPruningCallback", bases, {"__init__": _tf_init, "__doc__": _TF_DOC, "__module__": __name__})


def _tf_init(self: Any, trial: Trial, monitor: str) -> None:
    self._setup(trial, monitor, 1)
    super(_PruningOnEpochEnd, self).__init__()  # the Callback base, keras's or tf_keras's


_TF_DOC = """Report ``monitor`` after every epoch of a ``tf.keras`` model's ``fit`` (step = epoch, from 0)
and raise :class:`tunewise.TrialPruned` when the study's scheduler says to stop: Optuna's
``TFKerasPruningCallback(trial, monitor)``, on ``tensorflow.keras.callbacks.Callback``."""


def __getattr__(name: str) -> Any:
    # TensorFlow is imported only when TFKerasPruningCallback is asked for.
    if name == "TFKerasPruningCallback":
        value = _tf_keras_callback()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
