"""Time of ``tw.get_all_study_summaries(storage)`` with ``--studies`` studies of ``--trials``
COMPLETE trials each, in a SQLite file (built once per run, then timed ``--repeats`` times, each
on a fresh storage object, as a new process opening the file would).

Usage: python summaries_time.py [--studies 100] [--trials 200] [--repeats 3] [--db PATH]
(PYTHONPATH=<tree>/src for another tree). One JSON line: seconds per call (each repeat), and a
digest of the result (names, n_trials, datetime_start, best values) to compare trees.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time

import tunewise as tw
from tunewise.storage import SQLStorage


def build(url: str, studies: int, trials: int) -> None:
    storage = SQLStorage(url)
    for i in range(studies):
        study = tw.create_study(study_name=f"s{i:03d}", storage=storage, sampler=tw.samplers.RandomSampler(seed=i))
        study.add_trials(
            tw.create_trial(
                params={"x": j / trials},
                distributions={"x": tw.distributions.FloatDistribution(0, 1)},
                value=(j * 7919 % trials) / trials,
            )
            for j in range(trials)
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--studies", type=int, default=100)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    path = args.db or os.path.join(tempfile.mkdtemp(), "summaries.db")
    url = f"sqlite:///{path}"
    if not os.path.exists(path):
        build(url, args.studies, args.trials)
    seconds, digest = [], None
    for _ in range(args.repeats):
        storage = SQLStorage(url)
        t0 = time.perf_counter()
        out = tw.get_all_study_summaries(storage)
        seconds.append(round(time.perf_counter() - t0, 3))
        rows = [
            (
                s.study_name,
                s.n_trials,
                str(s.datetime_start),
                s.best_trial.value if s.best_trial else None,
                s.best_trial.number if s.best_trial else None,
            )
            for s in out
        ]
        digest = hashlib.sha1(json.dumps(rows).encode()).hexdigest()[:12]
    print(
        json.dumps(
            {"tree": tw.__file__, "studies": args.studies, "trials": args.trials, "seconds": seconds, "digest": digest}
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
