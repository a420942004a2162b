"""s29 mends, item 2: the cost of a live trial's attribute writes with many user attributes.

A trial sets 1,000 user attributes one at a time and writes after each (``trial.flush()``: what a
``report()`` after each ``set_user_attr`` does). Before s29, ``storage._base.attr_changes`` walked
every attribute of the trial on every write (O(attrs)); after, it reads the ordered record of the
keys set since the last write. Also timed: ``attr_changes`` alone on a 1,000-attribute LiveAttrs
with one key set since the last write. CPU seconds (process_time), median of ``--repeats``.

    PYTHONPATH=<src to measure> nice -n 10 .venv/bin/python benchmarks/history/s29/mends/attr_writes.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import tunewise as tw
from tunewise.storage import attr_changes
from tunewise.trial import LiveAttrs

tw.logging.set_verbosity(tw.logging.WARNING)


def one_trial(storage: str, n: int) -> float:
    study = tw.create_study(storage=storage)
    trial = study.ask()
    t0 = time.process_time()
    for i in range(n):
        trial.set_user_attr(f"k{i}", i)
        trial.flush()
    spent = time.process_time() - t0
    study.tell(trial, 0.0)
    stored = study.trials[0].user_attrs
    assert list(stored) == [f"k{i}" for i in range(n)], "attribute order changed"
    return spent


def changes_alone(n: int, calls: int) -> float:
    attrs = LiveAttrs({f"k{i}": i for i in range(n)})
    t0 = time.process_time()
    for i in range(calls):
        attrs[f"k{i % n}"] = i
        attr_changes(attrs)
        attrs.written()
    return (time.process_time() - t0) / calls


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--attrs", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"tunewise from {os.path.dirname(tw.__file__)}")
    with tempfile.TemporaryDirectory() as d:
        rows: dict[str, list[float]] = {"memory": [], "sqlite": []}
        for r in range(args.repeats):
            rows["memory"].append(one_trial(None, args.attrs))
            rows["sqlite"].append(one_trial(f"sqlite:///{d}/s{r}.db", args.attrs))
    for name, xs in rows.items():
        print(
            f"{name:7s} {args.attrs} x (set_user_attr + flush): median {statistics.median(xs):.3f} s CPU "
            f"(min {min(xs):.3f}, max {max(xs):.3f}, {args.repeats} runs)"
        )
    per = [changes_alone(args.attrs, 20000) for _ in range(args.repeats)]
    print(
        f"attr_changes, {args.attrs} attrs, 1 set since the last write: median {statistics.median(per) * 1e6:.2f} us "
        f"per call (min {min(per) * 1e6:.2f}, max {max(per) * 1e6:.2f})"
    )


if __name__ == "__main__":
    main()
