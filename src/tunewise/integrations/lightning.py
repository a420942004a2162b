"""Lightning: a callback that reports a validation metric each epoch and prunes the trial.

Needs Lightning 2.x (``pip install "tunewise[lightning]"``); works with ``lightning.pytorch`` and,
if only that is installed, the older ``pytorch_lightning`` package.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial, TrialState

__all__ = ["TunewiseCallback"]


def _lightning() -> Any:
    for name in ("lightning.pytorch", "pytorch_lightning"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError('tunewise.integrations.lightning needs Lightning: pip install "tunewise[lightning]"')


pl = _lightning()
_PRUNED_KEY = "lightning:pruned"  # set by rank 0 of a spawned job that pruned the trial


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
        check_trial(trial)
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must name a logged metric such as 'val_acc', got {monitor!r}")
        super().__init__()
        self.trial = trial
        self.monitor = monitor
        self._pid = os.getpid()  # a strategy that spawns processes (ddp_spawn) runs the callback elsewhere

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking:
            return
        spawned = os.getpid() != self._pid
        if spawned and not trainer.is_global_zero:
            # Rank 0 reports for the job; the others only follow its decision.
            trainer.should_stop = trainer.should_stop or bool(trainer.strategy.broadcast(False))
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
        prune = self.trial.should_prune()
        message = f"pruned at epoch {epoch} ({self.monitor}={value:.5g})"
        if not spawned:
            if prune:
                self._pruned = message
                raise TrialPruned(message)
            return
        # In a spawned process the trial is a copy: store the reports and the decision, stop every
        # rank, and let check_pruned() in the process that owns the trial take them back.
        if prune:
            self.trial.set_system_attr(_PRUNED_KEY, message)
        self.trial.flush()
        trainer.should_stop = trainer.should_stop or bool(trainer.strategy.broadcast(prune))

    _pruned = ""

    def check_pruned(self) -> None:
        """Call after ``trainer.fit`` (Optuna's ``PyTorchLightningPruningCallback.check_pruned``):
        raise :class:`tunewise.TrialPruned` if the trial was pruned. Under a strategy that trains
        in spawned processes (``strategy="ddp_spawn"``) it first takes back the reports rank 0
        stored, so the finished trial keeps them; in one process the callback has raised already."""
        if self._pruned:
            raise TrialPruned(self._pruned)
        stored = next((t for t in self.trial.study.get_trials(states=(TrialState.RUNNING,))
                       if t.number == self.trial.number), None)
        if stored is None:
            return
        known = self.trial.intermediate_values
        for step, value in sorted(stored.intermediate_values.items()):
            if step not in known:
                self.trial.report(value, step=step)
        message = stored.system_attrs.get(_PRUNED_KEY)
        if message:
            self._pruned = str(message)
            raise TrialPruned(self._pruned)
