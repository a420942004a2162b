"""Search spaces that depend and evolve: a range that depends on another parameter, and a range
widened (or a choice added) when a study is resumed.

Each trial keeps the distribution it was sampled from (``trial.distributions``); the samplers
read the old trials in the current space (a value beyond a range's new edge counts at the edge,
a choice that is no longer offered says nothing about that parameter). Only a change of kind (a
float become categorical) is an error, because old values would mean nothing in it.

    .venv/bin/python examples/evolving_search_space.py
"""

from __future__ import annotations

import os
import tempfile

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N = 15 if QUICK else 40

tw.logging.set_verbosity(tw.logging.WARNING)


# 1. A range that depends on another parameter (as in Optuna's examples): the second layer is no
#    wider than the first.
def mlp(trial: tw.Trial) -> float:
    n0 = trial.suggest_int("n_units_l0", 4, 128)
    n1 = trial.suggest_int("n_units_l1", 4, n0)
    return (n0 - 96) ** 2 / 1000 + (n1 - 24) ** 2 / 1000


study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
study.optimize(mlp, n_trials=N)
t = study.best_trial
print(f"dependent range: best {t.params}, sampled from {t.distributions['n_units_l1']}")
assert all(tr.params["n_units_l1"] <= tr.params["n_units_l0"] for tr in study.trials)


# 2. Resume a study with a widened range and a new choice: the best learning rate was at the
#    old upper edge, so the range is widened and the search moves beyond it.
def objective(high: float, choices: list[str]):
    def f(trial: tw.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, high, log=True)
        opt = trial.suggest_categorical("optimizer", choices)
        return (lr - 0.03) ** 2 * 1000 + {"sgd": 0.2, "adam": 0.1, "adamw": 0.0}[opt]
    return f


url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'evolving.db')}"
first = tw.create_study(study_name="lr-search", storage=url, sampler=tw.samplers.GPSampler(seed=0))
first.optimize(objective(1e-2, ["sgd", "adam"]), n_trials=N)
print(f"first run, lr <= 1e-2: best lr {first.best_params['lr']:.4g} (value {first.best_value:.4f})")
first.storage.close()

resumed = tw.load_study("lr-search", url, sampler=tw.samplers.GPSampler(seed=0))
resumed.optimize(objective(1e-1, ["sgd", "adam", "adamw"]), n_trials=N)
print(f"resumed, lr <= 1e-1 and adamw added: best {resumed.best_params} (value {resumed.best_value:.4f})")
print(f"trial 0 was sampled from {resumed.trials[0].distributions['lr']}, the last from "
      f"{resumed.trials[-1].distributions['lr']}")
assert resumed.best_params["lr"] > 1e-2

# 3. A change of kind is refused with the reason.
trial = resumed.ask()
try:
    trial.suggest_categorical("lr", [1e-3, 1e-2])
except ValueError as e:
    print("refused:", str(e)[:120], "...")
resumed.tell(trial, state=tw.TrialState.FAILED)
resumed.storage.close()
