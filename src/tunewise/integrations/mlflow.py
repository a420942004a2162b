"""MLflow: log every trial as a nested run under one parent run per study.

Needs mlflow (``pip install "tunewise[mlflow]"``).
"""

from __future__ import annotations

import atexit
import functools
import json
import math
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tunewise.integrations._optional import require
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["MLflowCallback"]

mlflow = require("mlflow", "mlflow", "tunewise.integrations.mlflow")

RUN_ID_ATTRIBUTE_KEY = "mlflow_run_id"  # Optuna's key: the trial's run opened by track_in_mlflow()
_MLFLOW_KWARGS = ("experiment_id", "run_name", "nested", "tags")  # the keys Optuna's callback reads
_STATUS = {TrialState.COMPLETE: "FINISHED", TrialState.PRUNED: "KILLED", TrialState.FAILED: "FAILED"}
_MAX_PARAM = 6000  # MLflow's limit on a param value's length
_MAX_TAG = 8000


def _status_for(error: BaseException | type[BaseException] | None) -> str:
    """MLflow's status for a search that ended with ``error``: Ctrl-C and SIGTERM are KILLED."""
    kind = error if isinstance(error, type) or error is None else type(error)
    if kind is None:
        return "FINISHED"
    return "KILLED" if issubclass(kind, KeyboardInterrupt) else "FAILED"


class _OpenParents:
    """Parent runs still RUNNING in this process, ended at exit if nobody ended them: FINISHED,
    or KILLED / FAILED when the interpreter exits on an uncaught Ctrl-C or exception (ask-and-tell
    loops and other code that never tells the callback the search is over)."""

    def __init__(self) -> None:
        self.runs: dict[str, MLflowCallback] = {}
        self.uncaught: type[BaseException] | None = None
        self._lock = threading.Lock()
        self._installed = False

    def add(self, run_id: str, cb: MLflowCallback) -> None:
        with self._lock:
            self.runs[run_id] = cb
            if not self._installed:
                self._installed = True
                previous = sys.excepthook

                def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
                    self.uncaught = kind
                    previous(kind, value, tb)

                sys.excepthook = hook
                atexit.register(self.end_all)

    def discard(self, run_id: str) -> None:
        with self._lock:
            self.runs.pop(run_id, None)

    def end_all(self) -> None:
        status = _status_for(self.uncaught)
        for run_id, cb in list(self.runs.items()):
            try:
                cb._terminate(run_id, status, "the process exited" if self.uncaught is None
                              else f"the process exited on {self.uncaught.__name__}")
            except Exception:  # noqa: BLE001, S110 - at exit there is nobody left to tell
                pass


_OPEN = _OpenParents()


def _ms(ts: float | None) -> int:
    return int((ts if ts is not None else time.time()) * 1000)


