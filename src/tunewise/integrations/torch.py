"""PyTorch: report and prune from a plain training loop, and an end-to-end MLP tuner.

Needs torch (``pip install "tunewise[torch]"``).

- :class:`PruningReporter`: one call per epoch reports the monitored metric, keeps the history
  of every metric on the trial, tracks the best value and raises :class:`tunewise.TrialPruned`
  when the study's scheduler says so.
- :func:`build_mlp`, :func:`make_optimizer`: a model and an optimizer from a config dict
  (``num_layers``, ``hidden_size``, ``dropout``, ``optimizer`` adam/sgd/adamw, ``learning_rate``,
  ``weight_decay``) -- the guide's end-to-end example.
- :class:`MLPTuner`: tunes those plus ``batch_size`` with pruning on a validation set, then
  retrains the best configuration and returns the model.
- :class:`TorchDistributedTrial`: one trial shared by the processes of a
  ``torch.distributed`` job (Optuna's ``optuna.integration.TorchDistributedTrial``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tunewise import distributions as D
from tunewise._legacy_suggest import LegacySuggest
from tunewise.exceptions import TrialPruned
from tunewise.integrations._optional import require
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["DEFAULT_CONFIG", "MLPTuner", "PruningReporter", "TorchDistributedTrial", "build_mlp", "make_optimizer",
           "mlp_space"]

torch = require("torch", "torch", "tunewise.integrations.torch")
nn = torch.nn

_OPTIMIZERS = ("adam", "sgd", "adamw")

#: Values used for any key a search space leaves out.
DEFAULT_CONFIG: dict[str, Any] = {
    "num_layers": 2,
    "hidden_size": 128,
    "dropout": 0.2,
    "learning_rate": 1e-3,
    "batch_size": 32,
    "optimizer": "adam",
    "weight_decay": 0.0,
}


def mlp_space() -> dict[str, D.Distribution]:
    """The guide's end-to-end search space for an MLP ("Complete Example: End-to-End Tuning").

    >>> sorted(mlp_space())
    ['batch_size', 'dropout', 'hidden_size', 'learning_rate', 'num_layers', 'optimizer', 'weight_decay']
    """
    return {
        "learning_rate": D.Float(1e-5, 1e-2, log=True),
        "hidden_size": D.Categorical((64, 128, 256, 512)),
        "num_layers": D.Int(2, 6),
        "dropout": D.Float(0.1, 0.5),
        "batch_size": D.Categorical((16, 32, 64, 128)),
        "weight_decay": D.Float(1e-6, 1e-3, log=True),
        "optimizer": D.Categorical(_OPTIMIZERS),
    }


def _as_float(value: Any, name: str) -> float:
    if hasattr(value, "detach"):
        value = value.detach().cpu()
    if hasattr(value, "item"):
        value = value.item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"metric {name!r} must be a number or a 0-d tensor, got {value!r}") from None


class PruningReporter:
    """Report a training loop's metrics to a trial, one call per epoch, and prune.

    ``monitor`` is the metric the scheduler judges (and that :attr:`best` tracks); ``mode`` is
    ``"max"`` or ``"min"`` (default: the study's direction). Every metric passed to :meth:`step`
    is kept in the trial's user attribute ``history`` ({metric: [values by epoch]}).

    >>> import tunewise as tw
    >>> study = tw.create_study(direction="maximize")
    >>> def objective(trial):
    ...     reporter = PruningReporter(trial, monitor="val_acc")
    ...     for epoch in range(3):
    ...         reporter.step(epoch, val_acc=0.5 + 0.1 * epoch, train_loss=1.0 / (epoch + 1))
    ...     return reporter.best
    >>> study.optimize(objective, n_trials=1)
    >>> round(study.best_value, 2), study.best_trial.user_attrs["best_epoch"]
    (0.7, 2)
    """

    def __init__(self, trial: Trial, monitor: str = "val_acc", *, mode: str | None = None) -> None:
        check_trial(trial)
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must name a metric, got {monitor!r}")
        if mode is None:
            mode = "max" if trial.study.direction == "maximize" else "min"
        if mode not in ("max", "min"):
            raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
        self.trial = trial
        self.monitor = monitor
        self.mode = mode
        self.history: dict[str, list[float]] = {}
        self.best: float = -math.inf if mode == "max" else math.inf
        self.best_epoch: int | None = None

    def step(self, epoch: int, value: float | None = None, **metrics: Any) -> None:
        """Record epoch ``epoch``: ``value`` (the monitored metric) or ``monitor=...`` among ``metrics``.

        Raises :class:`tunewise.TrialPruned` when the scheduler stops the trial.
        """
        if value is not None:
            metrics[self.monitor] = value
        if self.monitor not in metrics:
            raise ValueError(f"step() got metrics {sorted(metrics)} but not the monitored {self.monitor!r}: pass "
                             f"{self.monitor}=... or the value as the second argument")
        values = {k: _as_float(v, k) for k, v in metrics.items()}
        for k, v in values.items():
            self.history.setdefault(k, []).append(v)
        current = values[self.monitor]
        if not math.isnan(current):
            better = current > self.best if self.mode == "max" else current < self.best
            if better:
                self.best, self.best_epoch = current, int(epoch)
        self.trial.set_user_attr("history", self.history)
        self.trial.set_user_attr("best_epoch", self.best_epoch)
        self.trial.report(current, step=int(epoch))
        if self.trial.should_prune():
            raise TrialPruned(f"pruned at epoch {epoch} ({self.monitor}={current:.5g})")


class TorchDistributedTrial(LegacySuggest):
    """One trial seen by every process of a ``torch.distributed`` job (data-parallel training).

    Rank 0 holds the study's trial and passes it; the other ranks pass ``None``. Every call
    (``suggest_*``, ``report``, ``should_prune``, ``set_user_attr``) runs on rank 0's trial and
    its result, or its exception (``TrialPruned`` included), is broadcast to every rank, so all
    ranks train the same configuration and stop together. Every rank must make the same calls
    in the same order. ``torch.distributed.init_process_group`` must have been called;
    ``group`` is the process group to broadcast in (default: the whole job).

    >>> import tunewise as tw
    >>> def objective(single_trial):  # run on every rank; single_trial is None except on rank 0
    ...     trial = TorchDistributedTrial(single_trial)
    ...     lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    ...     for epoch in range(3):
    ...         trial.report(train_one_epoch(lr), epoch)  # doctest: +SKIP
    """

    def __init__(self, trial: Trial | None, group: Any = None) -> None:
        dist = torch.distributed
        if not dist.is_available() or not dist.is_initialized():
            raise RuntimeError("TorchDistributedTrial needs torch.distributed to be initialized: call "
                               "torch.distributed.init_process_group(...) in every process first")
        rank = dist.get_rank()
        if rank == 0 and not isinstance(trial, Trial):
            raise TypeError(f"on rank 0, trial must be the study's tunewise Trial, got {trial!r}")
        if rank != 0 and trial is not None:
            raise ValueError(f"on rank {rank}, trial must be None (only rank 0 holds the study's trial), got {trial!r}")
        self._delegate = trial
        self._group = group
        self._state: dict[str, Any] = {}
        self._on_rank0(lambda t: None)

    def _on_rank0(self, call: Any) -> Any:
        result: Any = None
        error: BaseException | None = None
        state: dict[str, Any] = {}
        if self._delegate is not None:
            try:
                result = call(self._delegate)
            except Exception as e:  # TrialPruned and the user's errors reach every rank
                error = e
            t = self._delegate
            state = {"number": t.number, "params": dict(t.params), "distributions": dict(t.distributions),
                     "user_attrs": dict(t.user_attrs), "datetime_start": t.datetime_start}
        message = [(result, error, state)]
        torch.distributed.broadcast_object_list(message, src=0, group=self._group)
        result, error, self._state = message[0]
        if error is not None:
            raise error
        return result

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None,
                      log: bool = False) -> float:
        return self._on_rank0(lambda t: t.suggest_float(name, low, high, step=step, log=log))  # type: ignore[no-any-return]

    def suggest_int(self, name: str, low: int, high: int, step: int = 1, log: bool = False) -> int:
        return self._on_rank0(lambda t: t.suggest_int(name, low, high, step=step, log=log))  # type: ignore[no-any-return]

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        return self._on_rank0(lambda t: t.suggest_categorical(name, choices))

    def report(self, value: float, step: int) -> None:
        # Every rank passes its own value; rank 0's is the one recorded (as in Optuna).
        self._on_rank0(lambda t: t.report(value, step))

    def should_prune(self) -> bool:
        return bool(self._on_rank0(lambda t: t.should_prune()))

    def set_user_attr(self, key: str, value: Any) -> None:
        self._on_rank0(lambda t: t.set_user_attr(key, value))

    def set_constraint(self, key: Any, value: float | None = None) -> None:
        self._on_rank0(lambda t: t.set_constraint(key, value))

    @property
    def number(self) -> int:
        return int(self._state["number"])

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._state["params"])

    @property
    def distributions(self) -> dict[str, Any]:
        return dict(self._state["distributions"])

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._state["user_attrs"])

    @property
    def datetime_start(self) -> Any:
        return self._state["datetime_start"]


def build_mlp(config: Mapping[str, Any], n_inputs: int, n_outputs: int) -> Any:
    """A ``nn.Sequential`` of ``num_layers`` blocks Linear -> ReLU -> Dropout, then a Linear head.

    >>> model = build_mlp({"num_layers": 2, "hidden_size": 16, "dropout": 0.1}, 8, 3)
    >>> [type(m).__name__ for m in model]
    ['Linear', 'ReLU', 'Dropout', 'Linear', 'ReLU', 'Dropout', 'Linear']
    """
    cfg = {**DEFAULT_CONFIG, **config}
    n_layers, hidden, dropout = int(cfg["num_layers"]), int(cfg["hidden_size"]), float(cfg["dropout"])
    if n_layers < 1:
        raise ValueError(f"num_layers must be >= 1, got {n_layers}")
    if hidden < 1:
        raise ValueError(f"hidden_size must be >= 1, got {hidden}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    layers: list[Any] = []
    width = int(n_inputs)
    for _ in range(n_layers):
        layers += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout)]
        width = hidden
    layers.append(nn.Linear(width, int(n_outputs)))
    return nn.Sequential(*layers)


def make_optimizer(model: Any, config: Mapping[str, Any]) -> Any:
    """Adam, SGD (momentum 0.9, as in the guide) or AdamW with ``learning_rate`` and ``weight_decay``."""
    cfg = {**DEFAULT_CONFIG, **config}
    name, lr, wd = cfg["optimizer"], float(cfg["learning_rate"]), float(cfg["weight_decay"])
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, weight_decay=wd, momentum=0.9)
    if name == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    raise ValueError(f"optimizer must be one of {list(_OPTIMIZERS)}, got {name!r}")


def _tensor(a: Any, dtype: Any) -> Any:
    if hasattr(a, "detach"):
        return a.detach().to(dtype)
    return torch.as_tensor(np.asarray(a), dtype=dtype)


class MLPTuner:
    """Tune an MLP on a train/validation split with pruning, then retrain the best configuration.

    ``task="classification"`` maximizes validation accuracy (cross-entropy loss);
    ``task="regression"`` minimizes validation MSE. ``space`` maps config keys to distributions
    or constants (default :func:`mlp_space`); keys it leaves out take :data:`DEFAULT_CONFIG`.
    Each trial trains up to ``max_epochs`` epochs and reports the validation metric every epoch;
    the scheduler (default: median stopping after ``max_epochs // 4`` epochs) prunes the bad ones.

    >>> import torch, tunewise as tw
    >>> torch.manual_seed(0) and None
    >>> X = torch.randn(200, 4); y = (X[:, 0] > 0).long()
    >>> tuner = MLPTuner(X[:150], y[:150], X[150:], y[150:], max_epochs=3, seed=0,
    ...                  space={"hidden_size": tw.choice([8, 16]), "num_layers": 1, "learning_rate": 1e-2})
    >>> study = tuner.tune(n_trials=2)
    >>> model = tuner.fit_best()
    >>> model(X[:2]).shape
    torch.Size([2, 2])
    """

    def __init__(self, X_train: Any, y_train: Any, X_val: Any, y_val: Any, *, task: str = "classification",
                 space: Mapping[str, Any] | None = None, max_epochs: int = 20, seed: int = 0,
                 sampler: Any = None, scheduler: Any = "median", storage: Any = None,
                 study_name: str | None = None) -> None:
        if task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 1:
            raise ValueError(f"max_epochs must be a positive integer, got {max_epochs!r}")
        self.task = task
        self.X_train = _tensor(X_train, torch.float32)
        self.X_val = _tensor(X_val, torch.float32)
        ydtype = torch.long if task == "classification" else torch.float32
        self.y_train = _tensor(y_train, ydtype)
        self.y_val = _tensor(y_val, ydtype)
        for name, X, y in (("train", self.X_train, self.y_train), ("val", self.X_val, self.y_val)):
            if X.ndim != 2 or len(X) != len(y):
                raise ValueError(f"X_{name} must be 2-D with one row per label: got X_{name} of shape "
                                 f"{tuple(X.shape)} and {len(y)} labels")
        if task == "regression" and self.y_train.ndim == 1:
            self.y_train, self.y_val = self.y_train[:, None], self.y_val[:, None]
        self.n_inputs = int(self.X_train.shape[1])
        if task == "classification":
            self.n_outputs = int(max(int(self.y_train.max()), int(self.y_val.max())) + 1)
        else:
            self.n_outputs = int(self.y_train.shape[1])
        self.space = dict(mlp_space() if space is None else space)
        unknown = set(self.space) - set(DEFAULT_CONFIG)
        if unknown:
            raise ValueError(f"space has keys {sorted(unknown)} that the MLP does not use; valid keys: "
                             f"{sorted(DEFAULT_CONFIG)}")
        self.max_epochs = max_epochs
        self.seed = seed
        self.sampler = sampler
        self.scheduler = scheduler
        self.storage = storage
        self.study_name = study_name
        self.metric_name = "val_acc" if task == "classification" else "val_mse"

    # ---- one configuration ----------------------------------------------------------------
    def suggest_config(self, trial: Trial) -> dict[str, Any]:
        """The config for ``trial``: suggested distributions, constants and defaults."""
        config = dict(DEFAULT_CONFIG)
        for key, spec in self.space.items():
            if isinstance(spec, (D.Float, D.Int, D.Categorical)):
                config[key] = trial.suggest(key, spec)
            elif isinstance(spec, (list, tuple)):
                config[key] = trial.suggest_categorical(key, spec)
            else:
                config[key] = spec
        return config

    def _loss(self) -> Any:
        return nn.CrossEntropyLoss() if self.task == "classification" else nn.MSELoss()

    def train_epoch(self, model: Any, optimizer: Any, X: Any, y: Any, batch_size: int, generator: Any) -> float:
        """One pass over ``X, y`` in shuffled mini-batches; returns the mean training loss."""
        model.train()
        loss_fn = self._loss()
        order = torch.randperm(len(X), generator=generator)
        total, n = 0.0, 0
        for start in range(0, len(X), int(batch_size)):
            idx = order[start:start + int(batch_size)]
            optimizer.zero_grad()
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += float(loss.item()) * len(idx)
            n += len(idx)
        return total / max(n, 1)

    @torch.no_grad()
    def evaluate(self, model: Any, X: Any, y: Any) -> float:
        """Validation accuracy (classification) or MSE (regression)."""
        model.eval()
        out = model(X)
        if self.task == "classification":
            return float((out.argmax(dim=1) == y).float().mean().item())
        return float(((out - y) ** 2).mean().item())

    def objective(self, trial: Trial) -> float:
        """Train one configuration for up to ``max_epochs``, reporting every epoch; return its best."""
        config = self.suggest_config(trial)
        torch.manual_seed(self.seed + trial.number)
        generator = torch.Generator().manual_seed(self.seed + trial.number)
        model = build_mlp(config, self.n_inputs, self.n_outputs)
        optimizer = make_optimizer(model, config)
        reporter = PruningReporter(trial, self.metric_name)
        for epoch in range(self.max_epochs):
            train_loss = self.train_epoch(model, optimizer, self.X_train, self.y_train, config["batch_size"],
                                          generator)
            score = self.evaluate(model, self.X_val, self.y_val)
            if not math.isfinite(train_loss):
                raise FloatingPointError(f"training diverged at epoch {epoch} (loss={train_loss}) with {config}")
            reporter.step(epoch, score, train_loss=train_loss)
        return reporter.best

    # ---- the search and the final model --------------------------------------------------------
    def _make_scheduler(self) -> Any:
        if self.scheduler == "median":
            from tunewise.schedulers import StepPruner

            return StepPruner("median", n_startup_trials=4, n_warmup_steps=max(1, self.max_epochs // 4))
        return self.scheduler

    def tune(self, n_trials: int | None = 20, timeout: float | None = None,
             callbacks: Sequence[Any] | None = None) -> Any:
        """Run the search; returns the :class:`tunewise.Study` (also kept as ``study_``)."""
        import tunewise as tw
        from tunewise.integrations._samplers import default_sampler

        direction = "maximize" if self.task == "classification" else "minimize"
        sampler = self.sampler if self.sampler is not None else default_sampler(self.seed)
        self.study_ = tw.create_study(name=self.study_name, storage=self.storage, direction=direction,
                                      sampler=sampler, scheduler=self._make_scheduler(),
                                      load_if_exists=self.study_name is not None)
        start = time.perf_counter()
        self.study_.optimize(self.objective, n_trials=n_trials, timeout=timeout, callbacks=callbacks,
                             catch=(FloatingPointError,))
        self.tune_time_ = time.perf_counter() - start
        best = self.study_.best_trial
        self.best_config_ = self.suggest_config_from(best.params)
        self.best_value_ = best.value
        self.best_epoch_ = best.user_attrs.get("best_epoch")
        return self.study_

    def suggest_config_from(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The full config of a finished trial's ``params`` (constants and defaults filled in)."""
        config = dict(DEFAULT_CONFIG)
        for key, spec in self.space.items():
            config[key] = params[key] if key in params else spec
        return config

    def fit_best(self, epochs: int | None = None, *, include_validation: bool = True) -> Any:
        """Retrain the best configuration from scratch and return the model (in eval mode).

        By default it trains on train + validation data for as many epochs as the best trial
        needed to reach its best validation score (``best_epoch_ + 1``).
        """
        if not hasattr(self, "best_config_"):
            raise RuntimeError("call tune() before fit_best()")
        if epochs is None:
            epochs = (self.best_epoch_ + 1) if self.best_epoch_ is not None else self.max_epochs
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        X, y = self.X_train, self.y_train
        if include_validation:
            X, y = torch.cat([X, self.X_val]), torch.cat([y, self.y_val])
        torch.manual_seed(self.seed)
        generator = torch.Generator().manual_seed(self.seed)
        model = build_mlp(self.best_config_, self.n_inputs, self.n_outputs)
        optimizer = make_optimizer(model, self.best_config_)
        for _ in range(epochs):
            self.train_epoch(model, optimizer, X, y, self.best_config_["batch_size"], generator)
        model.eval()
        self.model_ = model
        return model
