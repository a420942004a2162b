"""The progress bar of ``study.optimize(show_progress_bar=True)``: trials done and best value so far."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study


class ProgressBar:
    def __init__(self, enabled: bool, n_trials: int | None, timeout: float | None, study: Study) -> None:
        self._bar: Any = None
        self._best: float | None = None
        self._study = study
        self._swapped: tuple[logging.Handler, logging.Handler] | None = None
        if not enabled:
            return
        from tqdm.auto import tqdm

        total = n_trials if n_trials is not None else None
        self._bar = tqdm(total=total, desc=f"{study.study_name}", unit="trial", dynamic_ncols=True)
        self._route_log_lines_above_the_bar()

    def _route_log_lines_above_the_bar(self) -> None:
        # As Optuna's bar: while it is shown, tunewise's default handler gives way to one that prints
        # with tqdm.write (above the bar, on stdout); a user's own handlers, or a default handler the
        # user disabled, are left as they are.
        from tunewise import logging as tw_logging
        from tunewise.progress_bar import _TqdmLoggingHandler

        logger = logging.getLogger("tunewise")
        default = tw_logging._handler
        if default is None or default not in logger.handlers:
            return
        above = _TqdmLoggingHandler()
        above.setLevel(default.level)
        above.setFormatter(default.formatter)
        logger.handlers[logger.handlers.index(default)] = above  # in place: the handlers keep their order
        self._swapped = (default, above)

    def update(self, trial: FrozenTrial) -> None:
        if self._bar is None:
            return
        if trial.state == TrialState.COMPLETE and trial.values and len(self._study.directions) == 1:
            v = trial.values[0]
            better = (lambda a, b: a > b) if self._study.directions[0] == "maximize" else (lambda a, b: a < b)
            if self._best is None or better(v, self._best):
                self._best = v
        if self._best is not None:
            self._bar.set_postfix_str(f"best={self._best:.6g} (trial {trial.number}: {trial.state.value})")
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        if self._swapped is not None:
            default, above = self._swapped
            handlers = logging.getLogger("tunewise").handlers
            if above in handlers:
                handlers[handlers.index(above)] = default
            self._swapped = None
