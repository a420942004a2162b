"""Weights & Biases: log every trial to a W&B run, offline by default (no account, no network).

Needs wandb (``pip install wandb``). Offline runs are written under ``dir`` (``./wandb`` by
default); ``wandb sync DIR`` uploads them later if you have an account.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tunewise.integrations._optional import require
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["WeightsAndBiasesCallback"]

wandb = require("wandb", "wandb", "tunewise.integrations.wandb")


class WeightsAndBiasesCallback:
    """A study callback (``study.optimize(..., callbacks=[WeightsAndBiasesCallback()])``), as
    Optuna's of the same name.

    By default the study is one W&B run (named after the study; its config holds the directions
    and the sampler) and each finished trial is one logged row: ``trial_number``, the value(s) as
    ``metric_name``, ``best_value``, ``state`` and the parameters as ``params/NAME``. With
    ``as_multirun=True`` each trial is a run of its own, grouped by the study's name: its config
    is the trial's parameters, its history the trial's reports (``intermediate_metric`` at each
    step), its summary the value(s) and state; FAILED trials end as failed runs.

    ``wandb_kwargs`` go to ``wandb.init`` (``project``, ``dir``, ``entity``, ``tags``...);
    ``mode`` defaults to ``"offline"``, so nothing needs an account or the network. The run
    the callback opens is ``wandb.run`` (unless the script has a run of its own open). The study's
    run stays open when ``study.optimize`` returns, as Optuna's does (the script may add to it:
    ``wandb.run.summary[...]``), and ends at :meth:`end`, ``wandb.finish()`` or exit; an exception
    or Ctrl-C that stops ``optimize`` finishes it as failed. :meth:`track_in_wandb` lets the
    objective log to its trial's run.

    >>> import tunewise as tw, tempfile
    >>> cb = WeightsAndBiasesCallback(metric_name="loss", wandb_kwargs={"dir": tempfile.mkdtemp(),
    ...                                                              "project": "demo"})  # doctest: +SKIP
    >>> study = tw.create_study(name="demo-study")  # doctest: +SKIP
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=3, callbacks=[cb])  # doctest: +SKIP
    """

    def __init__(self, metric_name: str | Sequence[str] = "value", wandb_kwargs: Mapping[str, Any] | None = None,
                 as_multirun: bool = False, *, intermediate_metric: str = "intermediate_value") -> None:
        names = [metric_name] if isinstance(metric_name, str) else list(metric_name)
        if not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
            raise ValueError(f"metric_name must be a name or a list of distinct names, got {metric_name!r}")
        if wandb_kwargs is not None and not isinstance(wandb_kwargs, Mapping):
            raise TypeError(f"wandb_kwargs must be a dict of wandb.init arguments, got {wandb_kwargs!r}")
        if not isinstance(intermediate_metric, str) or not intermediate_metric or intermediate_metric in names:
            raise ValueError(f"intermediate_metric must be a name different from metric_name, got "
                             f"{intermediate_metric!r}")
        self.metric_names = names
        self.wandb_kwargs = dict(wandb_kwargs or {})
        self.as_multirun = bool(as_multirun)
        self.intermediate_metric = intermediate_metric
        self._runs: dict[str, Any] = {}  # study name -> its W&B run (single-run mode)
        self._trial_runs: dict[tuple[str, int], Any] = {}  # runs track_in_wandb() opened (as_multirun)
        self._pid = os.getpid()

    def _names(self, study: Study) -> list[str]:
        if len(self.metric_names) == len(study.directions):
            return self.metric_names
        if len(self.metric_names) == 1:
            return [f"{self.metric_names[0]}_{i}" for i in range(len(study.directions))]
        raise ValueError(f"metric_name has {len(self.metric_names)} names but the study has "
                         f"{len(study.directions)} objectives: give one name per objective")

    def _init(self, **kwargs: Any) -> Any:
        # The run becomes wandb.run (as Optuna's does), so the objective's and the script's own
        # wandb.log / wandb.run.summary reach it; a run the user already has open stays theirs.
        reinit = "finish_previous" if wandb.run is None else "create_new"
        settings = {"mode": "offline", "reinit": reinit, **kwargs, **self.wandb_kwargs}
        if kwargs.get("config") and self.wandb_kwargs.get("config"):
            settings["config"] = {**self.wandb_kwargs["config"], **kwargs["config"]}
        return wandb.init(**settings)

    def _values(self, study: Study, trial: FrozenTrial) -> dict[str, float]:
        return {name: float(v) for name, v in zip(self._names(study), trial.values or [], strict=False)
                if v is not None and math.isfinite(v)}

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        values = self._values(study, trial)
        if self.as_multirun:
            self._log_run_per_trial(study, trial, values)
            return
        run = self._study_run(study)
        row: dict[str, Any] = {"trial_number": trial.number, "state": trial.state.value, **values}
        row.update({f"params/{k}": v for k, v in trial.params.items()})
        if len(study.directions) == 1:
            try:
                row["best_value"] = study.best_value
            except ValueError:  # no COMPLETE trial yet
                pass
        run.log(row)

    def _study_run(self, study: Study) -> Any:
        run = self._runs.get(study.study_name)
        if run is None or getattr(run, "_is_finished", False):  # (the script may have called wandb.finish())
            strategy = study.system_attrs.get("strategy", {})
            run = self._runs[study.study_name] = self._init(
                name=study.study_name, config={"study_name": study.study_name,
                                               "directions": [str(d) for d in study.directions], "strategy": strategy})
        return run

    def _trial_run(self, study: Study, number: int) -> Any:
        return self._init(name=f"{study.study_name}-trial-{number}", group=study.study_name,
                          config={"trial_number": number})

    def track_in_wandb(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorate an objective so that its own ``wandb.log`` calls (and ``wandb.run.summary``)
        go to the run the callback logs the trial to, as Optuna's ``track_in_wandb``: the trial's run
        with ``as_multirun=True`` (opened before the objective runs; the callback adds the parameters,
        reports and value(s), then finishes it), else the study's run. With ``optimize(n_jobs=k > 1)``
        the objective runs in worker processes, which cannot hand their run to the callback: each
        trial then has the objective's run (finished when it returns) and the callback's.

        >>> import tunewise as tw, tempfile, wandb
        >>> cb = WeightsAndBiasesCallback(wandb_kwargs={"dir": tempfile.mkdtemp()}, as_multirun=True)  # doctest: +SKIP
        >>> @cb.track_in_wandb()  # doctest: +SKIP
        ... def objective(trial):
        ...     x = trial.suggest_float("x", -1, 1)
        ...     wandb.log({"x_abs": abs(x)})
        ...     return x ** 2
        >>> tw.create_study().optimize(objective, n_trials=2, callbacks=[cb])  # doctest: +SKIP
        """

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(func)
            def wrapper(trial: Any) -> Any:
                study = trial.study
                if not self.as_multirun:
                    self._study_run(study)
                    return func(trial)
                key = (study.study_name, trial.number)
                run = self._trial_runs[key] = self._trial_run(study, trial.number)
                if os.getpid() == self._pid:
                    return func(trial)  # the callback, in this process, logs the trial to it and finishes it
                try:  # a worker process: the callback runs in the parent, which cannot reach this run
                    return func(trial)
                finally:
                    self._trial_runs.pop(key, None)
                    run.finish()

            return wrapper

        return decorator

    def _log_run_per_trial(self, study: Study, trial: FrozenTrial, values: Mapping[str, float]) -> None:
        run = self._trial_runs.pop((study.study_name, trial.number), None)
        if run is None:
            run = self._trial_run(study, trial.number)
        run.config.update(dict(trial.params), allow_val_change=True)
        replay = getattr(run, "step", 0) == 0  # not when the objective logged its own history (track_in_wandb)
        for step, value in sorted(trial.intermediate_values.items()) if replay else ():
            if math.isfinite(value):
                run.log({self.intermediate_metric: value}, step=int(step))
        run.summary.update({**values, "state": trial.state.value, "trial_number": trial.number})
        run.finish(exit_code=1 if trial.state == TrialState.FAILED else 0)

    def on_optimize_end(self, study: Study, error: BaseException | None) -> None:
        """Called by ``study.optimize`` when it ends. When an exception (or Ctrl-C) stopped it the
        study's run is finished as failed; when it returned, the run stays open, as Optuna's does, so
        the script can add to it (``wandb.run.summary[...] = ...``, ``wandb.log(...)``) and a later
        ``optimize`` of the study continues it. It is finished by :meth:`end`, ``wandb.finish()`` or
        when the process exits."""
        if error is not None:
            run = self._runs.pop(study.study_name, None)
            if run is not None and not getattr(run, "_is_finished", False):
                run.finish(exit_code=1)

    def end(self, study: Study) -> None:
        """Finish the study's run (``study.optimize`` leaves it open for the script to add to)."""
        run = self._runs.pop(study.study_name, None)
        if run is not None and not getattr(run, "_is_finished", False):
            run.finish(exit_code=0)
