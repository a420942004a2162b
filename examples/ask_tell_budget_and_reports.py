"""Ask-and-tell under a stored trial budget, and a finished trial's reports as a plain dict.

Run from the repository root:  .venv/bin/python examples/ask_tell_budget_and_reports.py

What it shows:
- ``create_study(..., max_trials=12)`` stores a budget with the study; ``study.ask()`` obeys it
  outside ``optimize()`` too: the 13th ``ask()`` raises ``MaxTrialsReached`` (a
  ``SearchExhausted``), so a hand-written loop ends where ``optimize`` would.
- ``trial.intermediate_values`` of a finished trial is a plain ``dict`` (JSON-serializable, as in
  optuna), while the study keeps the reports compactly; ``trial.reports`` reads them without a
  copy (what code scanning every trial at every step should use).
- Writes ``out/ask_tell_budget/reports.json``.
"""

from __future__ import annotations

import json
import os

from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

import tunewise as tw
from tunewise.exceptions import MaxTrialsReached

OUT = os.path.join("out", "ask_tell_budget")
os.makedirs(OUT, exist_ok=True)
URL = f"sqlite:///{os.path.join(OUT, 'study.db')}"


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        path = os.path.join(OUT, "study.db") + suffix
        if os.path.exists(path):
            os.remove(path)
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.3, random_state=0)
    study = tw.create_study(name="ask-tell", storage=URL, direction="maximize", max_trials=12,
                            sampler=tw.samplers.TPESampler(seed=0, n_startup_trials=5))
    asked = 0
    while True:
        try:
            trial = study.ask()
        except MaxTrialsReached as e:
            print(f"stopped after {asked} asks: {e}")
            break
        asked += 1
        alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
        model = SGDClassifier(alpha=alpha, random_state=0)
        for epoch in range(5):  # one report per epoch
            model.partial_fit(X_train, y_train, classes=list(range(10)))
            trial.report(model.score(X_val, y_val), epoch)
        study.tell(trial, model.score(X_val, y_val))
    assert len(study.trials) == 12

    best = study.best_trial
    curve = best.intermediate_values  # a plain dict: step -> validation accuracy
    assert isinstance(curve, dict)
    with open(os.path.join(OUT, "reports.json"), "w") as f:
        json.dump({"best_params": best.params, "curve": curve}, f, indent=2)
    last_epoch = [t.reports[4] for t in study.trials if 4 in t.reports]  # no copy per trial
    print(f"best alpha {best.params['alpha']:.2e}: accuracy by epoch {json.dumps(curve)}")
    print(f"mean accuracy at the last epoch over {len(last_epoch)} trials: {sum(last_epoch) / len(last_epoch):.3f}")


if __name__ == "__main__":
    main()
