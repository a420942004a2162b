"""s24 faults2, case 1: explicit write transactions (the ones that now return their transaction id
with BEGIN) per trial of ``optimize`` on PostgreSQL, one process, 200 trials of a 3-float objective,
by sampler. ``PYTHONPATH=src:. python benchmarks/history/s24/faults2_write_txns_per_trial.py``.
"""

from __future__ import annotations

import json
import time
import uuid

import tunewise as tw
from tunewise.storage import SQLStorage

URL = open("/tmp/pgurl").read().strip()


def objective(t: tw.Trial) -> float:
    return t.suggest_float("x", -1, 1) + t.suggest_float("y", -1, 1) + t.suggest_float("z", -1, 1)


def count(sampler_name: str) -> dict[str, object]:
    storage = SQLStorage(URL)
    samplers = {
        "random": tw.samplers.RandomSampler(seed=0),
        "tpe": tw.samplers.TPESampler(seed=0),
        "grid": tw.samplers.GridSampler(
            {"x": [0.0, 0.5], "y": [0.0, 0.5, 1.0], "z": [float(i) / 40 for i in range(40)]}
        ),
    }
    study = tw.create_study(
        study_name=f"faults2-txns-{uuid.uuid4().hex[:8]}", storage=storage, sampler=samplers[sampler_name]
    )
    db = storage._db
    real_raw = db.raw
    n = {"write_txns": 0, "statements": 0}

    class Cur:
        def __init__(self, cur):  # noqa: ANN001
            self.cur = cur

        def execute(self, sql, params=None):  # noqa: ANN001, ANN202
            n["statements"] += 1
            n["write_txns"] += sql.startswith("BEGIN")
            return self.cur.execute(sql, params)

        def __getattr__(self, name):  # noqa: ANN001, ANN204
            return getattr(self.cur, name)

    class Conn:
        def __init__(self, raw):  # noqa: ANN001
            self.raw = raw

        def cursor(self):  # noqa: ANN202
            return Cur(self.raw.cursor())

        def __getattr__(self, name):  # noqa: ANN001, ANN204
            return getattr(self.raw, name)

    db.raw = lambda: Conn(real_raw())
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=200)
    return {
        "case": "write_txns_per_trial",
        "sampler": sampler_name,
        "write_txns_per_trial": n["write_txns"] / 200,
        "statements_per_trial": n["statements"] / 200,
        "seconds": round(time.perf_counter() - t0, 2),
    }


if __name__ == "__main__":
    tw.logging.set_verbosity(tw.logging.ERROR)
    for s in ("random", "tpe", "grid"):
        print(json.dumps(count(s)), flush=True)
