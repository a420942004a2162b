"""Optuna's module path ``optuna.progress_bar``: the tqdm bar of ``study.optimize(show_progress_bar=True)``.

Optuna keeps one class here, ``_ProgressBar(is_valid, n_trials=None, timeout=None)``, which code
that runs its own optimize loop imports (optuna-distributed does); this is that class with Optuna's
arguments and behaviour: a bar of ``n_trials`` steps (or of ``timeout`` seconds), its description
``Best trial: N. Best value: V`` for one objective, and tunewise's log lines printed through
``tqdm.write`` while it is shown, so they do not break the bar. ``study.optimize`` draws its own.

>>> import tunewise as tw
>>> from tunewise.progress_bar import _ProgressBar
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> bar = _ProgressBar(is_valid=False, n_trials=3)  # is_valid=False: shows nothing
>>> for _ in range(3):
...     study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
...     bar.update(elapsed_seconds=0.1, study=study)
>>> bar.close()
"""

from __future__ import annotations

import logging
import warnings
from typing import TYPE_CHECKING, Any

from tunewise import logging as tw_logging

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["_ProgressBar"]


class _TqdmLoggingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record with ``tqdm.write`` (above the bar, not through it)."""

    def emit(self, record: logging.LogRecord) -> None:
        from tqdm.auto import tqdm

        try:
            tqdm.write(self.format(record))
            self.flush()
        except Exception:
            self.handleError(record)


class _ProgressBar:
    """Optuna's progress bar: ``update(elapsed_seconds, study)`` after each trial, ``close()`` at the end.

    ``is_valid=False``, or neither ``n_trials`` nor ``timeout`` (a UserWarning, as in Optuna), shows nothing.
    """

    def __init__(self, is_valid: bool, n_trials: int | None = None, timeout: float | None = None) -> None:
        if is_valid and n_trials is None and timeout is None:
            warnings.warn("Progress bar won't be displayed because n_trials and timeout are None.", UserWarning,
                          stacklevel=2)
        self._is_valid = is_valid and (n_trials or timeout) is not None
        self._n_trials = n_trials
        self._timeout = timeout
        self._last_elapsed_seconds = 0.0
        self._handler: _TqdmLoggingHandler | None = None
        self._bar: Any = None
        if not self._is_valid:
            return
        from tqdm.auto import tqdm

        if n_trials is not None:
            self._bar = tqdm(total=n_trials)
        else:
            assert timeout is not None
            fmt = "{desc} {percentage:3.0f}%|{bar}| {elapsed}/" + tqdm.format_interval(timeout)
            self._bar = tqdm(total=timeout, bar_format=fmt)
        self._handler = _TqdmLoggingHandler()
        self._handler.setLevel(logging.INFO)
        self._handler.setFormatter(logging.Formatter("[%(levelname)1.1s %(asctime)s] %(message)s"))
        tw_logging.disable_default_handler()
        tw_logging.get_logger("tunewise").addHandler(self._handler)

    def update(self, elapsed_seconds: float, study: Study) -> None:
        """One more trial done (``n_trials`` bar) or ``elapsed_seconds`` since the start (``timeout`` bar)."""
        if not self._is_valid:
            return
        if len(study.directions) == 1:
            try:
                self._bar.set_description(f"Best trial: {study.best_trial.number}. Best value: {study.best_value:.6g}")
            except ValueError:  # no COMPLETE trial yet
                pass
        if self._n_trials is not None:
            self._bar.update(1)
            if self._timeout is not None:
                self._bar.set_postfix_str(f"{elapsed_seconds:.02f}/{self._timeout} seconds")
            return
        assert self._timeout is not None
        step = min(elapsed_seconds, self._timeout) - self._last_elapsed_seconds
        self._bar.update(max(step, 0.0))
        self._last_elapsed_seconds = min(elapsed_seconds, self._timeout)

    def close(self) -> None:
        """Close the bar; tunewise's log lines go back to the default handler."""
        if not self._is_valid:
            return
        self._bar.close()
        if self._handler is not None:
            tw_logging.get_logger("tunewise").removeHandler(self._handler)
            self._handler = None
            tw_logging.enable_default_handler()
