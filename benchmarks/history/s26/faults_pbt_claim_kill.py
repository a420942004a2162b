"""Session 26, case 2: a PBT worker killed between its admission for a new member and its start.

Two worker processes run s25's PBT study (``tests/faults/test_attack_pbt_budget.py``'s worker:
population 4, 5 generations, ``max_trials = trials_needed() = 20``, default ``excess_wait`` 60 s).
Worker 1 is admitted for the population's first member (``_decisions.hold_new_trial`` returned
True), then SIGKILLs itself before its start; worker 0 waits until then and runs the study alone.
Before session 26 the admission claimed ``pbt:member:<i>`` in its own storage step, so the dead
worker's claim stayed: worker 0 was held for the last member until ``excess_wait``.

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) PYTHONPATH=<tree>/src:. \\
        python benchmarks/history/s26/faults_pbt_claim_kill.py --label before --repeats 2

One JSON line per run: worker 0's wall time, the trials by state, excess trials, WAITING left.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid

import tunewise as tw

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", ".."))
from tests.faults.test_attack_pbt_budget import WORKER  # noqa: E402

KILL = textwrap.dedent("""
    import os, signal, sys, time
    from tunewise import _decisions

    _hold, _first = _decisions.hold_new_trial, [True]
    flag = os.path.join(sys.argv[3], "worker1-admitted")

    def hold_new_trial(study, **kw):
        if sys.argv[4] == "0" and _first[0]:
            give_up = time.monotonic() + 30
            while not os.path.exists(flag) and time.monotonic() < give_up:
                time.sleep(0.01)
            time.sleep(0.2)  # worker 1 is dead by now
        out = _hold(study, **kw)
        if sys.argv[4] == "1" and _first[0]:
            open(flag, "w").close()
            os.kill(os.getpid(), signal.SIGKILL)  # admitted (a member claimed, before the fix), not started
        _first[0] = False
        return out

    _decisions.hold_new_trial = hold_new_trial
""")


def run(backend: str, label: str) -> dict:
    tmp = tempfile.mkdtemp(prefix="s26_pbt_kill_")
    url = f"sqlite:///{tmp}/pbt.db" if backend == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    name = f"s26-pbt-kill-{uuid.uuid4().hex[:8]}"
    tw.create_study(study_name=name, storage=url, direction="maximize")
    script = os.path.join(tmp, "worker.py")
    with open(script, "w") as f:
        f.write(KILL + WORKER)
    env = dict(os.environ)
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, script, url, name, tmp, str(i)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    err1 = procs[1].communicate(timeout=300)[1]
    err0 = procs[0].communicate(timeout=300)[1]
    wall = time.perf_counter() - t0
    trials = tw.load_study(study_name=name, storage=url).trials
    claims = []
    if backend == "sqlite":
        import sqlite3

        con = sqlite3.connect(f"{tmp}/pbt.db")
        claims = [r[0] for r in con.execute("SELECT key FROM tunewise_claims ORDER BY key")]
    return {
        "label": label,
        "backend": backend,
        "worker0_exit": procs[0].returncode,
        "worker1_exit": procs[1].returncode,
        "wall_s": round(wall, 2),
        "trials": len(trials),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "excess": [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")],
        "waiting_left": [t.number for t in trials if t.state.value == "WAITING"],
        "running_left": [t.number for t in trials if t.state.value == "RUNNING"],
        "member_claims": [c for c in claims if c.startswith("pbt:member")],
        "worker0_stderr_tail": err0[-300:] if procs[0].returncode else "",
        "worker1_stderr_tail": err1[-200:] if procs[1].returncode not in (0, -9) else "",
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = ap.parse_args()
    for backend in args.backends:
        for _ in range(args.repeats):
            print(json.dumps(run(backend, args.label)), flush=True)


if __name__ == "__main__":
    main()
