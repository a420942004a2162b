"""Lightning: a callback that reports a validation metric each epoch and prunes the trial.

Needs Lightning 2.x (``pip install "tunewise[lightning]"``); works with ``lightning.pytorch`` and,
if only that is installed, the older ``pytorch_lightning`` package.
"""

from __future__ import annotations

import importlib
from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.trial import Trial

__all__ = ["TunewiseCallback"]


def _lightning() -> Any:
    for name in ("lightning.pytorch", "pytorch_lightning"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError('tunewise.integrations.lightning needs Lightning: pip install "tunewise[lightning]"')


pl = _lightning()


class TunewiseCallback(pl.Callback):  # type: ignore[misc,name-defined]
    """Report ``monitor`` (a metric the LightningModule logs with ``self.log``) after each
    validation run, at step = epoch, and raise :class:`tunewise.TrialPruned` when the study's
    scheduler says to stop. A ``monitor`` that is never logged raises ValueError listing the
    logged metrics.

    >>> import tunewise as tw
    >>> def objective(trial):
    ...     model = LitModel(lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True))
    ...     trainer = pl.Trainer(max_epochs=10, callbacks=[TunewiseCallback(trial, monitor="val_acc")])
    ...     trainer.fit(model, train_loader, val_loader)
    ...     return trainer.callback_metrics["val_acc"].item()
    """

    def __init__(self, trial: Trial, monitor: str = "val_acc") -> None:
        if not isinstance(trial, Trial):
            raise TypeError(f"trial must be a tunewise Trial, got {trial!r}")
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must name a logged metric such as 'val_acc', got {monitor!r}")
        super().__init__()
        self.trial = trial
        self.monitor = monitor

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking:
            return
        metrics = trainer.callback_metrics
        if self.monitor not in metrics:
            logged = sorted(metrics)
            raise ValueError(
                f"TunewiseCallback monitors {self.monitor!r}, but the LightningModule did not log it; logged "
                f"metrics: {logged if logged else 'none'} (log it with self.log({self.monitor!r}, value) in "
                "validation_step)"
            )
        value = float(metrics[self.monitor].item() if hasattr(metrics[self.monitor], "item")
                      else metrics[self.monitor])
        epoch = int(trainer.current_epoch)
        self.trial.report(value, step=epoch)
        if self.trial.should_prune():
            self._pruned = f"pruned at epoch {epoch} ({self.monitor}={value:.5g})"
            raise TrialPruned(self._pruned)

    _pruned = ""

    def check_pruned(self) -> None:
        """Raise :class:`tunewise.TrialPruned` if this callback pruned the trial (Optuna's
        ``PyTorchLightningPruningCallback.check_pruned``, called after ``trainer.fit``). In one
        process the callback has raised it already, and this does nothing more."""
        if self._pruned:
            raise TrialPruned(self._pruned)