def _text(value: Any, limit: int) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class MLflowCallback:
    """A study callback (``study.optimize(..., callbacks=[MLflowCallback(...)])``).

    For each finished trial it creates a run nested under the study's parent run (created on
    first use, found again by tag when the study resumes) and logs: the parameters; the final
    value(s) as ``metric_name``; every intermediate report as ``intermediate_metric`` with its
    step; the trial's state as the run status (COMPLETE -> FINISHED, PRUNED -> KILLED, FAILED ->
    FAILED) and as tag ``tunewise.state``; its number, the study name, user attributes and any
    ``tags`` as tags. The parent run holds the study's directions and sampler and a running
    ``best_value`` (step = trial number).

    The parent run ends when ``study.optimize`` ends: FINISHED when it returns, KILLED on Ctrl-C or
    SIGTERM, FAILED when an exception stops it, with its end time (and the reason in tag
    ``tunewise.end_reason``). Optimizing the study again reopens the same parent run. Code that
    drives trials itself (ask and tell) calls :meth:`end`; a parent still open when the process
    exits is ended then (KILLED or FAILED if the process dies of Ctrl-C or an exception).

    ``metric_name`` is a string, or one name per objective for multi-objective studies.

    Optuna's keywords work: ``create_experiment=False`` logs into the experiment that is active
    (``mlflow.set_experiment``) instead of one named after the study; ``mlflow_kwargs`` gives
    ``experiment_id`` (the experiment to log into), ``run_name`` (the trial runs' name), ``tags``
    (added to each trial run) and ``nested=True`` (the trial runs are nested under the run active
    when the first trial ends, ``with mlflow.start_run():`` around ``optimize``, which tunewise then
    never ends, instead of a parent run of its own); ``tag_trial_user_attrs`` is
    ``log_user_attrs``; ``tag_study_user_attrs=True`` adds the study's user attributes as tags
    ``study_user_attrs.KEY``. :meth:`track_in_mlflow` decorates an objective so that what it logs
    with ``mlflow.log_*`` goes to its trial's run.

    >>> import tunewise as tw, tempfile, os
    >>> uri = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "mlflow.db")
    >>> cb = MLflowCallback(tracking_uri=uri, experiment_name="demo", metric_name="loss")  # doctest: +SLOW
    >>> study = tw.create_study(name="demo-study")
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=3, callbacks=[cb])
    >>> import mlflow
    >>> client = mlflow.MlflowClient(uri)
    >>> runs = client.search_runs([client.get_experiment_by_name("demo").experiment_id])
    >>> len(runs)  # the study's parent run and one nested run per trial
    4
    >>> client.get_run(cb.parent_run_id(study)).info.status  # optimize() returned
    'FINISHED'
    """

    def __init__(self, tracking_uri: str | None = None, experiment_name: str | None = None,
                 metric_name: str | Sequence[str] = "value", *, intermediate_metric: str = "intermediate_value",
                 tags: Mapping[str, Any] | None = None, log_user_attrs: bool = True,
                 create_experiment: bool = True, mlflow_kwargs: Mapping[str, Any] | None = None,
                 tag_study_user_attrs: bool = False, tag_trial_user_attrs: bool | None = None) -> None:
        if tracking_uri is not None and not isinstance(tracking_uri, str):
            raise TypeError(f"tracking_uri must be a string (e.g. 'sqlite:///mlflow.db') or None, got {tracking_uri!r}")
        if experiment_name is not None and (not isinstance(experiment_name, str) or not experiment_name):
            raise ValueError(f"experiment_name must be a non-empty string or None, got {experiment_name!r}")
        names = [metric_name] if isinstance(metric_name, str) else list(metric_name)
        if not names or not all(isinstance(n, str) and n for n in names) or len(set(names)) != len(names):
            raise ValueError(f"metric_name must be a name or a list of distinct names, got {metric_name!r}")
        if not isinstance(intermediate_metric, str) or not intermediate_metric or intermediate_metric in names:
            raise ValueError(f"intermediate_metric must be a name different from metric_name, got "
                             f"{intermediate_metric!r}")
        self.tracking_uri = tracking_uri
        self.experiment_name = experiment_name
        self.metric_names = names
        self.intermediate_metric = intermediate_metric
        if mlflow_kwargs is not None and not isinstance(mlflow_kwargs, Mapping):
            raise TypeError(f"mlflow_kwargs must be a dict of mlflow.start_run arguments "
                            f"({', '.join(_MLFLOW_KWARGS)}), got {mlflow_kwargs!r}")
        self.tags = dict(tags or {})
        self.log_user_attrs = log_user_attrs if tag_trial_user_attrs is None else bool(tag_trial_user_attrs)
        self.create_experiment = bool(create_experiment)
        self.mlflow_kwargs = dict(mlflow_kwargs or {})
        self.tag_study_user_attrs = bool(tag_study_user_attrs)
        self._borrowed: set[str] = set()  # runs the user opened that trial runs nest under (never ended here)
        self._client: Any = None
        self._experiment_id: str | None = None
        self._parents: dict[str, str] = {}
        self._running: set[str] = set()  # parent runs this process opened (or reopened) and has not ended

    # ---- MLflow objects ------------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = mlflow.tracking.MlflowClient(tracking_uri=self.tracking_uri)
        return self._client

    def _experiment(self, study: Study) -> str:
        if self._experiment_id is None:
            if self.mlflow_kwargs.get("experiment_id") is not None:
                self._experiment_id = str(self.mlflow_kwargs["experiment_id"])
            elif not self.create_experiment and self.experiment_name is None:
                # Optuna's create_experiment=False: the experiment mlflow.set_experiment made active
                self._experiment_id = str(mlflow.tracking.fluent._get_experiment_id())
            else:
                name = self.experiment_name or study.study_name
                exp = self.client.get_experiment_by_name(name)
                self._experiment_id = exp.experiment_id if exp is not None else self.client.create_experiment(name)
        return self._experiment_id

    def parent_run_id(self, study: Study) -> str:
        """The id of the study's parent run (created on first use, reused when the study resumes)."""
        name = study.study_name
        if name in self._parents:
            return self._parents[name]
        active = mlflow.active_run() if self.mlflow_kwargs.get("nested") else None
        if active is not None:  # Optuna's nested=True: under the run the user opened
            run_id = str(active.info.run_id)
            self._borrowed.add(run_id)
            self._parents[name] = run_id
            return run_id
        exp = self._experiment(study)
        found = self.client.search_runs(
            [exp], filter_string=f"tags.`tunewise.study_name` = '{name}' and tags.`tunewise.role` = 'study'",
            max_results=1)
        if found:
            run_id = str(found[0].info.run_id)
        else:
            from mlflow.entities import Param, RunTag

            tags = {"tunewise.study_name": name, "tunewise.role": "study", "mlflow.runName": name,
                    **{k: _text(v, _MAX_TAG) for k, v in self.tags.items()}}
            run_id = self.client.create_run(exp, tags=tags).info.run_id
            strategy = study.system_attrs.get("strategy", {})
            params = [Param("directions", ",".join(study.directions))]
            if strategy:
                params.append(Param("strategy", _text(strategy, _MAX_PARAM)))
            self.client.log_batch(run_id, params=params, tags=[RunTag("tunewise.directions",
                                                                      ",".join(study.directions))])
            self._running.add(run_id)
            _OPEN.add(run_id, self)
        self._parents[name] = run_id
        return run_id

    def _ensure_running(self, run_id: str) -> None:
        """Reopen the parent run of a study that resumes (it was ended with the last search)."""
        if run_id in self._running or run_id in self._borrowed:
            return
        run = self.client.get_run(run_id)
        if run.info.status != "RUNNING":
            self.client.update_run(run_id, status="RUNNING")
            if "tunewise.end_reason" in run.data.tags:
                self.client.delete_tag(run_id, "tunewise.end_reason")
        self._running.add(run_id)
        _OPEN.add(run_id, self)

    # ---- ending the parent run ----------------------------------------------------------
    def on_optimize_end(self, study: Study, error: BaseException | None) -> None:
        """Called by ``study.optimize`` when it ends: ends the parent run with the matching status."""
        run_id = self._parents.get(study.study_name)
        if run_id is not None and run_id in self._running:
            reason = None if error is None else f"{type(error).__name__}: {error}".rstrip(": ")
            self._terminate(run_id, _status_for(error), reason)

    def end(self, study: Study, status: str = "FINISHED") -> None:
        """End the study's parent run (``FINISHED``, ``FAILED`` or ``KILLED``) when trials are not
        run by ``study.optimize`` (which ends it by itself). A later trial reopens it."""
        if status not in ("FINISHED", "FAILED", "KILLED"):
            raise ValueError(f"status must be 'FINISHED', 'FAILED' or 'KILLED', got {status!r}")
        if study.study_name in self._parents:
            self._terminate(self._parents[study.study_name], status, None)

    def _terminate(self, run_id: str, status: str, reason: str | None) -> None:
        if reason:
            self.client.set_tag(run_id, "tunewise.end_reason", _text(reason, _MAX_TAG))
        self.client.set_terminated(run_id, status=status, end_time=_ms(None))
        _OPEN.discard(run_id)
        self._running.discard(run_id)

    # ---- the trial runs -----------------------------------------------------------------
    def _trial_tags(self, study: Study, trial: Any, parent: str) -> dict[str, str]:
        state = trial.state.value if isinstance(trial, FrozenTrial) else TrialState.RUNNING.value
        return {
            "mlflow.parentRunId": parent,
            "mlflow.runName": str(self.mlflow_kwargs.get("run_name") or f"trial-{trial.number}"),
            "tunewise.study_name": study.study_name,
            "tunewise.trial_number": str(trial.number),
            "tunewise.state": state,
            "tunewise.role": "trial",
            **{k: _text(v, _MAX_TAG) for k, v in self.tags.items()},
            **{str(k): _text(v, _MAX_TAG) for k, v in dict(self.mlflow_kwargs.get("tags") or {}).items()},
        }

    def track_in_mlflow(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorate an objective so that what it logs with ``mlflow.log_*`` goes to its trial's run
        (as Optuna's ``track_in_mlflow``): the run is opened before the objective runs, and the
        callback then adds the parameters, value(s) and state to it.

        >>> import tunewise as tw, tempfile, os, mlflow
        >>> cb = MLflowCallback(tracking_uri="sqlite:///" + os.path.join(tempfile.mkdtemp(), "m.db"))  # doctest: +SLOW
        >>> @cb.track_in_mlflow()
        ... def objective(trial):
        ...     x = trial.suggest_float("x", -1, 1)
        ...     mlflow.log_metric("x_abs", abs(x))
        ...     return x ** 2
        >>> tw.create_study().optimize(objective, n_trials=2, callbacks=[cb])
        """

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(func)
            def wrapper(trial: Any) -> Any:
                study = trial.study
                if self.tracking_uri is not None:
                    mlflow.set_tracking_uri(self.tracking_uri)
                parent = self.parent_run_id(study)
                self._ensure_running(parent)
                run_id = self.client.create_run(self._experiment(study), start_time=_ms(None),
                                                tags=self._trial_tags(study, trial, parent)).info.run_id
                trial.set_system_attr(RUN_ID_ATTRIBUTE_KEY, run_id)
                with mlflow.start_run(run_id=run_id, nested=mlflow.active_run() is not None):
                    return func(trial)

            return wrapper

        return decorator

    # ---- the callback -------------------------------------------------------------------
    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        from mlflow.entities import Metric, Param, RunTag

        if len(self.metric_names) not in (1, len(study.directions)):
            raise ValueError(f"metric_name has {len(self.metric_names)} names but the study has "
                             f"{len(study.directions)} objectives: give one name per objective")
        parent = self.parent_run_id(study)
        self._ensure_running(parent)
        tags = self._trial_tags(study, trial, parent)
        if self.log_user_attrs:
            for k, v in trial.user_attrs.items():
                tags[f"user_attrs.{k}"] = _text(v, _MAX_TAG)
        if self.tag_study_user_attrs:
            for k, v in study.user_attrs.items():
                tags[f"study_user_attrs.{k}"] = _text(v, _MAX_TAG)
        if trial.state == TrialState.FAILED and trial.system_attrs.get("fail_reason"):
            tags["tunewise.fail_reason"] = _text(trial.system_attrs["fail_reason"], _MAX_TAG)
        start = _ms(trial.datetime_start_ts)
        end = _ms(trial.datetime_complete_ts)
        run_id = trial.system_attrs.get(RUN_ID_ATTRIBUTE_KEY)  # opened by track_in_mlflow()
        if run_id is None:
            run_id = self.client.create_run(self._experiment(study), start_time=start, tags=tags).info.run_id
        else:
            self.client.log_batch(run_id, tags=[RunTag(k, v) for k, v in tags.items()])
        params = [Param(k, _text(v, _MAX_PARAM)) for k, v in trial.params.items()]
        metrics = []
        names = self.metric_names if len(self.metric_names) > 1 else self.metric_names * len(trial.values or [])
        for name, value in zip(names, trial.values or [], strict=False):
            if value is not None and math.isfinite(value):
                metrics.append(Metric(name, float(value), end, 0))
        for step, value in sorted(trial.intermediate_values.items()):
            if math.isfinite(value):
                metrics.append(Metric(self.intermediate_metric, float(value), start, int(step)))
        # log_batch takes at most 1000 metrics per call
        for i in range(0, max(len(metrics), 1), 1000):
            self.client.log_batch(run_id, metrics=metrics[i:i + 1000], params=params if i == 0 else [],
                                  tags=[RunTag("tunewise.n_reports", str(len(trial.intermediate_values)))]
                                  if i == 0 else [])
        self.client.set_terminated(run_id, status=_STATUS.get(trial.state, "FINISHED"), end_time=end)
        self._update_parent(study, parent, trial)

    def _update_parent(self, study: Study, parent: str, trial: FrozenTrial) -> None:
        from mlflow.entities import Metric

        if len(study.directions) != 1 or parent in self._borrowed:
            return
        try:
            best = study.best_trial
        except ValueError:  # no complete trial yet
            return
        if not best.values:
            return
        self.client.log_batch(parent, metrics=[Metric("best_value", float(best.values[0]), _ms(None),
                                                      trial.number)])
        self.client.set_tag(parent, "tunewise.best_trial", str(best.number))
        self.client.set_tag(parent, "tunewise.best_params", _text(best.params, _MAX_TAG))
