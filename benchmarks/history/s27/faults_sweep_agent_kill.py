"""Session 27, fault 4: ``tunewise sweep run`` (the agent) SIGKILLed while its program runs.

A grid sweep of 4 runs (``lr``); the program sleeps ``--steps`` seconds, writing a line per
second to a ledger (``alive <pid> <step> <time>``), printing ``step=<i>`` each second when
``--prints``, and ``loss=...`` at the end (``done <pid> <lr>`` in the ledger). Once the first
run's program has run ``--kill-after`` seconds, the agent is SIGKILLed; the program is watched
(is it still running, for how long, did it finish); then the agent is started again with the
same command (as an operator or a supervisor would) and runs the sweep to its end.

Counted: seconds the orphaned program ran after the agent's death, whether it finished its work
(its result can no longer be read by anyone), the trials by state, runs of each configuration
(ledger ``done`` lines), RUNNING left, and the wall time of the second agent.

    PYTHONPATH=<tree>/src nice -n 5 python benchmarks/history/s27/faults_sweep_agent_kill.py \\
        --label before [--prints] [--steps 8]

One JSON line per run.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import tunewise as tw

PROGRAM = textwrap.dedent("""
    import os, sys, time
    lr = float(sys.argv[1].split("=")[1])
    ledger = os.environ["PROBE_LEDGER"]
    def note(line):
        with open(ledger, "a") as f:
            f.write(line + "\\n")
    note(f"start {os.getpid()} {lr} {time.time()}")
    for i in range(int(os.environ["PROBE_STEPS"])):
        time.sleep(1.0)
        note(f"alive {os.getpid()} {i} {time.time()}")
        if os.environ.get("PROBE_PRINTS"):
            print(f"step={i}", flush=True)
    print(f"loss={(lr - 0.01) ** 2}", flush=True)
    note(f"done {os.getpid()} {lr} {time.time()}")
""")

SWEEP = textwrap.dedent("""
    name: agent-kill
    program: train.py
    method: grid
    metric: {name: loss, goal: minimize}
    parameters:
      lr: {values: [0.001, 0.01, 0.1, 1.0]}
""")


def _ledger(path: str) -> list[list[str]]:
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def run(args: argparse.Namespace) -> dict:
    d = tempfile.mkdtemp(prefix="s27_sweep_kill_")
    with open(os.path.join(d, "train.py"), "w") as f:
        f.write(PROGRAM)
    with open(os.path.join(d, "sweep.yaml"), "w") as f:
        f.write(SWEEP)
    ledger = os.path.join(d, "ledger.txt")
    env = dict(os.environ, PROBE_LEDGER=ledger, PROBE_STEPS=str(args.steps))
    if args.prints:
        env["PROBE_PRINTS"] = "1"
    url = f"sqlite:///{d}/tunewise.db"
    cmd = [sys.executable, "-m", "tunewise", "sweep", "run", os.path.join(d, "sweep.yaml"), "--storage", url]
    log1 = open(os.path.join(d, "agent1.log"), "w")
    agent = subprocess.Popen(cmd, cwd=d, env=env, stdout=log1, stderr=subprocess.STDOUT)
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up and not any(r[0] == "start" for r in _ledger(ledger)):
        time.sleep(0.05)
    first = next(r for r in _ledger(ledger) if r[0] == "start")
    pid, lr = int(first[1]), first[2]
    time.sleep(args.kill_after)
    agent.send_signal(signal.SIGKILL)
    agent.wait()
    killed_at = time.time()
    # Watch the orphan (at most steps + 10 s)
    watch_until = time.monotonic() + args.steps + 10
    while time.monotonic() < watch_until and _alive(pid):
        time.sleep(0.05)
    orphan_alive_s = time.time() - killed_at
    still_alive = _alive(pid)
    rows = _ledger(ledger)
    orphan_steps_after_kill = sum(1 for r in rows if r[0] == "alive" and int(r[1]) == pid and float(r[3]) > killed_at)
    orphan_finished = any(r[0] == "done" and int(r[1]) == pid for r in rows)
    if still_alive:
        os.kill(pid, signal.SIGKILL)
    # The operator restarts the agent
    t0 = time.perf_counter()
    log2 = open(os.path.join(d, "agent2.log"), "w")
    second = subprocess.run(cmd, cwd=d, env=env, stdout=log2, stderr=subprocess.STDOUT, timeout=args.timeout)
    second_wall = time.perf_counter() - t0
    study = tw.load_study(study_name="agent-kill", storage=url)
    trials = study.trials
    done = collections.Counter(r[2] for r in _ledger(ledger) if r[0] == "done")
    return {
        "label": args.label,
        "prints": bool(args.prints),
        "steps": args.steps,
        "killed_run_lr": lr,
        "orphan_alive_after_agent_kill_s": round(orphan_alive_s, 2),
        "orphan_still_alive_at_watch_end": still_alive,
        "orphan_steps_after_kill": orphan_steps_after_kill,
        "orphan_finished_its_work": orphan_finished,
        "second_agent_exit": second.returncode,
        "second_agent_wall_s": round(second_wall, 2),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "trials": [
            (t.number, t.state.value, t.params.get("lr"), t.system_attrs.get("fail_reason", "")[:80]) for t in trials
        ],
        "runs_finished_per_lr": dict(done),
        "running_left": [t.number for t in trials if t.state.value == "RUNNING"],
        "complete_lrs": sorted(t.params["lr"] for t in trials if t.state.value == "COMPLETE"),
        "dir": d,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--kill-after", type=float, default=2.0)
    ap.add_argument("--prints", action="store_true")
    ap.add_argument("--timeout", type=float, default=400)
    args = ap.parse_args()
    print(json.dumps(run(args)), flush=True)


if __name__ == "__main__":
    main()
