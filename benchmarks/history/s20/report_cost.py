"""Cost of one ``trial.report()`` write, per storage (session 20: reports merged in the database).

Each report of a running trial is one storage write. Times ``--steps`` reports of one trial, in
``--repeats`` rounds (median per report, microseconds), on SQLite (a temp file) and PostgreSQL
(``TUNEWISE_TEST_POSTGRES_URL``); "alternating" has two handles (as two processes) report to the
same trial in turn, so every write finds steps it lacks and merges (the slow path).

    python benchmarks/history/s20/report_cost.py --quick
    PYTHONPATH=<old tree>/src python benchmarks/history/s20/report_cost.py --quick   # before
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time


def _round(url: str, steps: int, alternating: bool) -> float:
    import tunewise as tw

    study = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    if alternating:
        other = tw.load_study(study_name=study.study_name, storage=tw.storage.get_storage(url))
        second = tw.Trial(other, next(t for t in other.trials if t.number == trial.number))
        writers = [trial, second]
    else:
        writers = [trial]
    t0 = time.perf_counter()
    for step in range(steps):
        writers[step % len(writers)].report(step / steps, step)
    per = (time.perf_counter() - t0) / steps
    study.tell(trial, 0.5)
    return per * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100 steps x 7 rounds (else 300 x 15)")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--repeats", type=int)
    args = ap.parse_args()
    steps = args.steps or (100 if args.quick else 300)
    repeats = args.repeats or (7 if args.quick else 15)
    logging.getLogger("tunewise").setLevel(logging.WARNING)
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.WARNING)
    urls = {"sqlite": f"sqlite:///{tempfile.mkdtemp()}/r.db"}
    if os.environ.get("TUNEWISE_TEST_POSTGRES_URL"):
        urls["postgresql"] = os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    print(f"tunewise from {os.path.dirname(tw.__file__)}; {steps} reports per round, {repeats} rounds")
    print(f"{'storage':<12}{'writers':<14}{'us/report (median)':>20}{'min':>10}{'max':>10}")
    for name, url in urls.items():
        for alternating in (False, True):
            runs = sorted(_round(url, steps, alternating) for _ in range(repeats))
            print(f"{name:<12}{'2 alternating' if alternating else '1':<14}{statistics.median(runs):>20.0f}"
                  f"{runs[0]:>10.0f}{runs[-1]:>10.0f}")


if __name__ == "__main__":
    main()
