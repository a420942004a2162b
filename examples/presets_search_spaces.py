"""Domain presets: the guide's search spaces, as declarative spaces and in define-by-run code.

Run from the repo root: .venv/bin/python examples/presets_search_spaces.py
"""

from __future__ import annotations

from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier

import tunewise as tw
from tunewise.integrations.sklearn import SearchCV

# Every range says where it comes from.
print(tw.presets.transformers().describe())
print()

# 1. As a SearchCV param_space: the tree presets use the estimators' own parameter names.
X, y = load_wine(return_X_y=True)
space = tw.presets.random_forest().replace(n_estimators=tw.randint(10, 40))
search = SearchCV(RandomForestClassifier(random_state=0), space, strategy="random", n_trials=8, cv=3,
                  random_state=0).fit(X, y)
print(f"random_forest preset: best CV accuracy {search.best_score_:.4f} with {search.best_params_}")

# 2. Define-by-run: a preset suggests a whole config dict from a trial.
def objective(trial: tw.Trial) -> float:
    config = tw.presets.time_series().suggest(trial)
    # a stand-in for training an LSTM/GRU forecaster from `config`
    penalty = {"mse": 0.0, "mae": 0.05, "huber": 0.02}[config["loss"]]
    return abs(config["sequence_length"] - 48) / 48 + abs(config["learning_rate"] - 1e-3) * 100 + penalty


study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=30)
print(f"time_series preset (define-by-run): best {study.best_value:.3f} with {study.best_params}")

# 3. Declarative: study.optimize(fn, space=preset) hands fn a plain dict.
seen = []
study2 = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1))
study2.optimize(lambda cfg: seen.append(cfg) or cfg["mixup_alpha"], space=tw.presets.computer_vision(), n_trials=3)
print(f"computer_vision preset (declarative): first config {seen[0]}")
