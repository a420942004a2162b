"""TensorBoard: write each finished trial's parameters and value for the HParams dashboard.

Needs the tensorboard package (``pip install "tunewise[tensorboard]"``), not TensorFlow: the
events are written with TensorBoard's own writer. :class:`TensorBoardCallback` is Optuna's
``TensorBoardCallback(dirname, metric_name)``: run ``tensorboard --logdir <dirname>`` and open
the HParams tab.

>>> import tunewise as tw
>>> from tunewise.integrations.tensorboard import TensorBoardCallback
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise.integrations._optional import require
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["TensorBoardCallback"]

_PURPOSE = "tunewise.integrations.tensorboard"
# The tensorboard package's own modules; ``tensorboard.plugins.hparams.api`` would import TensorFlow.
_hp = require("tensorboard.plugins.hparams.summary_v2", "tensorboard", _PURPOSE)
_scalar = require("tensorboard.plugins.scalar.summary_v2", "tensorboard", _PURPOSE)
_writer = require("tensorboard.summary.writer.event_file_writer", "tensorboard", _PURPOSE)
_event_pb2 = require("tensorboard.compat.proto.event_pb2", "tensorboard", _PURPOSE)


class TensorBoardCallback:
    """After each COMPLETE trial, write its parameters (TensorBoard's HParams plugin) and its value
    as the scalar ``metric_name`` to ``<dirname>/trial-<number>``, at step = the trial's number.

    Pruned and failed trials are not written (as in Optuna). For a multi-objective study,
    ``metric_name`` is one name per objective, or one name that gets ``_0``, ``_1``... appended.
    A categorical parameter whose choices mix types (or are not bool, int, float or str) is
    written as text, as Optuna does.

    >>> import tempfile, tunewise as tw
    >>> logdir = tempfile.mkdtemp()
    >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 3), n_trials=2,
    ...                callbacks=[TensorBoardCallback(logdir, metric_name="score")])
    >>> sorted(os.listdir(logdir))
    ['trial-0', 'trial-1']
    """

    def __init__(self, dirname: str | os.PathLike[str], metric_name: str | Sequence[str]) -> None:
        if not isinstance(dirname, (str, os.PathLike)) or not os.fspath(dirname):
            raise TypeError(f"dirname must be the log directory (a path), got {dirname!r}")
        names = [metric_name] if isinstance(metric_name, str) else list(metric_name)
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f"metric_name must be a non-empty string (or one per objective), got {metric_name!r}")
        self.dirname = os.fspath(dirname)
        self.metric_name = metric_name
        self._names = names
        self._hparams: dict[str, Any] = {}

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if trial.state != TrialState.COMPLETE:
            return
        values = list(trial.values or [])
        hparams = {self._hparam(name, trial.distributions.get(name)): self._value(name, value)
                   for name, value in trial.params.items()}
        run_name = f"trial-{trial.number}"
        start = trial.datetime_start.timestamp() if trial.datetime_start else time.time()
        writer = _writer.EventFileWriter(os.path.join(self.dirname, run_name))
        try:
            self._add(writer, trial.number, _hp.hparams_pb(hparams, trial_id=run_name, start_time_secs=start))
            for name, value in zip(self._metric_names(len(values)), values):
                score = float(value) if value is not None else math.nan
                self._add(writer, trial.number, _scalar.scalar_pb(name, score))
        finally:
            writer.close()

    def _metric_names(self, n: int) -> list[str]:
        if len(self._names) == n:
            return self._names
        if len(self._names) == 1:
            return [f"{self._names[0]}_{i}" for i in range(n)]
        raise ValueError(f"metric_name has {len(self._names)} names ({self._names}) for a study of {n} objectives: "
                         "give one name per objective, or one name")

    @staticmethod
    def _add(writer: Any, step: int, summary: Any) -> None:
        writer.add_event(_event_pb2.Event(wall_time=time.time(), step=step, summary=summary))

    def _hparam(self, name: str, dist: D.Distribution | None) -> Any:
        """The HParam for ``name``, its domain from the distribution the trial sampled it from."""
        known = self._hparams.get(name)
        if known is not None:
            return known
        domain: Any = None
        if isinstance(dist, D.Float):
            domain = _hp.RealInterval(float(dist.low), float(dist.high))
        elif isinstance(dist, D.Int):
            domain = _hp.IntInterval(int(dist.low), int(dist.high))
        elif isinstance(dist, D.Categorical):
            domain = _hp.Discrete([self._as_tensorboard(dist.choices, c) for c in dist.choices])
        self._hparams[name] = param = _hp.HParam(name, domain)
        return param

    def _value(self, name: str, value: Any) -> Any:
        domain = self._hparams[name].domain
        if isinstance(domain, _hp.Discrete):
            return domain.dtype(value)
        return value

    @staticmethod
    def _as_tensorboard(choices: Sequence[Any], choice: Any) -> Any:
        # TensorBoard's Discrete domains hold one type among bool, int, float and str.
        kind = type(choices[0])
        if kind in (bool, int, float, str) and all(type(c) is kind for c in choices):
            return choice
        return str(choice)
