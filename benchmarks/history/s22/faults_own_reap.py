"""Own live trials reaped: one process, two threads on one study, one objective holding the GIL.

Thread A runs trials whose objective is a pure-Python loop of ``--busy`` seconds with
``sys.setswitchinterval(5)``: no other thread of the process (the heartbeat thread, thread B)
runs meanwhile, so A's heartbeats stop for longer than the grace period. Threads B (``--b-threads``, 3) ask and tell
short trials (20 ms) all the while; each of its ``ask()`` calls runs the stale-trial recovery.
RandomSampler (a first version used the default sampler, whose GP fits made B's
trials slow and their number vary from 6 to 196 per run: ``faults_raw/own_reap_counts_autosampler.jsonl``).
Counts, from the storage after both threads are done:

- own_reaped: A's trials failed as stale while A was running them (in this same process);
- late: A's results kept as ``late_result`` on a failed trial instead of COMPLETE;
- dup_runs: retries of A's trials that were started (its parameters run a second time);
- lost: A's computed results stored neither COMPLETE nor as a late result;
- running / waiting: trials left RUNNING / WAITING at the end.

Usage: python faults_own_reap.py [--storage sqlite|postgresql] [--rounds 10] [--busy 1.0] [--b-threads 3]
(PYTHONPATH=<a tree>/src for another tree). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid

import tunewise as tw
from tunewise.trial import TrialState


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--busy", type=float, default=1.0)
    ap.add_argument("--b-threads", type=int, default=3)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    if args.storage == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/own.db"
    else:
        url = os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    study = tw.create_study(study_name=f"own-reap-{uuid.uuid4().hex[:8]}", storage=url,
                            sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=0.1, grace_period=0.4, max_retries=1)
    a_results: list[tuple[int, float]] = []
    done = threading.Event()

    def thread_a() -> None:
        for _ in range(args.rounds):
            t = study.ask()
            x = t.suggest_float("x", 0, 1)
            time.sleep(0.2)  # its parameters saved by a beat
            sys.setswitchinterval(5.0)
            end = time.perf_counter() + args.busy
            while time.perf_counter() < end:  # holds the GIL: no other thread runs
                pass
            sys.setswitchinterval(0.005)
            time.sleep(0.05)  # lets the other threads run (B's ask, the heartbeat thread)
            a_results.append((t.number, x))
            study.tell(t, x)
        done.set()

    def thread_b() -> None:
        while not done.is_set():
            t = study.ask()
            x = t.suggest_float("x", 0, 1)
            time.sleep(0.02)
            study.tell(t, x)

    threads = [threading.Thread(target=thread_a)] + [threading.Thread(target=thread_b) for _ in range(args.b_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    trials = {t.number: t for t in study.get_trials()}
    a_numbers = {n for n, _ in a_results}
    own_reaped = sum(trials[n].state == TrialState.FAILED for n in a_numbers)
    late = sum(isinstance(trials[n].system_attrs.get("late_result"), dict) for n in a_numbers)
    retries = [t for t in trials.values() if t.system_attrs.get("retried_from") in a_numbers]
    dup_runs = sum(t.state != TrialState.WAITING for t in retries)

    def kept(n: int, x: float) -> bool:
        t = trials[n]
        if t.state == TrialState.COMPLETE:
            return t.value == x
        late = t.system_attrs.get("late_result") or {}
        return late.get("values") == [x]

    print(json.dumps({
        "tree": tw.__file__, "storage": args.storage, "a_trials": len(a_numbers), "b_trials":
        len(trials) - len(a_numbers) - len(retries), "own_reaped": own_reaped, "late": late,
        "retries_queued": len(retries), "dup_runs": dup_runs,
        "lost": sum(not kept(n, x) for n, x in a_results),
        "running": sum(t.state == TrialState.RUNNING for t in trials.values()),
        "waiting": sum(t.state == TrialState.WAITING for t in trials.values()),
    }))


if __name__ == "__main__":
    main()
