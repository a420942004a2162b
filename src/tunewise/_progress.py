"""The progress bar of ``study.optimize(show_progress_bar=True)``: trials done and best value so far."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study


class ProgressBar:
    def __init__(self, enabled: bool, n_trials: int | None, timeout: float | None, study: Study) -> None:
        self._bar: Any = None
        self._best: float | None = None
        self._study = study
        if not enabled:
            return
        from tqdm.auto import tqdm

        total = n_trials if n_trials is not None else None
        self._bar = tqdm(total=total, desc=f"{study.study_name}", unit="trial", dynamic_ncols=True)

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
