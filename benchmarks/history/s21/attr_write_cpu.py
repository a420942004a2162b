"""CPU time of the single-writer paths that session 21's per-key attribute merge touches (one
process, so every write takes the fast path), through the public API; run with the tree to
measure first on PYTHONPATH:

    PYTHONPATH=<tree>/src python benchmarks/history/s21/attr_write_cpu.py sqlite 300
    PYTHONPATH=<tree>/src TUNEWISE_TEST_POSTGRES_URL=... python ... postgresql 100

Rows (median of 5 repeats, microseconds of this process's CPU per operation, and wall):
- ``report``: ``trial.report(v, step)`` alone (no attribute pending: reports only);
- ``attr+report``: ``trial.set_user_attr("metrics", {...})`` then ``trial.report``: every write
  carries an attribute (the user attributes hold 4 keys and the metrics);
- ``trial``: one whole trial of ``study.optimize`` (ask, 2 suggests, 3 user attributes, finish),
  random sampler, no scheduler.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid

import tunewise as tw

tw.logging.set_verbosity(tw.logging.WARNING)

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
url = os.environ["TUNEWISE_TEST_POSTGRES_URL"] if backend == "postgresql" else \
    f"sqlite:///{tempfile.mkdtemp()}/a.db"


def per_op(fn, ops):
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return (time.process_time() - c0) / ops * 1e6, (time.perf_counter() - w0) / ops * 1e6


def reports(with_attr):
    study = tw.create_study(study_name=f"a-{uuid.uuid4().hex[:8]}", storage=url)
    trial = study.ask()
    for k in ("a", "b", "c", "d"):
        trial.set_user_attr(k, k * 10)
    trial.flush()

    def run():
        for step in range(n):
            if with_attr:
                trial.set_user_attr("metrics", {"loss": 1.0 / (step + 1), "acc": step / n, "step": step})
            trial.report(step / n, step)

    out = per_op(run, n)
    study.tell(trial, 0.0)
    return out


def trials():
    study = tw.create_study(study_name=f"t-{uuid.uuid4().hex[:8]}", storage=url,
                            sampler=tw.samplers.RandomSampler(seed=0))

    def objective(t):
        x, y = t.suggest_float("x", -5, 5), t.suggest_int("y", 0, 9)
        t.set_user_attr("fold_scores", [x, y, x * y])
        t.set_user_attr("note", "run")
        t.set_user_attr("n", y)
        return x * x + y

    m = max(20, n // 3)
    return per_op(lambda: study.optimize(objective, n_trials=m), m)


rows = {"report": lambda: reports(False), "attr+report": lambda: reports(True), "trial": trials}
for name, fn in rows.items():
    res = [fn() for _ in range(5)]
    cpu, wall = statistics.median(c for c, _ in res), statistics.median(w for _, w in res)
    print(f"{backend:10s} {name:12s} cpu {cpu:8.1f} us  wall {wall:8.1f} us  (n={n})", flush=True)
