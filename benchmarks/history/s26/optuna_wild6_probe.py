"""Probe for session 26's batch of third-party Optuna scripts: the calls next to the scripts (their commented-out
lines, the fixed-up form of a call that fails under both libraries, the branches a short run does not reach),
run once under Optuna and once under tunewise. Each case prints one line: its name, then OK and a small result
or the exception's type and message.

    PYTHONPATH=/tmp/s24w/extra .venv/bin/python benchmarks/history/s26/optuna_wild6_probe.py optuna
    PYTHONPATH=/tmp/s26w/before/src .venv/bin/python benchmarks/history/s26/optuna_wild6_probe.py tunewise
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

warnings.simplefilter("ignore")
LIB = sys.argv[1] if len(sys.argv) > 1 else "tunewise"
if LIB == "optuna":
    import optuna
    import optuna.integration.lightgbm as lgb_tuner
else:
    import tunewise as optuna  # type: ignore[no-redef]
    import tunewise.integration.lightgbm as lgb_tuner  # type: ignore[no-redef]

optuna.logging.set_verbosity(optuna.logging.ERROR)
os.chdir(tempfile.mkdtemp())


def case(name: str) -> Callable[[Callable[[], Any]], None]:
    def run(fn: Callable[[], Any]) -> None:
        try:
            print(f"{name}: OK {fn()}", flush=True)
        except Exception as exc:  # noqa: BLE001 - the probe reports every outcome
            print(f"{name}: {type(exc).__name__}: {str(exc)[:200]}", flush=True)

    return run


@case("darenr: LightGBMTunerCV with LightGBM 4's callbacks in place of verbose_eval / early_stopping_rounds")
def _() -> Any:
    import sklearn.datasets
    from lightgbm import early_stopping, log_evaluation
    from sklearn.model_selection import KFold

    data, target = sklearn.datasets.load_breast_cancer(return_X_y=True)
    tuner = lgb_tuner.LightGBMTunerCV(
        {"objective": "binary", "metric": "binary_logloss", "verbosity": -1},
        lgb_tuner.Dataset(data, label=target),
        time_budget=15,
        folds=KFold(n_splits=3),
        callbacks=[early_stopping(50, verbose=False), log_evaluation(0)],
        show_progress_bar=False,
    )
    tuner.run()
    return type(tuner.best_score).__name__, "feature_fraction" in tuner.best_params


@case("floringogianu: RDBStorage(heartbeat_interval, grace_period, failed_trial_callback=RetryFailedTrialCallback)")
def _() -> Any:
    storage = optuna.storages.RDBStorage(
        url="sqlite:///hb.db",
        heartbeat_interval=60,
        grace_period=600,
        failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=3),
    )
    study = optuna.create_study(storage=storage, study_name="hb", direction="maximize", load_if_exists=True)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    return len(study.trials)


@case("wattlebirdaz (public import): one TPESampler object and one RDBStorage object for three studies")
def _() -> Any:
    storage = optuna.storages.RDBStorage("sqlite:///shared.db")
    sampler = optuna.samplers.TPESampler()
    sizes = []
    for _ in range(3):
        study = optuna.create_study(sampler=sampler, storage=storage)
        study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1), n_trials=12)
        sizes.append(len(study.trials))
    return sizes


@case("luis: suggest_float(name, v, v) / suggest_int(name, v, v), saved steps reported again")
def _() -> Any:
    study = optuna.create_study(direction="maximize")

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 2.5, 2.5)
        y = trial.suggest_int("y", 7, 7)
        for step, value in {0: 1.0, 1: 2.0}.items():
            trial.report(value, step)
        return x + y

    study.optimize(objective, n_trials=2)
    return [t.params for t in study.trials], [t.intermediate_values for t in study.trials]


@case("floringogianu: MaxTrialsCallback(6, states=None) with failed trials caught")
def _() -> Any:
    study = optuna.create_study()

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 3 == 0:
            raise RuntimeError("boom")
        return x

    study.optimize(objective, callbacks=[optuna.study.MaxTrialsCallback(6, states=None)], catch=(RuntimeError,))
    return len(study.trials), sorted({t.state.name for t in study.trials})


@case("thytu: get_trials(deepcopy=False, states=(PRUNED,)) + [COMPLETE]")
def _() -> Any:
    study = optuna.create_study()

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        if x > 0.5:
            raise optuna.TrialPruned()
        return x

    study.optimize(objective, n_trials=8)
    states = optuna.trial.TrialState
    return len(study.get_trials(deepcopy=False, states=(states.PRUNED,))) + len(
        study.get_trials(deepcopy=False, states=[states.COMPLETE])
    )


@case("himkt: copy_study, delete_study, copy_study back, get_all_study_summaries")
def _() -> Any:
    first, second = "sqlite:///a.db", "sqlite:///b.db"
    study = optuna.create_study(study_name="test", storage=first)
    study.set_user_attr("k", 1)
    study.optimize(lambda t: t.suggest_int("y", 1, 10, log=True) + t.suggest_float("x", 0, 10, step=2.0), n_trials=4)
    optuna.copy_study(from_study_name="test", from_storage=first, to_study_name="test", to_storage=second)
    optuna.delete_study(study_name="test", storage=first)
    optuna.copy_study(from_study_name="test", from_storage=second, to_study_name="test", to_storage=first)
    back = optuna.load_study(study_name="test", storage=first)
    names = [s.study_name for s in optuna.get_all_study_summaries(first)]
    return len(back.trials), back.user_attrs, names, back.trials[0].distributions["x"].step


@case("riron: trials_dataframe() and best_value of a study with no trial")
def _() -> Any:
    study = optuna.create_study(study_name="e", storage="sqlite:///e.db")
    frame = study.trials_dataframe()
    try:
        best = study.best_value
    except ValueError:
        return "ValueError", frame.shape
    return f"no error: {best}", frame.shape


@case("study.stop() from a callback, then optimize again")
def _() -> Any:
    study = optuna.create_study()

    def callback(study: Any, trial: Any) -> None:
        if trial.number == 2:
            study.stop()

    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10, callbacks=[callback])
    first = len(study.trials)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    return first, len(study.trials)


@case("marpil98: objectives returning inf, nan, -inf")
def _() -> Any:
    study = optuna.create_study()
    values = iter([math.inf, float("nan"), 1.0, -math.inf])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), next(values))[1], n_trials=4)
    return [(t.state.name, t.value) for t in study.trials], study.best_value


@case("marpil98 / gishamer: suggest_categorical with None among the choices")
def _() -> Any:
    study = optuna.create_study()
    study.optimize(lambda t: 0.0 if t.suggest_categorical("c", ["a", None, "b"]) is None else 1.0, n_trials=6)
    return sorted({repr(t.params["c"]) for t in study.trials}), study.trials[0].distributions["c"].choices


@case("marpil98: one name, ranges that depend on an earlier choice; one name suggested twice in a trial")
def _() -> Any:
    out = []
    for sampler in (None, optuna.samplers.TPESampler(seed=0), optuna.samplers.RandomSampler(seed=0)):
        study = optuna.create_study(sampler=sampler)
        errors: list[str] = []

        def objective(trial: Any, errors: list[str] = errors) -> float:
            try:
                forest = trial.suggest_categorical("r", ["Forest", "Gradient"]) == "Forest"
                depth = trial.suggest_int("max_depth", 1, 20) if forest else trial.suggest_int("max_depth", 2, 20)
                first = trial.suggest_int("n_quantiles", 20, 300)
                again = trial.suggest_int("n_quantiles", 20, 300)
                high = 9 if trial.number % 2 else 8
                components = trial.suggest_int("n_components", 2, high)
                assert first == again, (first, again)
                return depth + first / 100 + components
            except Exception as exc:  # noqa: BLE001 - the script turns every error into inf
                errors.append(type(exc).__name__)
                return math.inf

        study.optimize(objective, n_trials=25)
        out.append((len(study.trials), errors))
    return out


@case("sfr: TPESampler(multivariate=True, group=True) on a conditional space")
def _() -> Any:
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=3, multivariate=True, group=True)
    study = optuna.create_study(sampler=sampler)

    def objective(trial: Any) -> float:
        if trial.suggest_categorical("k", ["a", "b"]) == "a":
            return trial.suggest_float("xa", 0, 1)
        return trial.suggest_int("xb", 0, 5)

    study.optimize(objective, n_trials=12)
    return len(study.trials)


@case("sfr: get_param_importances after a trial returned inf")
def _() -> Any:
    study = optuna.create_study()

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_int("y", 0, 3)
        return math.inf if trial.number == 1 else x + y

    study.optimize(objective, n_trials=10)
    importances = optuna.importance.get_param_importances(study)
    return sorted(importances), round(sum(importances.values()), 6)


class _Recording(optuna.samplers.BaseSampler):  # type: ignore[misc]
    """qemqemqem's llm_guided pattern: the relative space is empty until a trial completes."""

    def __init__(self, relative: dict[str, Any], failing: int = 0) -> None:
        self.relative, self.failing = relative, failing
        self.calls: list[Any] = []

    def infer_relative_search_space(self, study: Any, trial: Any) -> dict[str, Any]:
        self.calls.append(("infer", trial.number))
        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        return dict(done[-1].distributions) if done else {}

    def sample_relative(self, study: Any, trial: Any, search_space: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(("relative", trial.number, sorted(search_space)))
        if trial.number < self.failing:
            raise RuntimeError(f"model down at trial {trial.number}")
        return dict(self.relative)

    def sample_independent(self, study: Any, trial: Any, param_name: str, param_distribution: Any) -> Any:
        self.calls.append(("independent", trial.number, param_name))
        return 0.25


def _two(trial: Any) -> float:
    return trial.suggest_float("x", 0, 1) + trial.suggest_float("y", 0, 1)


@case("qemqemqem: a BaseSampler subclass's calls, relative space empty at trial 0")
def _() -> Any:
    sampler = _Recording({})
    optuna.create_study(sampler=sampler).optimize(_two, n_trials=2)
    return sampler.calls


@case("qemqemqem: sample_relative returns a parameter outside the (empty) relative space")
def _() -> Any:
    sampler = _Recording({"x": 0.5})
    study = optuna.create_study(sampler=sampler)
    try:
        study.optimize(_two, n_trials=2)
    except ValueError as exc:
        return "ValueError", [t.state.name for t in study.trials], sampler.calls, str(exc)[:60]
    return "no error", [t.params for t in study.trials], sampler.calls


@case("qemqemqem: sample_relative raises for trials 0 and 1 (caught): calls per trial")
def _() -> Any:
    sampler = _Recording({}, failing=2)
    study = optuna.create_study(sampler=sampler)
    study.optimize(_two, n_trials=4, catch=(RuntimeError,))
    return [c[1] for c in sampler.calls if c[0] == "relative"], [t.state.name for t in study.trials]
