"""Session 28, faults: PostgreSQL restarted, its connections terminated, and crashed, under 2 sweep agents.

A grid sweep of 12 runs (``lr``) on the faults cluster (port 5434, see ``faults_pg_restart.py``);
the program sleeps ``--sleep`` s, appends ``done <pid> <lr>`` to a ledger (fsynced), prints
``loss=...``. ``tunewise sweep run`` and a second ``tunewise sweep agent`` run it. Attacks, each
once the ledger holds that many finished runs: 3 -> ``pg_ctlcluster 15 faults restart -m fast``;
6 -> ``pg_terminate_backend`` of every other connection; 8 -> ``stop -m immediate``, ``--down`` s,
``start``. An agent that exits non-zero is restarted a second later (as a supervisor would),
at most 5 times. Counted: grid points COMPLETE (12 expected), programs run per point (the
ledger; 1 expected), results lost (a ledger line without its COMPLETE point), RUNNING left, the
agents' exits and their last lines.

    PYTHONPATH=<tree>/src nice -n 5 .venv/bin/python benchmarks/history/s28/faults_pg_restart_sweep.py \\
        --url $(cat /tmp/s28f/pgurl_faults) --label after --out benchmarks/history/s28/faults_pg_restart_sweep.jsonl
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from faults_pg_restart import _pg, _terminate  # noqa: E402

PROGRAM = textwrap.dedent("""
    import os, sys, time
    lr = float(sys.argv[1].split("=")[1])
    time.sleep(float(os.environ["PROBE_SLEEP"]))
    fd = os.open(os.environ["PROBE_LEDGER"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, f"done {os.getpid()} {lr!r}\\n".encode()); os.fsync(fd); os.close(fd)
    print(f"loss={(lr - 0.01) ** 2}", flush=True)
""")
LRS = [round(0.001 * (i + 1), 3) for i in range(12)]


def _done(path: str) -> list[list[str]]:
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.split() for line in f if line.startswith("done ")]


def run(args: argparse.Namespace) -> dict:
    import tunewise as tw

    d = tempfile.mkdtemp(prefix="s28_sweep_pg_", dir=args.tmp)
    name = f"s28-sweep-pg-{uuid.uuid4().hex[:8]}"
    with open(os.path.join(d, "train.py"), "w") as f:
        f.write(PROGRAM)
    with open(os.path.join(d, "sweep.yaml"), "w") as f:
        f.write(
            f"name: {name}\nprogram: train.py\nmethod: grid\nmetric: {{name: loss, goal: minimize}}\n"
            f"parameters:\n  lr: {{values: {LRS}}}\n"
        )
    ledger = os.path.join(d, "ledger.txt")
    env = dict(os.environ, PROBE_LEDGER=ledger, PROBE_SLEEP=str(args.sleep))
    cmds = [
        [sys.executable, "-m", "tunewise", "sweep", "run", os.path.join(d, "sweep.yaml"), "--storage", args.url],
        [sys.executable, "-m", "tunewise", "sweep", "agent", name, "--storage", args.url],
    ]
    logs = [open(os.path.join(d, f"agent{i}.log"), "a") for i in range(2)]

    def start(i: int) -> subprocess.Popen:
        logs[i].write(f"$ {' '.join(cmds[i])}\n")
        logs[i].flush()
        return subprocess.Popen(cmds[i], cwd=d, env=env, stdout=logs[i], stderr=subprocess.STDOUT)

    agents = {0: start(0)}
    time.sleep(3)  # the sweep exists before the second agent joins it
    agents[1] = start(1)
    exits: list[tuple[int, int]] = []
    restarts = collections.Counter[int]()
    attacks = [(3, "restart"), (6, "terminate"), (8, "crash")]
    log: list[str] = []
    t0 = time.monotonic()
    done: set[int] = set()
    while len(done) < 2 and time.monotonic() - t0 < args.deadline:
        if attacks and len(_done(ledger)) >= attacks[0][0]:
            _, what = attacks.pop(0)
            t = time.monotonic()
            if what == "restart":
                _pg("restart -m fast")
            elif what == "terminate":
                log.append(f"terminated {_terminate(args.url)} connections")
            else:
                _pg("stop -m immediate")
                time.sleep(args.down)
                _pg("start")
            log.append(f"{what} at {len(_done(ledger))} runs, {time.monotonic() - t:.1f} s")
        for i, p in list(agents.items()):
            if i in done or p.poll() is None:
                continue
            exits.append((i, p.returncode))
            if p.returncode == 0 or restarts[i] >= 5:
                done.add(i)
            else:
                restarts[i] += 1
                time.sleep(1.0)
                agents[i] = start(i)
        time.sleep(0.1)
    for p in agents.values():
        if p.poll() is None:
            p.kill()
    for f in logs:
        f.close()
    trials = tw.load_study(study_name=name, storage=args.url).trials
    complete = collections.Counter(t.params.get("lr") for t in trials if t.state == tw.TrialState.COMPLETE)
    runs = collections.Counter(float(r[2]) for r in _done(ledger))
    last_lines = []
    for i in range(2):
        with open(os.path.join(d, f"agent{i}.log"), errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip() and not ln.startswith("[I")]
        last_lines.append(lines[-3:])
    tw.delete_study(study_name=name, storage=args.url)
    return {
        "label": args.label,
        "seconds": round(time.monotonic() - t0, 1),
        "attacks": log,
        "exits": exits,
        "points_complete": len(complete),
        "points_complete_twice": sum(n > 1 for n in complete.values()),
        "programs_run": sum(runs.values()),
        "points_run_twice": sum(n > 1 for n in runs.values()),
        "lost": sum(1 for lr in runs if lr not in complete),
        "states": dict(collections.Counter(t.state.value for t in trials)),
        "running_left": [t.number for t in trials if t.state == tw.TrialState.RUNNING],
        "failed": [
            (t.number, str(t.system_attrs.get("fail_reason", ""))[:100])
            for t in trials
            if t.state == tw.TrialState.FAIL
        ],
        "agent_last_lines": last_lines,
        "dir": d,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--sleep", type=float, default=1.0)
    ap.add_argument("--down", type=float, default=8.0)
    ap.add_argument("--deadline", type=float, default=400.0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    assert ":5434/" in args.url, "use the faults cluster (port 5434), never the shared server"
    line = json.dumps(run(args))
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
