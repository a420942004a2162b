"""Session 26, case 1: PostgreSQL single-statement writes whose answer is lost after the server committed.

A study on PostgreSQL reached through ``LossyProxy`` (``faults_lost_reply_proxy.py``), which lets
the server run a chosen statement to its end and then drops the connection without forwarding the
answer. The storage reconnects and retries. Run with the tree to test first on ``PYTHONPATH``:

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) PYTHONPATH=<tree>/src:. \\
        python benchmarks/history/s26/faults_lost_reply.py --label before --seeds 1 2 3

Scenarios (``--what``):
- ``start``: the single-statement start (``pg_start``, no ``max_trials``, no claim), p = 0.2;
- ``start_queued``: the same, every trial enqueued first (the start claims a WAITING trial), p = 0.3;
- ``finish``: the single-statement finish (``pg_finish``), p = 0.2;
- ``live``: the single-statement live write (``pg_live``: params and reports), p = 0.2.

One worker runs ``optimize(n_trials=N)`` (RandomSampler, heartbeat 0.2 s, grace 1 s, 2 retries);
an objective of 2 reported steps. Printed: one JSON line per run with the counts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
import uuid
import warnings
from collections import Counter

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(__file__))
from faults_lost_reply_proxy import LossyProxy, seeded_loss  # noqa: E402

import tunewise as tw  # noqa: E402

RULES = {
    "start": ("start", r"WITH w AS \("),
    "start_queued": ("start", r"WITH w AS \("),
    "finish": ("finish", r"SET state = \$\d+(::\w+)?, objective_values"),
    "live": ("live", r"SET heartbeat = CASE WHEN heartbeat IS NULL"),
}
P = {"start": 0.2, "start_queued": 0.3, "finish": 0.2, "live": 0.2}


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run(what: str, seed: int, n: int, label: str) -> dict:
    url = sa.engine.make_url(os.environ["TUNEWISE_TEST_POSTGRES_URL"])
    rule = RULES[what]
    proxy = LossyProxy(url.host or "127.0.0.1", url.port or 5432, [rule], seeded_loss(P[what], seed))
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    name = f"s26-lost-{what}-{uuid.uuid4().hex[:8]}"
    storage = tw.storage.SQLStorage(proxied, retry_seconds=20)
    study = tw.create_study(
        study_name=name,
        storage=storage,
        sampler=tw.samplers.RandomSampler(seed=seed),
        heartbeat_interval=0.2,
        grace_period=1.0,
        max_retries=2,
    )
    if what == "start_queued":
        for i in range(n):
            study.enqueue_trial({"x": float(i) / n})
    answers: Counter = Counter()  # what finish_trial answered (False: "finished elsewhere")
    real_finish = storage.finish_trial

    def finish_trial(*args, **kwargs):
        out = real_finish(*args, **kwargs)
        answers[out] += 1
        return out

    storage.finish_trial = finish_trial
    proxy.counts = {k: 0 for k in proxy.counts}
    proxy.lost = {k: 0 for k in proxy.lost}

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(2):
            trial.report(x + step, step)
            time.sleep(0.01)
        return x

    handler = _Collect()
    logging.getLogger("tunewise").addHandler(handler)
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study.optimize(objective, n_trials=n)
    wall = time.perf_counter() - t0
    logging.getLogger("tunewise").removeHandler(handler)
    proxy.enabled = False
    texts = handler.messages + [str(w.message) for w in caught]
    check = tw.load_study(study_name=name, storage=os.environ["TUNEWISE_TEST_POSTGRES_URL"])
    trials = check.get_trials()
    states = Counter(t.state.value for t in trials)
    xs = [t.params.get("x") for t in trials if t.state.value == "COMPLETE"]
    out = {
        "label": label,
        "what": what,
        "seed": seed,
        "n_trials": n,
        "lost": dict(proxy.lost),
        "matched": dict(proxy.counts),
        "trials": len(trials),
        "states": dict(states),
        "running_left": states.get("RUNNING", 0),
        "waiting_left": states.get("WAITING", 0),
        "failed": states.get("FAILED", 0),
        "complete": states.get("COMPLETE", 0),
        "duplicate_complete_params": len(xs) - len(set(xs)),
        "did_not_count_msgs": sum("not count" in m for m in texts),
        "stale_msgs": sum("stale" in m.lower() for m in texts),
        "finish_answered_false": answers[False],
        "wall_s": round(wall, 2),
    }
    if what == "start_queued":
        queued = {round(i / n, 9) for i in range(n)}
        ran = Counter(round(x, 9) for x in xs if x is not None)
        out["queued_never_run"] = len(queued - set(ran))
        out["queued_run_twice"] = sum(1 for v in ran.values() if v > 1)
    storage.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--what", nargs="+", default=["start", "start_queued", "finish", "live"])
    ap.add_argument("-n", type=int, default=30)
    args = ap.parse_args()
    for what in args.what:
        for seed in args.seeds:
            print(json.dumps(run(what, seed, args.n, args.label)), flush=True)


if __name__ == "__main__":
    main()
