"""``wandb.integration.keras`` (also ``wandb.keras``): W&B's Keras callbacks on Keras 3 (any
backend) or tf.keras, logging what W&B's do, so a sweep's metric reaches tunewise:

- ``WandbMetricsLogger(log_freq="epoch")``: ``{"epoch/epoch": e, "epoch/<name>": value, ...}`` at
  each epoch's end (``"batch"`` or an int: also ``batch/<name>`` every that many batches);
- ``WandbCallback(monitor="val_loss")`` (W&B's older callback): ``{"epoch": e, "<name>": value}``
  per epoch, the best ``monitor`` value in the summary (``best_val_loss``, ``best_epoch``);
- ``WandbModelCheckpoint``: Keras' ``ModelCheckpoint`` (files are written, not uploaded);
- ``WandbEvalCallback``: the base of W&B's table-logging callbacks; its tables are accepted.
"""

from __future__ import annotations

import importlib
import math
from typing import Any

from . import standin

_LAZY = ("WandbCallback", "WandbEvalCallback", "WandbMetricsLogger", "WandbModelCheckpoint")  # built on first use

_CLASSES: dict[str, Any] = {}


def _keras() -> Any:
    try:
        return importlib.import_module("keras")
    except ImportError:  # pragma: no cover - tf.keras only
        return importlib.import_module("tensorflow").keras


def _scalars(logs: Any, prefix: str = "") -> dict[str, Any]:
    out = {}
    for key, value in dict(logs or {}).items():
        try:
            out[f"{prefix}{key}"] = float(value)
        except (TypeError, ValueError):
            continue
    return out


def _build() -> dict[str, Any]:
    keras = _keras()
    wandb = standin()
    Callback = keras.callbacks.Callback

    class WandbMetricsLogger(Callback):  # type: ignore[misc,valid-type]
        """Logs ``logs`` as W&B's ``WandbMetricsLogger``: ``epoch/<name>`` per epoch."""

        def __init__(self, log_freq: Any = "epoch", initial_global_step: int = 0, *args: Any,
                     **kwargs: Any) -> None:
            super().__init__()
            if wandb.run is None:
                raise wandb.Error("You must call `wandb.init()` before WandbMetricsLogger()")
            self.log_freq: int | None = 1 if log_freq == "batch" else (None if log_freq == "epoch" else int(log_freq))
            self.global_step = initial_global_step

        def _lr(self) -> float | None:
            try:
                return float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            except Exception:  # noqa: BLE001 - a schedule or no optimizer: not logged
                return None

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            row = {"epoch/epoch": epoch, **_scalars(logs, "epoch/")}
            lr = self._lr()
            if lr is not None:
                row["epoch/learning_rate"] = lr
            wandb.log(row)

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self.global_step += 1
            if self.log_freq and batch % self.log_freq == 0:
                wandb.log({"batch/batch_step": self.global_step, **_scalars(logs, "batch/")})

    class WandbCallback(Callback):  # type: ignore[misc,valid-type]
        """W&B's older Keras callback: ``logs`` and ``epoch`` per epoch, the best ``monitor``."""

        def __init__(self, monitor: str = "val_loss", mode: str = "auto", *args: Any, **kwargs: Any) -> None:
            super().__init__()
            if wandb.run is None:
                raise wandb.Error("You must call wandb.init() before WandbCallback()")
            self.monitor = monitor
            maximize = mode == "max" or (mode == "auto" and ("acc" in monitor or monitor.startswith("fmeasure")))
            self._better = (lambda a, b: a > b) if maximize else (lambda a, b: a < b)
            self.best = -math.inf if maximize else math.inf
            if kwargs.get("save_model", True) and kwargs.get("log_weights") is not None:
                wandb.save("model-best")  # says once that nothing is uploaded

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            values = _scalars(logs)
            wandb.log({"epoch": epoch, **values})
            current = values.get(self.monitor)
            if current is not None and self._better(current, self.best):
                self.best = current
                wandb.run.summary[f"best_{self.monitor}"] = current
                wandb.run.summary["best_epoch"] = epoch

    class WandbModelCheckpoint(keras.callbacks.ModelCheckpoint):  # type: ignore[misc,name-defined]
        """Keras' ``ModelCheckpoint``; W&B's also uploads the files as artifacts (not here)."""

        def __init__(self, filepath: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(filepath, *args, **kwargs)
            wandb.log_artifact(None)  # says once that nothing is uploaded

    class WandbEvalCallback(Callback):  # type: ignore[misc,valid-type]
        """Base of W&B's table callbacks: subclasses fill ``data_table`` / ``pred_table``."""

        def __init__(self, data_table_columns: list[str], pred_table_columns: list[str], *args: Any,
                     **kwargs: Any) -> None:
            super().__init__()
            self.data_table_columns, self.pred_table_columns = data_table_columns, pred_table_columns

        def on_train_begin(self, logs: Any = None) -> None:
            self.init_data_table(self.data_table_columns)
            self.add_ground_truth(logs)
            self.log_data_table()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.init_pred_table(self.pred_table_columns)
            self.add_model_predictions(epoch, logs)
            self.log_pred_table()

        def add_ground_truth(self, logs: Any = None) -> None:
            raise NotImplementedError(f"{type(self).__name__}.add_ground_truth")

        def add_model_predictions(self, epoch: int, logs: Any = None) -> None:
            raise NotImplementedError(f"{type(self).__name__}.add_model_predictions")

        def init_data_table(self, column_names: list[str]) -> None:
            self.data_table = wandb.Table(columns=column_names, allow_mixed_types=True)

        def init_pred_table(self, column_names: list[str]) -> None:
            self.pred_table = wandb.Table(columns=column_names)

        def log_data_table(self, name: str = "val", type: str = "dataset", table_name: str = "val_data") -> None:
            pass

        def log_pred_table(self, type: str = "evaluation", table_name: str = "eval_data",
                           aliases: list[str] | None = None) -> None:
            pass

    return {"WandbMetricsLogger": WandbMetricsLogger, "WandbCallback": WandbCallback,
            "WandbModelCheckpoint": WandbModelCheckpoint, "WandbEvalCallback": WandbEvalCallback}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        if not _CLASSES:
            _CLASSES.update(_build())
        return _CLASSES[name]
    raise AttributeError(name)
