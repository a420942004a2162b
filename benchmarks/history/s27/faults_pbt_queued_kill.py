"""Session 27, fault 3: a PBT worker killed after its admission reserved a queued segment and
before its start.

Two worker processes run s25's PBT study (``tests/faults/test_attack_pbt_budget.py``'s worker:
population 4, 5 generations, ``max_trials = trials_needed() = 20``, default ``excess_wait`` 60 s).
Worker 1 SIGKILLs itself the first time ``_decisions._admitted`` admits it while a segment is
queued (before s27 that admission had claimed ``start:<n>`` in a storage step of its own: the
reservation), before its start. Worker 0 runs on alone. Counted: worker 0's wall time, its holds
that ran out (``hold_new_trial`` answered False after ``excess_wait``), trials by state, excess
trials, WAITING / RUNNING left.

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) PYTHONPATH=<tree>/src:. \\
        nice -n 5 python benchmarks/history/s27/faults_pbt_queued_kill.py --label before --repeats 2

One JSON line per run.
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
    from tunewise.trial import TrialState

    _admitted, _hold = _decisions._admitted, _decisions.hold_new_trial
    me, tmp = sys.argv[4], sys.argv[3]

    def admitted(loop, ctx, admits, claims=None, study=None):
        queued = [t.number for t in ctx.get_trials(states=(TrialState.WAITING,))]
        out = _admitted(loop, ctx, admits, claims, study)
        if me == "1" and out and queued:
            with open(os.path.join(tmp, "worker1-killed"), "w") as f:
                f.write(repr(queued))
            os.kill(os.getpid(), signal.SIGKILL)  # admitted for a queued segment, not started
        return out

    def hold_new_trial(study, **kw):
        out = _hold(study, **kw)
        if out is False:  # ran out: excess_wait (or a stop, or a timeout)
            with open(os.path.join(tmp, f"worker{me}-held-out"), "a") as f:
                f.write(f"{time.time()}\\n")
        return out

    _decisions._admitted = admitted
    _decisions.hold_new_trial = hold_new_trial
""")


def run(backend: str, label: str) -> dict:
    tmp = tempfile.mkdtemp(prefix="s27_pbt_qkill_")
    url = f"sqlite:///{tmp}/pbt.db" if backend == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    name = f"s27-pbt-qkill-{uuid.uuid4().hex[:8]}"
    tw.create_study(study_name=name, storage=url, direction="maximize")
    script = os.path.join(tmp, "worker.py")
    with open(script, "w") as f:
        f.write(KILL + WORKER)
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, script, url, name, tmp, str(i)],
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    err1 = procs[1].communicate(timeout=400)[1]
    err0 = procs[0].communicate(timeout=400)[1]
    wall = time.perf_counter() - t0
    trials = tw.load_study(study_name=name, storage=url).trials
    held_out = os.path.join(tmp, "worker0-held-out")
    killed = os.path.join(tmp, "worker1-killed")
    return {
        "label": label,
        "backend": backend,
        "worker0_exit": procs[0].returncode,
        "worker1_exit": procs[1].returncode,
        "worker1_killed_with_queued": open(killed).read() if os.path.exists(killed) else None,
        "wall_s": round(wall, 2),
        "worker0_holds_ran_out": len(open(held_out).read().split()) if os.path.exists(held_out) else 0,
        "trials": len(trials),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "excess": [t.number for t in trials if t.system_attrs.get("pbt", {}).get("excess")],
        "waiting_left": [t.number for t in trials if t.state.value == "WAITING"],
        "running_left": [t.number for t in trials if t.state.value == "RUNNING"],
        "worker0_stderr_tail": err0[-300:] if procs[0].returncode else "",
        "worker1_stderr_tail": err1[-300:] if procs[1].returncode not in (0, -9) else "",
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
