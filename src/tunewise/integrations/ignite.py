"""PyTorch Ignite: report an evaluator's metric after every training epoch, and prune.

Needs pytorch-ignite (``pip install pytorch-ignite``).

>>> import tunewise as tw
>>> from tunewise.integrations.ignite import PyTorchIgnitePruningHandler
"""

from __future__ import annotations

from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["PyTorchIgnitePruningHandler"]


class PyTorchIgnitePruningHandler:
    """An Ignite event handler (Optuna's of that name): attached to the evaluator's
    ``Events.COMPLETED``, it reports ``engine.state.metrics[metric]`` at step = the ``trainer``'s
    epoch and raises :class:`tunewise.TrialPruned` when the study's scheduler says to stop.

    >>> from ignite.engine import Events
    >>> def objective(trial):  # doctest: +SKIP
    ...     trainer, evaluator = make_engines(trial)
    ...     evaluator.add_event_handler(Events.COMPLETED, PyTorchIgnitePruningHandler(trial, "accuracy", trainer))
    ...     trainer.add_event_handler(Events.EPOCH_COMPLETED, lambda _: evaluator.run(val_loader))
    ...     trainer.run(train_loader, max_epochs=10)
    ...     return evaluator.state.metrics["accuracy"]
    """

    def __init__(self, trial: Trial, metric: str, trainer: Any) -> None:
        check_trial(trial)
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"metric must name one of the evaluator's metrics such as 'accuracy', got {metric!r}")
        if not hasattr(trainer, "state"):
            raise TypeError(f"trainer must be the training ignite.engine.Engine (its epoch is the step), "
                            f"got {trainer!r}")
        self.trial = trial
        self.metric = metric
        self.trainer = trainer

    def __call__(self, engine: Any) -> None:
        metrics = engine.state.metrics
        if self.metric not in metrics:
            raise ValueError(f"the evaluator computed no {self.metric!r} (it has {sorted(metrics)}): attach that "
                             "metric to it, or name one of those")
        epoch = int(self.trainer.state.epoch)
        value = float(metrics[self.metric])
        self.trial.report(value, step=epoch)
        if self.trial.should_prune():
            raise TrialPruned(f"pruned at epoch {epoch} ({self.metric}={value:.6g})")
