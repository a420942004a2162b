"""More of Optuna's API under ``import tunewise as optuna``: a sampler of one's own, the
Wilcoxon pruner over cross-validation folds, ``MaxTrialsCallback`` and ``OptunaSearchCV``.

Written as an Optuna user writes it (only the imports changed):

- ``optuna.samplers.BaseSampler``: a local-search sampler (``infer_relative_search_space``,
  ``sample_relative``, ``sample_independent``) that perturbs the best trial so far;
- ``optuna.pruners.WilcoxonPruner``: each fold's error is reported at ``step=fold``; a
  configuration the signed-rank test finds worse than the best one stops before its last folds;
- ``optuna.study.MaxTrialsCallback`` ends the run after a number of COMPLETE trials;
- ``optuna.integration.OptunaSearchCV`` tunes a scikit-learn estimator from a dict of distributions;
- ``optuna.samplers.PartialFixedSampler``: after a first search, the kernel is held at its best
  choice and the same sampler searches ``C`` and ``gamma`` again.

    .venv/bin/python examples/optuna_advanced_api.py
"""

from __future__ import annotations

import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

import tunewise as optuna  # was: import optuna
from tunewise.samplers import BaseSampler  # was: from optuna.samplers import BaseSampler
from tunewise.study import MaxTrialsCallback  # was: from optuna.study import MaxTrialsCallback
from tunewise.trial import TrialState  # was: from optuna.trial import TrialState

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N_TRIALS = 12 if QUICK else 40

X, y = load_digits(return_X_y=True)
X = X[:600] / 16.0
y = y[:600]
FOLDS = list(StratifiedKFold(10, shuffle=True, random_state=0).split(X, y))


class LocalSearchSampler(BaseSampler):
    """Perturbs the best COMPLETE trial's parameters (log-scale ones in log space)."""

    def __init__(self, scale: float = 0.15, seed: int | None = None) -> None:
        self._rng = np.random.default_rng(seed)
        self._random = optuna.samplers.RandomSampler(seed=seed)
        self.scale = scale

    def infer_relative_search_space(self, study, trial):
        return optuna.search_space.intersection_search_space(study.trials)

    def sample_relative(self, study, trial, search_space):
        if not search_space or not study.get_trials(states=[TrialState.COMPLETE]):
            return {}
        best = study.best_trial.params
        params = {}
        for name, dist in search_space.items():
            lo, hi = (np.log(dist.low), np.log(dist.high)) if dist.log else (dist.low, dist.high)
            x = (np.log(best[name]) if dist.log else best[name]) + self._rng.normal(0, self.scale * (hi - lo))
            x = float(np.clip(x, lo, hi))
            params[name] = float(np.exp(x)) if dist.log else x
        return params

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._random.sample_independent(study, trial, param_name, param_distribution)


class CountingPruner(optuna.pruners.BasePruner):
    """A pruner of one's own around a built-in one (Optuna's pattern): it counts the decisions."""

    def __init__(self) -> None:
        self.inner = optuna.pruners.SuccessiveHalvingPruner()
        self.asked = 0

    def prune(self, study, trial) -> bool:
        self.asked += 1
        return self.inner.prune(study, trial)


def objective(trial: optuna.Trial) -> float:
    C = trial.suggest_float("C", 1e-3, 1e2, log=True)
    errors = []
    for fold, (train, valid) in enumerate(FOLDS):
        model = LogisticRegression(C=C, max_iter=300).fit(X[train], y[train])
        errors.append(1.0 - model.score(X[valid], y[valid]))
        trial.report(errors[-1], step=fold)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return float(np.mean(errors))


if __name__ == "__main__":
    study = optuna.create_study(sampler=LocalSearchSampler(seed=0),
                                pruner=optuna.pruners.WilcoxonPruner(p_threshold=0.1))
    study.optimize(objective, n_trials=10 * N_TRIALS,
                   callbacks=[MaxTrialsCallback(N_TRIALS // 2, states=(TrialState.COMPLETE,))])
    pruned = study.get_trials(states=[TrialState.PRUNED])
    folds_run = sum(len(t.intermediate_values) for t in study.trials)
    print(f"{len(study.trials)} trials ({len(pruned)} pruned by the Wilcoxon test), "
          f"{folds_run} of {len(study.trials) * len(FOLDS)} folds fitted")
    print(f"best C = {study.best_params['C']:.4g}, CV error {study.best_value:.4f}")
    assert len(study.get_trials(states=[TrialState.COMPLETE])) == N_TRIALS // 2

    counting = CountingPruner()
    wrapped = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0), pruner=counting)
    wrapped.optimize(objective, n_trials=N_TRIALS)
    print(f"a wrapped SuccessiveHalvingPruner: {counting.asked} decisions, "
          f"{len(wrapped.get_trials(states=[TrialState.PRUNED]))} of {N_TRIALS} trials pruned")
    assert counting.asked > 0

    search = optuna.integration.OptunaSearchCV(
        SVC(), {"C": optuna.distributions.FloatDistribution(1e-2, 1e3, log=True),
                "gamma": optuna.distributions.FloatDistribution(1e-4, 1e0, log=True)},
        n_trials=N_TRIALS // 2, cv=3, random_state=0)
    search.fit(X, y)
    print(f"OptunaSearchCV: {search.n_trials_} trials, best {search.best_params_}, accuracy {search.best_score_:.3f}")

    def svc_objective(trial: optuna.Trial) -> float:
        kernel = trial.suggest_categorical("kernel", ["rbf", "poly", "sigmoid"])
        C = trial.suggest_float("C", 1e-2, 1e3, log=True)
        gamma = trial.suggest_float("gamma", 1e-4, 1e0, log=True)
        model = SVC(kernel=kernel, C=C, gamma=gamma)
        return float(np.mean([1.0 - model.fit(X[tr], y[tr]).score(X[va], y[va]) for tr, va in FOLDS[:3]]))

    svc = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    svc.optimize(svc_objective, n_trials=N_TRIALS // 2)
    kernel = svc.best_params["kernel"]
    svc.sampler = optuna.samplers.PartialFixedSampler({"kernel": kernel}, svc.sampler)
    svc.optimize(svc_objective, n_trials=N_TRIALS // 2)
    held = svc.trials[N_TRIALS // 2:]
    print(f"PartialFixedSampler: kernel held at {kernel!r} for {len(held)} more trials, "
          f"best error {svc.best_value:.4f}")
    assert {t.params["kernel"] for t in held} == {kernel}
