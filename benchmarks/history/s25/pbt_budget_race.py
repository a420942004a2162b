"""PBT under ``max_trials = trials_needed()`` with 2 worker processes: is a trial wasted? (session 25)

Each repeat runs the scenario of tests/faults/test_attack_pbt_budget.py (same worker script:
``PBTScheduler(perturbation_interval=2, population_size=4, max_step=10)``, ``max_trials=20``, 2
worker processes) on a fresh study and prints one JSON line: the trials by state, the ``excess``
trials, the WAITING ones, and for every trial that is not a segment of the population (excess, or
no ``pbt`` attribute) its number, state and system attrs. ``ok`` is the test's verdict (20 trials,
no excess, no WAITING, every lineage COMPLETE in generation 4).

``--delay S``: in each worker, sleep S seconds between the idle-worker hold
(``_decisions.hold_new_trial``) and the trial's start, widening the window of the race.
``--delay-worker K``: only worker K sleeps (default: both). ``--jitter``: sleep a uniform random
time in [0, S] instead (unseeded: a different interleaving each time).

Usage: python pbt_budget_race.py [--backend sqlite|postgresql] [--repeats 20] [--delay 0]
(PYTHONPATH=<tree>/src; PostgreSQL reads the URL from $TUNEWISE_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import tunewise as tw
from tunewise.trial import TrialState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)
from tests.faults.test_attack_pbt_budget import WORKER  # noqa: E402 - the test's own worker script

DELAY = """
import os, random, time
from tunewise import _decisions
_hold = _decisions.hold_new_trial
def _slow_hold(study, **kw):
    out = _hold(study, **kw)
    if os.environ["PBT_RACE_DELAYED"] in ("", os.environ["PBT_RACE_WORKER"]):
        delay = float(os.environ["PBT_RACE_DELAY"])
        time.sleep(random.uniform(0, delay) if os.environ["PBT_RACE_JITTER"] else delay)
    return out
_decisions.hold_new_trial = _slow_hold
"""


def run_once(backend: str, delay: float, delay_worker: int | None, jitter: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/tw.db" if backend == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
        name = f"pbt-race-{uuid.uuid4().hex[:8]}"
        tw.create_study(study_name=name, storage=url, direction="maximize")
        script = os.path.join(tmp, "worker.py")
        with open(script, "w") as f:
            f.write((DELAY if delay else "") + WORKER)
        began = time.monotonic()
        procs = []
        for i in range(2):
            env = dict(
                os.environ,
                PBT_RACE_DELAY=str(delay),
                PBT_RACE_WORKER=str(i),
                PBT_RACE_JITTER="1" if jitter else "",
                PBT_RACE_DELAYED="" if delay_worker is None else str(delay_worker),
            )
            procs.append(
                subprocess.Popen(
                    [sys.executable, script, url, name, tmp, str(i)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        errs = [p.communicate(timeout=600)[1] for p in procs]
        trials = tw.load_study(study_name=name, storage=url).trials
        counts = collections.Counter(t.state.value for t in trials)
        odd = [
            {
                "number": t.number,
                "state": t.state.value,
                "system_attrs": t.system_attrs,
                "intermediate_values": dict(t.intermediate_values),
            }
            for t in trials
            if t.system_attrs.get("pbt", {}).get("excess") or "pbt" not in t.system_attrs
        ]
        final = {
            t.system_attrs["pbt"]["lineage"]
            for t in trials
            if t.state == TrialState.COMPLETE and t.system_attrs.get("pbt", {}).get("generation") == 4
        }
        excess = [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")]
        waiting = [t.number for t in trials if t.state == TrialState.WAITING]
        ok = len(trials) == 20 and not excess and not waiting and final == {0, 1, 2, 3}
        return {
            "backend": backend,
            "delay": delay,
            "ok": ok,
            "n_trials": len(trials),
            "states": dict(counts),
            "excess": excess,
            "waiting": waiting,
            "seconds": round(time.monotonic() - began, 1),
            "exit_codes": [p.returncode for p in procs],
            "stderr": [e[-800:] for p, e in zip(procs, errs) if p.returncode != 0],
            "odd_trials": odd,
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--delay-worker", type=int, default=None)
    ap.add_argument("--jitter", action="store_true")
    args = ap.parse_args()
    fails = 0
    for _ in range(args.repeats):
        row = run_once(args.backend, args.delay, args.delay_worker, args.jitter)
        fails += not row["ok"]
        print(json.dumps(row, default=str), flush=True)
    print(
        json.dumps(
            {
                "summary": True,
                "backend": args.backend,
                "delay": args.delay,
                "jitter": args.jitter,
                "repeats": args.repeats,
                "failed": fails,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
