"""s24 faults2, case 2: the cost of checking that a study still exists (SQLite, client CPU).

Run from the repository root with the tree to measure first on the path:
    PYTHONPATH=<tree>/src:. python benchmarks/history/s24/faults2_deleted_study_cost.py --label before|after

The write check rides on the attribute's insert (no extra statement). The read check rides on
``get_trials``' read of the trials written since the last read (a UNION ALL with the study's row:
no extra statement). A first version added a statement (a lookup of the study's primary key) to
every ``get_trials`` that found nothing new: the rows labelled ``after-v1`` (that
working tree was not kept). Measured, in process CPU time (the machine is shared):
- ``per_trial``: ``optimize`` on a SQLite study (RandomSampler, or TPE, 3 floats), 100 trials to
  warm up, then 5 windows of 100 trials: CPU us per trial (median window), and how many
  ``get_trials`` calls per trial found nothing new (the calls that pay the check);
- ``get_trials_unchanged``: CPU us per ``study.trials`` with nothing new (300 trials stored);
- ``set_user_attr``: CPU us per call.
One JSON line per measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import tunewise as tw
from tunewise.storage import SQLStorage


def objective(t: tw.Trial) -> float:
    return t.suggest_float("x", -1, 1) + t.suggest_float("y", -1, 1) + t.suggest_float("z", -1, 1)


def per_trial(label: str, sampler: str) -> dict[str, object]:
    path = os.path.join(tempfile.mkdtemp(), "cost.db")
    storage = SQLStorage(f"sqlite:///{path}")
    s = tw.samplers.RandomSampler(seed=0) if sampler == "random" else tw.samplers.TPESampler(seed=0)
    study = tw.create_study(study_name="cost", storage=storage, sampler=s)
    calls = {"get_trials": 0, "unchanged": 0}
    real = storage._fetch_changes

    def counted(cur, study_id, cache):  # noqa: ANN001, ANN202
        seq = cache.seq
        out = real(cur, study_id, cache)
        calls["get_trials"] += 1
        calls["unchanged"] += cache.seq == seq
        return out

    storage._fetch_changes = counted  # type: ignore[method-assign]
    study.optimize(objective, n_trials=100)
    calls.update(get_trials=0, unchanged=0)
    windows = []
    for _ in range(5):
        c0 = time.process_time()
        study.optimize(objective, n_trials=100)
        windows.append((time.process_time() - c0) / 100 * 1e6)
    return {
        "case": "per_trial",
        "label": label,
        "sampler": sampler,
        "cpu_us_per_trial_median": round(statistics.median(windows), 1),
        "windows": [round(w, 1) for w in windows],
        "get_trials_per_trial": calls["get_trials"] / 500,
        "unchanged_per_trial": calls["unchanged"] / 500,
    }


def micro(label: str) -> list[dict[str, object]]:
    path = os.path.join(tempfile.mkdtemp(), "micro.db")
    study = tw.create_study(study_name="micro", storage=f"sqlite:///{path}", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=300)
    out = []
    for what, n in (("get_trials_unchanged", 3000), ("set_user_attr", 500)):
        rounds = []
        for _ in range(5):
            c0 = time.process_time()
            for i in range(n):
                if what == "get_trials_unchanged":
                    study.trials  # noqa: B018
                else:
                    study.set_user_attr(f"k{i % 20}", i)
            rounds.append((time.process_time() - c0) / n * 1e6)
        out.append(
            {
                "case": what,
                "label": label,
                "cpu_us_per_call_median": round(statistics.median(rounds), 2),
                "rounds": [round(x, 2) for x in rounds],
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for sampler in ("random", "tpe"):
        print(json.dumps(per_trial(args.label, sampler)), flush=True)
    for row in micro(args.label):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
