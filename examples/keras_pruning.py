"""Keras: tune a small MLP on the digits, prune trials whose validation accuracy lags, and log
every trial to TensorBoard's HParams dashboard.

Keras 3 runs here on the torch backend (set KERAS_BACKEND to use jax or tensorflow instead);
``pip install "tunewise[keras,tensorboard]"``. Run from the repo root:
.venv/bin/python examples/keras_pruning.py, then ``tensorboard --logdir <the printed folder>``.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is first imported

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N_TRIALS, EPOCHS = (3, 2) if QUICK else (20, 10)

try:
    import keras

    from tunewise.integrations.keras import KerasPruningCallback
except ImportError as e:
    print(f"Keras is not usable here ({e}): nothing to run")
    raise SystemExit(0) from None
try:
    from tunewise.integrations.tensorboard import TensorBoardCallback
except ImportError:
    TensorBoardCallback = None  # type: ignore[assignment,misc]

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)


def objective(trial: tw.Trial) -> float:
    keras.utils.set_random_seed(trial.number)
    model = keras.Sequential([keras.Input((64,))])
    for i in range(trial.suggest_int("n_layers", 1, 2)):
        model.add(keras.layers.Dense(trial.suggest_int(f"units_l{i}", 16, 128, log=True), activation="relu"))
        model.add(keras.layers.Dropout(trial.suggest_float(f"dropout_l{i}", 0.0, 0.4)))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(keras.optimizers.Adam(trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    # Reports val_accuracy after every epoch (step = epoch) and raises TrialPruned when told to.
    history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=EPOCHS, batch_size=64, verbose=0,
                        callbacks=[KerasPruningCallback(trial, "val_accuracy")])
    return float(history.history["val_accuracy"][-1])


callbacks = []
if TensorBoardCallback is not None:
    logdir = tempfile.mkdtemp(prefix="tunewise-keras-")
    callbacks.append(TensorBoardCallback(logdir, metric_name="val_accuracy"))
    print(f"TensorBoard logs: tensorboard --logdir {logdir}")

study = tw.create_study(direction="maximize", sampler=tw.samplers.TPESampler(seed=0),
                        pruner=tw.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2))
study.optimize(objective, n_trials=N_TRIALS, callbacks=callbacks)
pruned = [t for t in study.trials if t.state == tw.TrialState.PRUNED]
print(f"{len(study.trials)} trials, {len(pruned)} pruned (after {sorted(len(t.reports) for t in pruned)} epochs)")
print(f"best validation accuracy {study.best_value:.4f} with {study.best_params}")
