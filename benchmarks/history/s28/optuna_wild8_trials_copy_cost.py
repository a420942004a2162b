"""What a copy per trial would cost ``study.trials`` (why tunewise keeps giving the stored trials; optuna_wild8.md).

A 5,000-trial in-memory study (2 parameters, 5 reports, 1 user attribute a trial); each line is one pass
over its trials: the shared list, ``copy.copy`` of each, a copy with new attribute dicts (the copy
``best_trial`` now makes), and ``copy.deepcopy`` (what Optuna's ``study.trials`` does).

    PYTHONPATH=<tunewise src> nice -n 5 .venv/bin/python benchmarks/history/s28/optuna_wild8_trials_copy_cost.py
"""

from __future__ import annotations

import copy
import time

import tunewise as tw

tw.logging.set_verbosity(tw.logging.WARNING)


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    trial.suggest_int("n", 1, 5)
    trial.set_user_attr("a", 1)
    for step in range(5):
        trial.report(x, step)
    return x


def detached(trial: tw.trial.FrozenTrial) -> tw.trial.FrozenTrial:
    out = copy.copy(trial)
    out.params = dict(trial.params)
    out.user_attrs = copy.deepcopy(dict(trial.user_attrs))
    out.system_attrs = copy.deepcopy(dict(trial.system_attrs))
    return out


def main() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=5000)
    trials = study.get_trials()
    for name, fn in [
        ("shared (study.trials)", study.get_trials),
        ("copy.copy each", lambda: [copy.copy(t) for t in trials]),
        ("copy with new attr dicts", lambda: [detached(t) for t in trials]),
        ("copy.deepcopy (Optuna)", lambda: copy.deepcopy(trials)),
    ]:
        start = time.perf_counter()
        fn()
        print(f"{name:26s} {(time.perf_counter() - start) * 1e3:8.1f} ms for 5000 trials")


if __name__ == "__main__":
    main()
