"""skorch: report a validation score after every epoch of a ``NeuralNet``, and prune.

Needs skorch (``pip install skorch``).

>>> import tunewise as tw
>>> from tunewise.integrations.skorch import SkorchPruningCallback
"""

from __future__ import annotations

from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._optional import require
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["SkorchPruningCallback"]

_callbacks = require("skorch.callbacks", "skorch", "tunewise.integrations.skorch")


class SkorchPruningCallback(_callbacks.Callback):  # type: ignore[misc,name-defined]
    """Report ``monitor`` (a column of ``net.history``, e.g. ``"valid_acc"`` or ``"valid_loss"``)
    at the end of each epoch (step = epoch, from 0), and raise :class:`tunewise.TrialPruned` when
    the study's scheduler says to stop (Optuna's callback of that name).

    >>> import numpy as np, torch, skorch, tunewise as tw
    >>> X = np.random.default_rng(0).normal(size=(200, 4)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(np.int64)
    >>> def objective(trial):
    ...     net = skorch.NeuralNetClassifier(
    ...         torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.Softmax(dim=-1)), max_epochs=3,
    ...         lr=trial.suggest_float("lr", 1e-2, 1e-1, log=True), verbose=0,
    ...         callbacks=[SkorchPruningCallback(trial, "valid_acc")], callbacks__print_log=None)
    ...     net.fit(X, y)
    ...     return net.history[-1, "valid_acc"]
    >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=2)
    >>> sorted(study.trials[0].intermediate_values)
    [0, 1, 2]
    """

    def __init__(self, trial: Trial, monitor: str) -> None:
        check_trial(trial)
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must name a column of net.history such as 'valid_acc', got {monitor!r}")
        super().__init__()
        self.trial = trial
        self.monitor = monitor

    def on_epoch_end(self, net: Any, **kwargs: Any) -> None:
        history = net.history
        if not history:
            return
        if self.monitor not in history[-1]:
            raise ValueError(f"net.history has no {self.monitor!r} column (it has {sorted(history[-1])}): monitor "
                             "one of those, e.g. 'valid_acc' with a train_split, or 'train_loss'")
        epoch = len(history) - 1
        value = float(history[-1, self.monitor])
        self.trial.report(value, step=epoch)
        if self.trial.should_prune():
            raise TrialPruned(f"pruned at epoch {epoch} ({self.monitor}={value:.6g})")
