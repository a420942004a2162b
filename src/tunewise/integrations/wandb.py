"""Weights & Biases: log every trial to a W&B run, offline by default (no account, no network).

Needs wandb (``pip install wandb``). Offline runs are written under ``dir`` (``./wandb`` by
default); ``wandb sync DIR`` uploads them later if you have an account.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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
    ``mode`` defaults to ``"offline"``, so nothing needs an account or the network. The study's
    run ends when ``study.optimize`` returns (failed if an exception or Ctrl-C stopped it), or at
    :meth:`end`.

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

    def _names(self, study: Study) -> list[str]:
        if len(self.metric_names) == len(study.directions):
            return self.metric_names
        if len(self.metric_names) == 1:
            return [f"{self.metric_names[0]}_{i}" for i in range(len(study.directions))]
        raise ValueError(f"metric_name has {len(self.metric_names)} names but the study has "
                         f"{len(study.directions)} objectives: give one name per objective")

    def _init(self, **kwargs: Any) -> Any:
        settings = {"mode": "offline", "reinit": "create_new", **kwargs, **self.wandb_kwargs}
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
        run = self._runs.get(study.study_name)
        if run is None:
            strategy = study.system_attrs.get("strategy", {})
            run = self._runs[study.study_name] = self._init(
                name=study.study_name, config={"study_name": study.study_name, "directions": study.directions,
                                               "strategy": strategy})
        row: dict[str, Any] = {"trial_number": trial.number, "state": trial.state.value, **values}
        row.update({f"params/{k}": v for k, v in trial.params.items()})
        if len(study.directions) == 1:
            try:
                row["best_value"] = study.best_value
            except ValueError:  # no COMPLETE trial yet
                pass
        run.log(row)

    def _log_run_per_trial(self, study: Study, trial: FrozenTrial, values: Mapping[str, float]) -> None:
        run = self._init(name=f"{study.study_name}-trial-{trial.number}", group=study.study_name,
                         config={**trial.params, "trial_number": trial.number})
        for step, value in sorted(trial.intermediate_values.items()):
            if math.isfinite(value):
                run.log({self.intermediate_metric: value}, step=int(step))
        run.summary.update({**values, "state": trial.state.value, "trial_number": trial.number})
        run.finish(exit_code=1 if trial.state == TrialState.FAILED else 0)

    def on_optimize_end(self, study: Study, error: BaseException | None) -> None:
        """Called by ``study.optimize`` when it ends: finishes the study's run (failed on an error)."""
        run = self._runs.pop(study.study_name, None)
        if run is not None:
            run.finish(exit_code=0 if error is None else 1)

    def end(self, study: Study) -> None:
        """Finish the study's run when trials are not run by ``study.optimize``."""
        self.on_optimize_end(study, None)
