"""A study-wide trial budget shared by independent workers and by a resumed study.

Run from the repository root:  .venv/bin/python examples/max_trials_workers.py

What it shows:
- ``n_trials`` counts one ``optimize`` call's trials; ``max_trials`` is the budget of the whole
  study: trials of every process and machine, and of earlier runs, count.
- ``create_study(..., max_trials=30)`` stores the budget with the study, so every worker that
  opens it obeys it (``tunewise worker`` without flags, ``load_study(...).optimize(...)``).
- Three ``tunewise worker`` processes plus ``n_jobs=2`` in this process all run at once on one
  SQLite file and stop at exactly 30 trials: the count is checked atomically when each trial
  starts (a plain "stop when done" callback would overshoot by up to one trial per worker).
- A resumed study counts its earlier trials; a larger budget runs only the difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import tunewise as tw

OUT = os.path.join("out", "max_trials")
os.makedirs(OUT, exist_ok=True)
DB = os.path.join(OUT, "study.db")
URL = f"sqlite:///{DB}"

# The objective must be importable by name in the worker processes.
with open(os.path.join(OUT, "budget_objective.py"), "w") as f:
    f.write(textwrap.dedent("""
        import time

        def objective(trial):
            x = trial.suggest_float("x", -3.0, 3.0)
            y = trial.suggest_int("y", -2, 2)
            time.sleep(0.2)  # stands in for training a model
            return (x - 1.0) ** 2 + y * y
    """))
sys.path.insert(0, OUT)
from budget_objective import objective  # noqa: E402


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(DB + suffix):
            os.remove(DB + suffix)
    study = tw.create_study(name="budget-demo", storage=URL, direction="minimize", max_trials=30,
                            sampler=tw.samplers.RandomSampler(seed=0))

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.abspath(OUT), os.path.abspath("src")]))
    workers = [
        subprocess.Popen([sys.executable, "-m", "tunewise", "worker", "--study", "budget-demo", "--storage", URL,
                          "--objective", "budget_objective:objective", "--sampler", "random", "--seed", str(i)],
                         env=env, stdout=subprocess.PIPE, text=True)
        for i in range(3)
    ]
    study.optimize(objective, n_jobs=2)  # no n_trials: the stored budget ends the run
    for w in workers:
        out, _ = w.communicate(timeout=120)
        print("  ", out.strip())
    trials = study.trials
    print(f"after 5 workers: {len(trials)} trials (budget 30), best value {study.best_value:.4f}")
    assert len(trials) == 30 and sorted(t.number for t in trials) == list(range(30))

    # Resume later with a larger budget: only the difference runs.
    resumed = tw.load_study("budget-demo", URL, max_trials=36, sampler=tw.samplers.RandomSampler(seed=1))
    resumed.optimize(objective, n_trials=100)  # n_trials is the per-call limit; the budget is tighter
    print(f"resumed with max_trials=36: {len(resumed.trials)} trials")
    assert len(resumed.trials) == 36


if __name__ == "__main__":
    main()
